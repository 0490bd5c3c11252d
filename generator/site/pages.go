package site

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/kabar-news/kabar/generator/diag"
	"github.com/kabar-news/kabar/generator/lang"
)

// Page is one HTML page to render: the "dot" of its template.
type Page struct {
	Site     *Site
	Kind     string // home, article, section, tag, source, edition, month, year, archive, tags, search, 404
	Template string // file under templates/, e.g. "list.html"
	Path     string // site path, e.g. "/tags/rupiah/page/2/"
	Title    string

	Article  *Article   // article pages
	Articles []*Article // list pages: this page's share
	Term     *Term      // section, tag and source pages
	Day      *Day       // edition pages
	Month    *Month
	Year     *Year
	Terms    []*Term // the tags index
	Pager    *Pager
	Feed     string // site path of the page's RSS feed
}

// Groups returns the page's articles grouped by day, newest day first.
func (p *Page) Groups() []Group {
	var out []Group
	for _, a := range p.Articles {
		if n := len(out); n > 0 && out[n-1].Day == a.Day {
			out[n-1].Articles = append(out[n-1].Articles, a)
			continue
		}
		out = append(out, Group{Day: a.Day, Articles: []*Article{a}})
	}
	return out
}

// BySection returns the page's articles grouped by section, in the order
// of the sections' names; articles with no section come last, under a nil
// Term. A daily edition reads like a newspaper this way.
func (p *Page) BySection() []SectionGroup {
	var out []SectionGroup
	index := map[*Term]int{}
	for _, a := range p.Articles {
		i, ok := index[a.SectionTerm]
		if !ok {
			i = len(out)
			index[a.SectionTerm] = i
			out = append(out, SectionGroup{Term: a.SectionTerm})
		}
		out[i].Articles = append(out[i].Articles, a)
	}
	sort.SliceStable(out, func(i, j int) bool { return sectionBefore(out[i].Term, out[j].Term) })
	return out
}

// sectionBefore orders sections by name, no section (nil) last.
func sectionBefore(a, b *Term) bool {
	if a == nil || b == nil {
		return b == nil && a != nil
	}
	return strings.ToLower(a.Name) < strings.ToLower(b.Name)
}

// EditionSize is how many articles one page of a daily edition shows. A
// printed edition is the whole day; only a day busier than this is split.
const EditionSize = 200

// editionOrder is a day's articles as its edition shows them: section by
// section, newest first within each, so that a split day splits between
// sections rather than scattering them over its pages.
func editionOrder(list []*Article) []*Article {
	if len(list) <= EditionSize {
		return list // one page: BySection groups it
	}
	out := slices.Clone(list)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].SectionTerm, out[j].SectionTerm
		return a != b && sectionBefore(a, b)
	})
	return out
}

// SectionGroup is the articles of one section on a page.
type SectionGroup struct {
	Term     *Term // nil for articles with no section
	Articles []*Article
}

// Group is a run of articles from one day.
type Group struct {
	Day      *Day
	Articles []*Article
}

// File is the output file the page is written to, e.g. "tags/x/index.html".
// Section is the section the page belongs to: an article's, or the
// section a section page lists; nil for the others.
func (p *Page) Section() *Term {
	switch {
	case p.Article != nil:
		return p.Article.SectionTerm
	case p.Term != nil && p.Term.Kind == "section":
		return p.Term
	}
	return nil
}

func (p *Page) File() string {
	if p.Kind == "404" {
		return "404.html"
	}
	return strings.TrimPrefix(p.Path, "/") + "index.html"
}

// Pager links the pages of one paginated list.
//
// A list of articles, newest first, has its front page with the newest
// and then pages numbered from the oldest: page 1 holds the oldest
// stories and keeps them as the list grows, so an address shows the same
// stories next year, and a new article changes the front page and the
// newest page or two behind it, not all of them. A daily edition, read
// from its start, has its front page and then pages 2, 3 and on.
type Pager struct {
	Number int    // the number in the page's address, /page/N/; 0 on the front page
	First  string // site path of the list's front page
	Prev   string // the page before it, toward the front page; "" on the front page
	Next   string // the page after it; "" on the last
	Links  []PageLink
}

