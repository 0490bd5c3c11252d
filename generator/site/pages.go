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
type Pager struct {
	Number int
	Total  int
	First  string // site path of page 1
	Prev   string // "" on the first page
	Next   string // "" on the last page
	Links  []PageLink
}

// PageLink is one numbered page of a list.
type PageLink struct {
	Number  int
	Path    string
	Current bool
}

// PagePath is the site path of page n of a list whose first page is base.
func PagePath(base string, n int) string {
	if n <= 1 {
		return base
	}
	return base + "page/" + strconv.Itoa(n) + "/"
}

// paginate splits articles into pages of per, always giving at least one
// page so that an empty list still has its index.
func paginate(base string, list []*Article, per int, build func(articles []*Article, pager *Pager) *Page) []*Page {
	total := max(1, (len(list)+per-1)/per)
	pages := make([]*Page, 0, total)
	for n := 1; n <= total; n++ {
		lo, hi := (n-1)*per, min(n*per, len(list))
		pg := &Pager{Number: n, Total: total, First: base}
		if n > 1 {
			pg.Prev = PagePath(base, n-1)
		}
		if n < total {
			pg.Next = PagePath(base, n+1)
		}
		for _, k := range window(n, total) {
			pg.Links = append(pg.Links, PageLink{Number: k, Path: PagePath(base, k), Current: k == n})
		}
		p := build(list[lo:hi], pg)
		p.Path = PagePath(base, n)
		pages = append(pages, p)
	}
	return pages
}

// window is the page numbers a pager shows: the first, the last and two
// on each side of the current one, so 5,000 pages do not make 5,000 links.
func window(n, total int) []int {
	var out []int
	for k := 1; k <= total; k++ {
		if k == 1 || k == total || (k >= n-2 && k <= n+2) {
			out = append(out, k)
		}
	}
	return out
}

// Pages lists every HTML page of the site.
func (s *Site) Pages() []*Page {
	per := s.Config.PerPage
	var pages []*Page
	add := func(ps ...*Page) { pages = append(pages, ps...) }

	add(paginate("/", s.Articles, per, func(list []*Article, pg *Pager) *Page {
		return &Page{Site: s, Kind: "home", Template: "home.html", Title: s.Config.Title, Articles: list, Pager: pg, Feed: "/feed.xml"}
	})...)
	for _, a := range s.Articles {
		p := &Page{Site: s, Kind: "article", Template: "article.html", Path: a.Path, Title: a.Title, Article: a, Feed: "/feed.xml"}
		add(p)
	}
	for _, terms := range [][]*Term{s.Sections, s.Tags, s.Sources} {
		for _, t := range terms {
			add(paginate(t.Path, t.Articles, per, func(list []*Article, pg *Pager) *Page {
				return &Page{Site: s, Kind: t.Kind, Template: "list.html", Title: t.Name, Term: t, Articles: list, Pager: pg, Feed: t.FeedPath()}
			})...)
		}
	}
	lang := s.Config.Language
	for _, d := range s.Days {
		add(paginate(d.Path, editionOrder(d.Articles), EditionSize, func(list []*Article, pg *Pager) *Page {
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
