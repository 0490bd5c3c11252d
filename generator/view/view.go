// Package view is what templates see of the site, and how a build learns
// what each page depends on. Every value a template can reach from its dot
// is a view: a read-only handle on one thing of the model (a page, the
// site, an article, a term, a day, a month, a year) whose methods return
// the model's data and, as they do, record a Key into the page's Recorder.
// Views have no exported fields, so nothing can be read without being
// recorded; fmt and the escapers see them through String.
//
// After a page is rendered, its Trace is the set of keys it read. On the
// next build the page is rendered again only if its own structure (Self),
// its template files, or the value of one of those keys changed: what the
// page read decides, whatever the theme does with it. A theme that ranges
// over .Site.Articles records the whole list and is rendered on every
// change to it, which is right, and slow; Report says so.
//
// An article's card (partials/card.html) is rendered once per change of
// the article, by .Card, and pasted into every list that shows it; a
// page that shows a card depends on the card's bytes. A fragment (a
// partial shown with .Fragment, such as the header) is rendered once per
// build for all the pages on which it reads the same things.
package view

import (
	"encoding/binary"
	"hash/maphash"
	"html/template"
	"slices"
	"time"

	"github.com/kabar-news/kabar/generator/config"
	"github.com/kabar-news/kabar/generator/content"
	"github.com/kabar-news/kabar/generator/site"
)

// Key names one part of one thing a template can read: the entity's ID
// (site.Article.ID, ...; 0 is the site) and a slot.
type Key uint64

const slots = 8

// templateKey marks a key that names a template file's partial instead of
// an entity: its value is the partial's files' hash.
const templateKey Key = 1 << 63

func key(id uint32, slot int) Key { return Key(uint64(id)*slots + uint64(slot)) }

// ID is the entity a key belongs to.
func (k Key) ID() uint32 { return uint32(k / slots) }

// The slots of each kind of entity.
const (
	// articles
	aMeta    = iota // front matter fields, summary, path, terms, day
	aText           // the body: Content, Words, ReadingTime, and where its links lead
	aLinks          // Older, Newer
	aRelated        // Related
	aCard           // the bytes of its card
	aImage          // LeadImage, ImageAlt: the lead image's files and alt
)

const (
	// terms
	tHead  = iota // Name, Slug, Path, FeedPath
	tList         // Articles
	tCount        // Count
)

const (
	// days, months and years: their date and path are their identity
	dList  = iota // Day.Articles, Month.Days, Year.Months
	dCount        // Count
)

const (
	// the site, ID 0
	sArticles = iota
	sSections
	sTags
	sSources
	sDays
	sMonths
	sYears
	sIntro
)

// Env is what views need beyond the model, for one build.
type Env struct {
	Site *site.Site
	// Body returns an article's rendered body.
	Body func(a *site.Article) (template.HTML, error)
	// Card renders partials/card.html with dot into a buffer.
	Card func(dot any) ([]byte, error)
	// Cards caches the cards; nil renders every card where it is shown.
	Cards *Cards
	// Partial renders a partial with dot; Fragment uses it.
	Partial func(name string, dot any) ([]byte, error)
	// Lead returns an article's lead image, or nil.
	Lead  func(a *site.Article) *Lead
	frags fragments
}

// Recorder collects the keys one render reads, and hands out the views
// of it, one per thing, so that templates can compare them with eq.
type Recorder struct {
	env    *Env
	keys   []Key
	inCard bool
	frag   bool  // a fragment's: reads of the page are noted too
	selfs  []int // the parts of the page it read (fKind, ...)

	site     *Site
	articles map[*site.Article]*Article
	terms    map[*site.Term]*Term
	days     map[*site.Day]*Day
	months   map[*site.Month]*Month
	years    map[*site.Year]*Year
}

// NewRecorder starts recording one render.
func NewRecorder(env *Env) *Recorder { return &Recorder{env: env} }

func (r *Recorder) add(id uint32, slot int) { r.keys = append(r.keys, key(id, slot)) }

// Trace returns the keys read so far, sorted, each once.
func (r *Recorder) Trace() []Key {
	slices.Sort(r.keys)
	return slices.Clip(slices.Compact(r.keys))
}

// Page returns the view of p: the dot of its template.
func (r *Recorder) Page(p *site.Page) *Page { return &Page{p: p, r: r} }

