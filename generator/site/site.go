// Package site is the in-memory digest: parsed articles sorted newest first
// and grouped into daily editions, months, years, sections, tags and
// sources, with the pages to render. It is pure data: no files, no
// templates, so it is cheap to rebuild from cached articles on every change.
package site

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/kabar-news/kabar/generator/config"
	"github.com/kabar-news/kabar/generator/content"
	"github.com/kabar-news/kabar/generator/diag"
	"github.com/kabar-news/kabar/generator/links"
)

// Site is the whole digest.
type Site struct {
	Config   *config.Config
	Intro    template.HTML // from content/_index.md
	Articles []*Article    // newest first
	Sections []*Term       // by name
	Tags     []*Term
	Sources  []*Term
	Days     []*Day   // newest first
	Months   []*Month // newest first
	Years    []*Year  // newest first

	links *linkIndex // made when an article links to another
}

// Article is a parsed article placed in the site.
type Article struct {
	*content.Article
	Path        string // site path, e.g. "/2025/04/28/slug/"
	SectionTerm *Term
	SourceTerm  *Term
	TagTerms    []*Term
	Day         *Day
	Older       *Article
	Newer       *Article
	Related     []*Article
	Refs        []Ref // where the body's Links lead, one for each
	// Broken are the links of Refs that lead to no article.
	Broken []links.Finding
	// ID stays the same across the builds of one builder (see package
	// view); 0 until set.
	ID    uint32
	index int
}

// Term is a section, tag or source with its articles, newest first.
type Term struct {
	Kind     string // "section", "tag" or "source"
	Name     string
	Slug     string
	Path     string // e.g. "/tags/rupiah/"
	Articles []*Article
	ID       uint32
}

// FeedPath is the term's RSS feed.
func (t *Term) FeedPath() string { return t.Path + "feed.xml" }

// Day is one daily edition.
type Day struct {
	Date     time.Time // midnight in the site's time zone
	Path     string    // "/2025/04/28/"
	Articles []*Article
	ID       uint32
}

// Month holds the days of one month that have articles.
type Month struct {
	Date  time.Time
	Path  string
	Days  []*Day
	Count int
	ID    uint32
}

// Year holds the months of one year that have articles.
type Year struct {
	Date   time.Time
	Path   string
	Months []*Month
	Count  int
	ID     uint32
}

// TermKinds maps a term kind to the folder its pages live in.
var TermKinds = map[string]string{"section": "sections", "tag": "tags", "source": "sources"}

// New places articles in a site. The articles' order does not matter.
// It fails when two articles claim one URL.
func New(cfg *config.Config, intro template.HTML, list []*content.Article) (*Site, error) {
	s := &Site{Config: cfg, Intro: intro}
	s.Articles = make([]*Article, len(list))
	for i, a := range list {
		s.Articles[i] = &Article{Article: a}
	}
	sort.Slice(s.Articles, func(i, j int) bool { return newer(s.Articles[i], s.Articles[j]) })

	byPath := map[string]*Article{}
	var clashes []error
	for i, a := range s.Articles {
		a.index = i
		a.Path = permalink(cfg.Permalink, a.Article, cfg.Location)
		key := strings.ToLower(a.Path) // case-insensitive file systems
		if other, ok := byPath[key]; ok {
			clashes = append(clashes, &diag.Diag{File: "content/" + a.File, Message: fmt.Sprintf("has the URL %s, as content/%s does", a.Path, other.File),
				Fix: "give one of them another slug (add slug: ... to its front matter)"})
			continue
		}
		byPath[key] = a
		if i > 0 {
			a.Newer = s.Articles[i-1]
			s.Articles[i-1].Older = a
		}
	}
	if len(clashes) > 0 {
		sortDiags(clashes)
		return nil, errors.Join(clashes...)
	}

	s.Sections = s.group("section", func(a *Article) []string { return nonEmpty(a.Section) }, func(a *Article, t *Term) { a.SectionTerm = t })
	s.Sources = s.group("source", func(a *Article) []string { return nonEmpty(a.Source) }, func(a *Article, t *Term) { a.SourceTerm = t })
	s.Tags = s.group("tag", func(a *Article) []string { return a.Tags }, func(a *Article, t *Term) { a.TagTerms = append(a.TagTerms, t) })
	s.groupDates()
	sc := &relatedScratch{count: make([]int32, len(s.Articles))}
	for _, a := range s.Articles {
		a.Related = related(a, 4, sc)
	}
	s.resolveAll()
	return s, nil
}