// PageLink is one page of a list, as the pager links to it.
type PageLink struct {
	Number  int    // as Pager.Number
	Label   string // what the link reads: the page's number, or the front page's name
	Path    string
	Current bool
	Gap     bool // pages between the link before this one and this one are left out
}

// PagePath is the site path of page n of a list whose front page is base;
// n = 0 is the front page.
func PagePath(base string, n int) string {
	if n <= 0 {
		return base
	}
	return base + "page/" + strconv.Itoa(n) + "/"
}

// span is one page of a list: its number and its share of the list.
type span struct{ number, lo, hi int }

// byAge cuts n articles, newest first, into pages of per numbered from
// the oldest: the front page with the newest per, then pages K down to
// 1, of which only page K, the newest of them, may hold fewer.
func byAge(n, per int) []span {
	front := min(n, per)
	spans := []span{{0, 0, front}}
	for p := (n - front + per - 1) / per; p >= 1; p-- {
		spans = append(spans, span{p, max(front, n-p*per), n - (p-1)*per})
	}
	return spans
}

// inOrder cuts n articles into pages of per in reading order: the front
// page, then pages 2, 3 and on.
func inOrder(n, per int) []span {
	spans := []span{{0, 0, min(n, per)}}
	for lo := per; lo < n; lo += per {
		spans = append(spans, span{lo/per + 1, lo, min(lo+per, n)})
	}
	return spans
}

// paginate makes one page of each span, always at least one so that an
// empty list still has its front page. front is the front page's label
// in the pager.
func paginate(base string, list []*Article, spans []span, front string, build func(articles []*Article, pager *Pager) *Page) []*Page {
	links := make([]PageLink, len(spans))
	for i, sp := range spans {
		links[i] = PageLink{Number: sp.number, Label: front, Path: PagePath(base, sp.number)}
		if sp.number > 0 {
			links[i].Label = strconv.Itoa(sp.number)
		}
	}
	pages := make([]*Page, len(spans))
	for i, sp := range spans {
		pg := &Pager{Number: sp.number, First: base}
		if i > 0 {
			pg.Prev = links[i-1].Path
		}
		if i+1 < len(spans) {
			pg.Next = links[i+1].Path
		}
		pg.Links = window(links, i)
		p := build(list[sp.lo:sp.hi], pg)
		p.Path = PagePath(base, sp.number)
		pages[i] = p
	}
	return pages
}

// window is the links a pager shows on page i: the front page, the last
// page and two on each side of the current one, so 5,000 pages do not
// make 5,000 links, and an old page's pager does not change as the list
// grows.
func window(links []PageLink, i int) []PageLink {
	out := make([]PageLink, 0, 7)
	prev := -1
	add := func(j int) {
		if j <= prev || j < 0 || j >= len(links) {
			return
		}
		l := links[j]
		l.Current, l.Gap = j == i, prev >= 0 && j > prev+1
		out = append(out, l)
		prev = j
	}
	add(0)
	for j := i - 2; j <= i+2; j++ {
		add(j)
	}
	add(len(links) - 1)
	return out
}