// intern returns the one view of x in m, made by mk the first time.
func intern[M, V any](m *map[*M]*V, x *M, mk func() *V) *V {
	if x == nil {
		return nil
	}
	if v, ok := (*m)[x]; ok {
		return v
	}
	if *m == nil {
		*m = map[*M]*V{}
	}
	v := mk()
	(*m)[x] = v
	return v
}

func (r *Recorder) article(a *site.Article) *Article {
	return intern(&r.articles, a, func() *Article { return &Article{a: a, r: r} })
}

func (r *Recorder) articleList(list []*site.Article) []*Article {
	out := make([]*Article, len(list))
	for i, a := range list {
		out[i] = r.article(a)
	}
	return out
}

func (r *Recorder) term(t *site.Term) *Term {
	return intern(&r.terms, t, func() *Term { return &Term{t: t, r: r} })
}

func (r *Recorder) termList(list []*site.Term) []*Term {
	out := make([]*Term, len(list))
	for i, t := range list {
		out[i] = r.term(t)
	}
	return out
}

func (r *Recorder) day(d *site.Day) *Day {
	return intern(&r.days, d, func() *Day { return &Day{d: d, r: r} })
}

func (r *Recorder) month(m *site.Month) *Month {
	return intern(&r.months, m, func() *Month { return &Month{m: m, r: r} })
}

func (r *Recorder) year(y *site.Year) *Year {
	return intern(&r.years, y, func() *Year { return &Year{y: y, r: r} })
}

// Page is the dot of a page template. Its own fields (kind, path, title,
// pager, which articles and terms it lists) are its Self; reading them
// records nothing.
type Page struct {
	p *site.Page
	r *Recorder
}

func (p *Page) Kind() string {
	p.note(fKind)
	return p.p.Kind
}

func (p *Page) Template() string {
	p.note(fTemplate)
	return p.p.Template
}

func (p *Page) Path() string {
	p.note(fPath)
	return p.p.Path
}

func (p *Page) String() string { return p.Path() }

func (p *Page) File() string { return p.Path() }

func (p *Page) Title() string {
	p.note(fTitle)
	return p.p.Title
}

func (p *Page) Feed() string {
	p.note(fFeed)
	return p.p.Feed
}

func (p *Page) Pager() *site.Pager {
	p.note(fPager)
	return p.p.Pager
}

func (p *Page) Site() *Site { return p.r.siteView() }

func (p *Page) Article() *Article {
	p.note(fArticle)
	return p.r.article(p.p.Article)
}

func (p *Page) Articles() []*Article {
	p.note(fArticles)
	return p.r.articleList(p.p.Articles)
}

func (p *Page) Term() *Term {
	p.note(fTerm)
	return p.r.term(p.p.Term)
}

func (p *Page) Day() *Day {
	p.note(fDay)
	return p.r.day(p.p.Day)
}

func (p *Page) Month() *Month {
	p.note(fMonth)
	return p.r.month(p.p.Month)
}

func (p *Page) Year() *Year {
	p.note(fYear)
	return p.r.year(p.p.Year)
}

func (p *Page) Terms() []*Term {
	p.note(fTerms)
	return p.r.termList(p.p.Terms)
}

// Group is a run of a page's articles from one day.
type Group struct {
	Day      *Day
	Articles []*Article
}

// Groups returns the page's articles grouped by day, newest day first.
func (p *Page) Groups() []Group {
	p.note(fArticles)
	var out []Group
	for _, g := range p.p.Groups() {
		for _, a := range g.Articles {
			p.r.add(a.ID, aMeta) // the day comes from the date
		}
		out = append(out, Group{Day: p.r.day(g.Day), Articles: p.r.articleList(g.Articles)})
	}
	return out
}

// SectionGroup is the articles of one section on a page; Term is nil for
// articles with no section.
type SectionGroup struct {
	Term     *Term
	Articles []*Article
}

// BySection returns the page's articles grouped by section, in the order
// of the sections' names; articles with no section come last.
func (p *Page) BySection() []SectionGroup {
	p.note(fArticles)
	var out []SectionGroup
	for _, g := range p.p.BySection() {
		for _, a := range g.Articles {
			p.r.add(a.ID, aMeta)
		}
		if g.Term != nil {
			p.r.add(g.Term.ID, tHead) // the order comes from the names
		}
		out = append(out, SectionGroup{Term: p.r.term(g.Term), Articles: p.r.articleList(g.Articles)})
	}
	return out
}