// newer orders articles newest first, with stable tie-breaks so that the
// output never depends on the order files were read in.
func newer(a, b *Article) bool {
	if !a.Date.Equal(b.Date) {
		return a.Date.After(b.Date)
	}
	if a.Title != b.Title {
		return a.Title < b.Title
	}
	return a.File < b.File
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

// group builds the terms of one kind. Names that differ only in case or
// punctuation share one slug and so one term, named as first seen.
func (s *Site) group(kind string, names func(*Article) []string, link func(*Article, *Term)) []*Term {
	bySlug := map[string]*Term{}
	var terms []*Term
	for _, a := range s.Articles {
		for _, name := range names(a) {
			slug := TermSlug(name)
			t := bySlug[slug]
			if t == nil {
				t = &Term{Kind: kind, Name: name, Slug: slug, Path: "/" + TermKinds[kind] + "/" + slug + "/"}
				bySlug[slug] = t
				terms = append(terms, t)
			}
			if n := len(t.Articles); n > 0 && t.Articles[n-1] == a {
				continue // the same tag twice on one article
			}
			t.Articles = append(t.Articles, a)
			link(a, t)
		}
	}
	sort.Slice(terms, func(i, j int) bool {
		if li, lj := strings.ToLower(terms[i].Name), strings.ToLower(terms[j].Name); li != lj {
			return li < lj
		}
		return terms[i].Slug < terms[j].Slug
	})
	return terms
}

// TermSlug is the URL segment of a section, tag or source name. A name
// with no letters or digits gets a stable hash instead of an empty segment.
func TermSlug(name string) string {
	if s, ok := termSlugs.Load(name); ok {
		return s.(string)
	}
	s := content.Slugify(name)
	if s == "" {
		sum := sha256.Sum256([]byte(name))
		s = "t-" + hex.EncodeToString(sum[:4])
	}
	termSlugs.Store(name, s)
	return s
}

// termSlugs remembers TermSlug's results: slugging is slow next to the
// rest of the model, which is rebuilt on every change while watching, and
// a site has far fewer names than uses of them.
var termSlugs sync.Map

func (s *Site) groupDates() {
	loc := s.Config.Location
	var day *Day
	var month *Month
	var year *Year
	for _, a := range s.Articles {
		t := a.Date.In(loc)
		d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
		if year == nil || year.Date.Year() != d.Year() {
			year = &Year{Date: time.Date(d.Year(), 1, 1, 0, 0, 0, 0, loc), Path: d.Format("/2006/")}
			s.Years = append(s.Years, year)
		}
		if month == nil || !month.Date.Equal(time.Date(d.Year(), d.Month(), 1, 0, 0, 0, 0, loc)) {
			month = &Month{Date: time.Date(d.Year(), d.Month(), 1, 0, 0, 0, 0, loc), Path: d.Format("/2006/01/")}
			s.Months = append(s.Months, month)
			year.Months = append(year.Months, month)
		}
		if day == nil || !day.Date.Equal(d) {
			day = &Day{Date: d, Path: d.Format("/2006/01/02/")}
			s.Days = append(s.Days, day)
			month.Days = append(month.Days, day)
		}
		day.Articles = append(day.Articles, a)
		month.Count++
		year.Count++
		a.Day = day
	}
}

// related picks up to n articles sharing the most tags with a, nearest in
// time first. It looks only at a window of each tag's list around a, so a
// tag on 100,000 articles costs no more than one on ten. The model is
// rebuilt on every change while watching, so this runs for every article
// each time: sc is scratch space shared by the calls.
func related(a *Article, n int, sc *relatedScratch) []*Article {
	const window = 24
	// count[i] is how many of a's tags article i shares, among the
	// windows; uniq lists the articles counted.
	uniq := sc.uniq[:0]
	for _, t := range a.TagTerms {
		i := sort.Search(len(t.Articles), func(i int) bool { return t.Articles[i].index >= a.index })
		lo, hi := max(0, i-window), min(len(t.Articles), i+window+1)
		for _, b := range t.Articles[lo:hi] {
			if b != a {
				if sc.count[b.index] == 0 {
					uniq = append(uniq, b)
				}
				sc.count[b.index]++
			}
		}
	}
	better := func(x, y relatedScore) bool {
		if x.score != y.score {
			return x.score > y.score
		}
		if x.dist != y.dist {
			return x.dist < y.dist
		}
		return x.b.index < y.b.index
	}
	top := sc.top[:0] // the best so far, best first, at most n
	for _, b := range uniq {
		c := relatedScore{b, int(sc.count[b.index]), abs(b.index - a.index)}
		sc.count[b.index] = 0
		if len(top) == n && !better(c, top[n-1]) {
			continue
		}
		k := len(top)
		for k > 0 && better(c, top[k-1]) {
			k--
		}
		top = slices.Insert(top, k, c)
		if len(top) > n {
			top = top[:n]
		}
	}
	out := make([]*Article, len(top))
	for i, c := range top {
		out[i] = c.b
	}
	sc.uniq, sc.top = uniq, top
	return out
}

// relatedScratch is related's scratch space for one site.
type relatedScratch struct {
	count []int32 // by article index
	uniq  []*Article
	top   []relatedScore
}

type relatedScore struct {
	b           *Article
	score, dist int
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// Permalink is the path of an article on the site, as New gives it.
func Permalink(cfg *config.Config, a *content.Article) string {
	return permalink(cfg.Permalink, a, cfg.Location)
}

// permalink expands the config's pattern for one article.
func permalink(pattern string, a *content.Article, loc *time.Location) string {
	t := a.Date.In(loc)
	section := TermSlug(a.Section)
	if a.Section == "" {
		section = "artikel"
	}
	// A replacer built per article would cost more than the rest of
	// the model; the tokens are no prefixes of each other.
	tokens := [...]struct{ name, value string }{
		{":year", t.Format("2006")}, {":month", t.Format("01")}, {":day", t.Format("02")},
		{":slug", a.Slug}, {":section", section},
	}
	var b strings.Builder
	for len(pattern) > 0 {
		i := strings.IndexByte(pattern, ':')
		if i < 0 {
			b.WriteString(pattern)
			break
		}
		b.WriteString(pattern[:i])
		pattern = pattern[i:]
		matched := false
		for _, tok := range tokens {
			if strings.HasPrefix(pattern, tok.name) {
				b.WriteString(tok.value)
				pattern = pattern[len(tok.name):]
				matched = true
				break
			}
		}
		if !matched {
			b.WriteByte(':')
			pattern = pattern[1:]
		}
	}
	return b.String()
}