// Pages lists every HTML page of the site.
func (s *Site) Pages() []*Page {
	per := s.Config.PerPage
	var pages []*Page
	add := func(ps ...*Page) { pages = append(pages, ps...) }

	lang := s.Config.Language
	newest := word(lang, "newest")
	add(paginate("/", s.Articles, byAge(len(s.Articles), per), newest, func(list []*Article, pg *Pager) *Page {
		return &Page{Site: s, Kind: "home", Template: "home.html", Title: s.Config.Title, Articles: list, Pager: pg, Feed: "/feed.xml"}
	})...)
	for _, a := range s.Articles {
		p := &Page{Site: s, Kind: "article", Template: "article.html", Path: a.Path, Title: a.Title, Article: a, Feed: "/feed.xml"}
		add(p)
	}
	for _, terms := range [][]*Term{s.Sections, s.Tags, s.Sources} {
		for _, t := range terms {
			add(paginate(t.Path, t.Articles, byAge(len(t.Articles), per), newest, func(list []*Article, pg *Pager) *Page {
				return &Page{Site: s, Kind: t.Kind, Template: "list.html", Title: t.Name, Term: t, Articles: list, Pager: pg, Feed: t.FeedPath()}
			})...)
		}
	}
	for _, d := range s.Days {
		add(paginate(d.Path, editionOrder(d.Articles), inOrder(len(d.Articles), EditionSize), "1", func(list []*Article, pg *Pager) *Page {
			return &Page{Site: s, Kind: "edition", Template: "edition.html", Title: longDate(d.Date, lang), Day: d, Articles: list, Pager: pg, Feed: "/feed.xml"}
		})...)
	}
	for _, m := range s.Months {
		add(&Page{Site: s, Kind: "month", Template: "archive.html", Path: m.Path, Title: monthTitle(m.Date, lang), Month: m, Feed: "/feed.xml"})
	}
	for _, y := range s.Years {
		add(&Page{Site: s, Kind: "year", Template: "archive.html", Path: y.Path, Title: y.Date.Format("2006"), Year: y, Feed: "/feed.xml"})
	}
	add(&Page{Site: s, Kind: "archive", Template: "archive.html", Path: "/archive/", Title: word(lang, "archive"), Feed: "/feed.xml"})
	add(&Page{Site: s, Kind: "tags", Template: "tags.html", Path: "/tags/", Title: word(lang, "tags"), Terms: s.Tags, Feed: "/feed.xml"})
	add(&Page{Site: s, Kind: "sections", Template: "tags.html", Path: "/sections/", Title: word(lang, "sections"), Terms: s.Sections, Feed: "/feed.xml"})
	add(&Page{Site: s, Kind: "sources", Template: "tags.html", Path: "/sources/", Title: word(lang, "sources"), Terms: s.Sources, Feed: "/feed.xml"})
	if s.Config.Search {
		add(&Page{Site: s, Kind: "search", Template: "search.html", Path: "/search/", Title: word(lang, "search"), Feed: "/feed.xml"})
	}
	add(&Page{Site: s, Kind: "404", Template: "404.html", Path: "/404.html", Title: word(lang, "not_found")})
	return pages
}

// CheckClashes reports two pages, or a page and another output file, that
// would be written to one file. others maps extra output files to who
// makes them (static files, feeds).
func CheckClashes(pages []*Page, others map[string]string) error {
	owner := make(map[string]string, len(pages)+len(others))
	var errs []error
	claim := func(file, who string) {
		key := strings.ToLower(file) // case-insensitive file systems
		prev, ok := owner[key]
		if !ok {
			owner[key] = who
			return
		}
		// The problem is at a site file, when one of the two is one.
		d := &diag.Diag{Message: fmt.Sprintf("%s and %s would both write %s", prev, who, file), Fix: "rename one of them"}
		if isSource(who) {
			d.File, d.Message = who, fmt.Sprintf("writes %s, as %s does", file, prev)
		} else if isSource(prev) {
			d.File, d.Message = prev, fmt.Sprintf("writes %s, as %s does", file, who)
		}
		errs = append(errs, d)
	}
	for _, p := range pages {
		who := "the " + p.Kind + " page " + p.Path
		if p.Article != nil {
			who = "content/" + p.Article.File
		}
		claim(p.File(), who)
	}
	for file, who := range others {
		claim(file, who)
	}
	if len(errs) > 0 {
		sortDiags(errs)
		return errors.Join(errs...)
	}
	return nil
}

// isSource reports whether an output's maker is a file of the site
// ("content/x.md", "static/y"), for a diagnostic to point at.
func isSource(who string) bool {
	return strings.HasPrefix(who, "content/") || strings.HasPrefix(who, "static/")
}

// sortDiags orders problems by their text, so that a build reports them
// in the same order every time.
func sortDiags(errs []error) {
	sort.Slice(errs, func(i, j int) bool { return errs[i].Error() < errs[j].Error() })
}

func longDate(t time.Time, code string) string   { return lang.Format(t, code, "Monday, 2 January 2006") }
func monthTitle(t time.Time, code string) string { return lang.Format(t, code, "January 2006") }
func word(code, key string) string               { return lang.Word(code, key) }