// Site is the whole digest.
type Site struct{ r *Recorder }

func (r *Recorder) siteView() *Site {
	if r.site == nil {
		r.site = &Site{r: r}
	}
	return r.site
}

func (s *Site) s() *site.Site { return s.r.env.Site }

// Config is the site's configuration: a change to it rebuilds everything.
func (s *Site) Config() *config.Config { return s.s().Config }
func (s *Site) String() string         { return s.s().Config.Title }

func (s *Site) Intro() template.HTML {
	s.r.add(0, sIntro)
	return s.s().Intro
}

func (s *Site) Articles() []*Article {
	s.r.add(0, sArticles)
	return s.r.articleList(s.s().Articles)
}

func (s *Site) Sections() []*Term {
	s.r.add(0, sSections)
	return s.r.termList(s.s().Sections)
}

func (s *Site) Tags() []*Term {
	s.r.add(0, sTags)
	return s.r.termList(s.s().Tags)
}

func (s *Site) Sources() []*Term {
	s.r.add(0, sSources)
	return s.r.termList(s.s().Sources)
}

func (s *Site) Days() []*Day {
	s.r.add(0, sDays)
	out := make([]*Day, len(s.s().Days))
	for i, d := range s.s().Days {
		out[i] = s.r.day(d)
	}
	return out
}

func (s *Site) Months() []*Month {
	s.r.add(0, sMonths)
	out := make([]*Month, len(s.s().Months))
	for i, m := range s.s().Months {
		out[i] = s.r.month(m)
	}
	return out
}

func (s *Site) Years() []*Year {
	s.r.add(0, sYears)
	out := make([]*Year, len(s.s().Years))
	for i, y := range s.s().Years {
		out[i] = s.r.year(y)
	}
	return out
}

// Article is one article.
type Article struct {
	a *site.Article
	r *Recorder
}

func (a *Article) meta() *site.Article {
	a.r.add(a.a.ID, aMeta)
	return a.a
}

func (a *Article) String() string         { return a.meta().Title }
func (a *Article) File() string           { return a.meta().File }
func (a *Article) Title() string          { return a.meta().Title }
func (a *Article) Date() time.Time        { return a.meta().Date }
func (a *Article) Updated() time.Time     { return a.meta().Updated }
func (a *Article) Slug() string           { return a.meta().Slug }
func (a *Article) Summary() string        { return a.meta().Summary }
func (a *Article) Authors() []string      { return a.meta().Authors }
func (a *Article) Source() string         { return a.meta().Source }
func (a *Article) SourceURL() string      { return a.meta().SourceURL }
func (a *Article) Via() string            { return a.meta().Via }
func (a *Article) Section() string        { return a.meta().Section }
func (a *Article) Tags() []string         { return a.meta().Tags }
func (a *Article) Image() string          { return a.meta().Image }
func (a *Article) Lang() string           { return a.meta().Lang }
func (a *Article) Draft() bool            { return a.meta().Draft }
func (a *Article) Params() map[string]any { return a.meta().Params }
func (a *Article) Path() string           { return a.meta().Path }
func (a *Article) SectionTerm() *Term     { return a.r.term(a.meta().SectionTerm) }
func (a *Article) SourceTerm() *Term      { return a.r.term(a.meta().SourceTerm) }
func (a *Article) TagTerms() []*Term      { return a.r.termList(a.meta().TagTerms) }
func (a *Article) Day() *Day              { return a.r.day(a.meta().Day) }

// ImageAlt is the lead image's image_alt.
func (a *Article) ImageAlt() string {
	a.r.add(a.a.ID, aImage)
	if l := a.lead(); l != nil {
		return l.Alt
	}
	return a.a.ImageAlt
}

// LeadImage is the lead image as the build made it, nil when the article
// has none.
func (a *Article) LeadImage() *Image {
	a.r.add(a.a.ID, aImage)
	l := a.lead()
	if l == nil {
		return nil
	}
	return &Image{l: l, cfg: a.r.env.Site.Config}
}

func (a *Article) lead() *Lead {
	if a.r.env.Lead == nil {
		return nil
	}
	return a.r.env.Lead(a.a)
}

// Content is the rendered body. Its links to other articles show their
// paths, so it depends on them too.
func (a *Article) Content() (template.HTML, error) {
	a.r.add(a.a.ID, aText)
	for _, ref := range a.a.Refs {
		if ref.Article != nil {
			a.r.add(ref.Article.ID, aMeta)
		}
	}
	return a.r.env.Body(a.a)
}

func (a *Article) Words() int {
	a.r.add(a.a.ID, aText)
	return a.a.Words
}

func (a *Article) ReadingTime() int {
	a.r.add(a.a.ID, aText)
	return a.a.ReadingTime
}

func (a *Article) Older() *Article {
	a.r.add(a.a.ID, aLinks)
	return a.r.article(a.a.Older)
}

func (a *Article) Newer() *Article {
	a.r.add(a.a.ID, aLinks)
	return a.r.article(a.a.Newer)
}

func (a *Article) Related() []*Article {
	a.r.add(a.a.ID, aRelated)
	return a.r.articleList(a.a.Related)
}

// Modified is when the article last changed: its date, its update or its
// latest correction.
func (a *Article) Modified() time.Time { return a.meta().Modified() }

// Corrections are its correction notices, oldest first.
func (a *Article) Corrections() []content.Correction { return a.meta().Corrections }

// Term is a section, tag or source.
type Term struct {
	t *site.Term
	r *Recorder
}

func (t *Term) head() *site.Term {
	t.r.add(t.t.ID, tHead)
	return t.t
}

func (t *Term) String() string   { return t.head().Name }
func (t *Term) Kind() string     { return t.t.Kind } // part of its identity
func (t *Term) Name() string     { return t.head().Name }
func (t *Term) Slug() string     { return t.head().Slug }
func (t *Term) Path() string     { return t.head().Path }
func (t *Term) FeedPath() string { return t.head().FeedPath() }

func (t *Term) Articles() []*Article {
	t.r.add(t.t.ID, tList)
	return t.r.articleList(t.t.Articles)
}

// Count is how many articles the term has.
func (t *Term) Count() int {
	t.r.add(t.t.ID, tCount)
	return len(t.t.Articles)
}

// Day is one daily edition.
type Day struct {
	d *site.Day
	r *Recorder
}

func (d *Day) String() string  { return d.d.Path }
func (d *Day) Date() time.Time { return d.d.Date }
func (d *Day) Path() string    { return d.d.Path }

func (d *Day) Articles() []*Article {
	d.r.add(d.d.ID, dList)
	return d.r.articleList(d.d.Articles)
}

// Count is how many articles the day has.
func (d *Day) Count() int {
	d.r.add(d.d.ID, dCount)
	return len(d.d.Articles)
}

// Month holds the days of one month that have articles.
type Month struct {
	m *site.Month
	r *Recorder
}

func (m *Month) String() string  { return m.m.Path }
func (m *Month) Date() time.Time { return m.m.Date }
func (m *Month) Path() string    { return m.m.Path }

func (m *Month) Days() []*Day {
	m.r.add(m.m.ID, dList)
	out := make([]*Day, len(m.m.Days))
	for i, d := range m.m.Days {
		out[i] = m.r.day(d)
	}
	return out
}

func (m *Month) Count() int {
	m.r.add(m.m.ID, dCount)
	return m.m.Count
}

// Year holds the months of one year that have articles.
type Year struct {
	y *site.Year
	r *Recorder
}

func (y *Year) String() string  { return y.y.Path }
func (y *Year) Date() time.Time { return y.y.Date }
func (y *Year) Path() string    { return y.y.Path }

func (y *Year) Months() []*Month {
	y.r.add(y.y.ID, dList)
	out := make([]*Month, len(y.y.Months))
	for i, m := range y.y.Months {
		out[i] = y.r.month(m)
	}
	return out
}

func (y *Year) Count() int {
	y.r.add(y.y.ID, dCount)
	return y.y.Count
}

// hasher hashes with one seed for the life of a Builder.
type hasher struct{ seed maphash.Seed }

func (h hasher) new() *maphash.Hash {
	var m maphash.Hash
	m.SetSeed(h.seed)
	return &m
}

func putUint(m *maphash.Hash, x uint64) {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], x)
	m.Write(b[:])
}

func sum(m *maphash.Hash) uint64 { return m.Sum64() | 1 } // never 0, which means "unknown"
