package view

import (
	"fmt"
	"github.com/kabar-news/kabar/generator/internal/hashing"
	"html/template"
	"sort"
	"time"

	"github.com/kabar-news/kabar/generator/content"
	"github.com/kabar-news/kabar/generator/site"
)

// A field is one value that templates read through the accessor of the
// same name on a view (an article, a term, a day, the site, a page). Each
// is declared once, in this file: the declaration gives the slot whose key
// a read records and the getter the accessor returns; a field of an
// article's front matter (a meta field) is also hashed by HashMeta, so
// that aMeta's value is made of exactly what the accessors return. A new
// field is one declaration and a one-line accessor calling read (get for
// articles); TestAccessorsAreDeclared fails for an accessor without one.
type field[E, T any] struct {
	name string
	slot Slot // noKey: part of what the entity is, recorded by nothing
	get  func(e *E) T
}

// noKey is the slot of a field that is part of its entity's identity
// (a term's kind, a day's date): the same for one ID, so read by nothing.
var noKey = Slot{}

// fieldInfo is what the registry keeps of a field of any type.
type fieldInfo struct {
	view, name string
	slot       Slot
	hash       func(h *hashing.Hash, a *content.Article) // nil unless a meta field
}

// fields lists every declared field, in the order of declaration; the
// meta fields among them make the value of aMeta.
var fields []fieldInfo

func declare[E, T any](view, name string, slot Slot, get func(e *E) T) field[E, T] {
	fields = append(fields, fieldInfo{view: view, name: name, slot: slot})
	return field[E, T]{name, slot, get}
}

// metaField declares a field of the front matter: its value is part of
// aMeta's, through HashMeta.
func metaField[T any](name string, get func(a *content.Article) T) field[site.Article, T] {
	fields = append(fields, fieldInfo{"Article", name, aMeta, func(h *hashing.Hash, a *content.Article) { hashValue(h, get(a)) }})
	return field[site.Article, T]{name, aMeta, func(a *site.Article) T { return get(a.Article) }}
}

// derivedField declares a field of an article whose slot's value is made
// elsewhere: from the meta fields it comes from (its terms, its day), from
// its body (aText), its lead image (aImage) or its place in the site
// (aLinks, aRelated); see NewValues.
func derivedField[T any](name string, slot Slot, get func(a *site.Article) T) field[site.Article, T] {
	return declare("Article", name, slot, get)
}

// get reads f of the article, recording its key.
func get[T any](a *Article, f field[site.Article, T]) T {
	a.r.add(a.a.ID, f.slot)
	return f.get(a.a)
}

// read reads f of the entity e with ID id, recording its key.
func read[E, T any](r *Recorder, id uint32, e *E, f field[E, T]) T {
	if f.slot != noKey {
		r.add(id, f.slot)
	}
	return f.get(e)
}

// readSite reads f of the site, recording its key.
func readSite[T any](s *Site, f field[site.Site, T]) T {
	s.r.add(0, f.slot)
	return f.get(s.s())
}

// readPage reads f, a part of the page's own structure (its Self): in a
// fragment it notes the part, whose value decides which pages share it.
func readPage[T any](p *Page, f field[site.Page, T]) T {
	p.note(int(f.slot.n))
	return f.get(p.p)
}

// The fields.
var (
	artFile        = metaField("File", func(a *content.Article) string { return a.File })
	artTitle       = metaField("Title", func(a *content.Article) string { return a.Title })
	artDate        = metaField("Date", func(a *content.Article) time.Time { return a.Date })
	artUpdated     = metaField("Updated", func(a *content.Article) time.Time { return a.Updated })
	artSlug        = metaField("Slug", func(a *content.Article) string { return a.Slug })
	artSummary     = metaField("Summary", func(a *content.Article) string { return a.Summary })
	artAuthors     = metaField("Authors", func(a *content.Article) []string { return a.Authors })
	artSource      = metaField("Source", func(a *content.Article) string { return a.Source })
	artSourceURL   = metaField("SourceURL", func(a *content.Article) string { return a.SourceURL })
	artVia         = metaField("Via", func(a *content.Article) string { return a.Via })
	artSection     = metaField("Section", func(a *content.Article) string { return a.Section })
	artTags        = metaField("Tags", func(a *content.Article) []string { return a.Tags })
	artImage       = metaField("Image", func(a *content.Article) string { return a.Image })
	artLang        = metaField("Lang", func(a *content.Article) string { return a.Lang })
	artDraft       = metaField("Draft", func(a *content.Article) bool { return a.Draft })
	artFeatured    = metaField("Featured", func(a *content.Article) bool { return a.Featured })
	artCorrections = metaField("Corrections", func(a *content.Article) []content.Correction { return a.Corrections })
	artParams      = metaField("Params", func(a *content.Article) map[string]any { return a.Params })

	// From the meta fields: the path from the file, slug, date and the
	// config's permalink (setOwn adds it to aMeta's value); the terms
	// from section, source and tags; the day from the date.
	artPath        = derivedField("Path", aMeta, func(a *site.Article) string { return a.Path })
	artModified    = derivedField("Modified", aMeta, func(a *site.Article) time.Time { return a.Modified() })
	artSectionTerm = derivedField("SectionTerm", aMeta, func(a *site.Article) *site.Term { return a.SectionTerm })
	artSourceTerm  = derivedField("SourceTerm", aMeta, func(a *site.Article) *site.Term { return a.SourceTerm })
	artTagTerms    = derivedField("TagTerms", aMeta, func(a *site.Article) []*site.Term { return a.TagTerms })
	artDay         = derivedField("Day", aMeta, func(a *site.Article) *site.Day { return a.Day })

	// From the body, and where its links lead.
	artWords       = derivedField("Words", aText, func(a *site.Article) int { return a.Words })
	artReadingTime = derivedField("ReadingTime", aText, func(a *site.Article) int { return a.ReadingTime })
	artContent     = derivedField("Content", aText, func(a *site.Article) *site.Article { return a })

	// From the lead image as the build made it (files and alt).
	artImageAlt  = derivedField("ImageAlt", aImage, func(a *site.Article) *site.Article { return a })
	artLeadImage = derivedField("LeadImage", aImage, func(a *site.Article) *site.Article { return a })

	// From the article's place among the others.
	artOlder   = derivedField("Older", aLinks, func(a *site.Article) *site.Article { return a.Older })
	artNewer   = derivedField("Newer", aLinks, func(a *site.Article) *site.Article { return a.Newer })
	artRelated = derivedField("Related", aRelated, func(a *site.Article) []*site.Article { return a.Related })

	// The rendered card (its bytes).
	artCard = derivedField("Card", aCard, func(a *site.Article) *site.Article { return a })
)

// HashMeta writes into h every meta field of a: what aMeta's value is
// made of, besides the article's path.
func HashMeta(h *hashing.Hash, a *content.Article) {
	for _, f := range fields {
		if f.hash != nil {
			h.WriteString(f.name)
			h.WriteByte(0)
			f.hash(h, a)
		}
	}
}

// hashValue hashes a field's value: maps in key order, times with their
// zone (a date shown in another zone is another date on the page).
func hashValue(h *hashing.Hash, v any) {
	switch v := v.(type) {
	case string:
		h.WriteString(v)
		h.WriteByte(0)
	case bool:
		fmt.Fprintf(h, "%t\x00", v)
	case time.Time:
		putUint(h, uint64(v.UnixNano()))
		_, off := v.Zone()
		putUint(h, uint64(off))
		h.WriteString(v.Location().String())
		h.WriteByte(0)
	case []string:
		putUint(h, uint64(len(v)))
		for _, s := range v {
			h.WriteString(s)
			h.WriteByte(0)
		}
	case []content.Correction:
		putUint(h, uint64(len(v)))
		for _, c := range v {
			hashValue(h, c.Date)
			hashValue(h, c.Text)
		}
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		h.WriteByte('{')
		for _, k := range keys {
			h.WriteString(k)
			h.WriteByte(0)
			hashValue(h, v[k])
		}
		h.WriteByte('}')
	case []any:
		h.WriteByte('[')
		for _, e := range v {
			hashValue(h, e)
		}
		h.WriteByte(']')
	default:
		fmt.Fprintf(h, "%T:%v\x00", v, v)
	}
}

// Fields names the declared fields of a view ("Article", "Term", "Day",
// "Month", "Year", "Site", "Page"), for tests that go through all of them.
func Fields(view string) []string {
	var names []string
	for _, f := range fields {
		if f.view == view {
			names = append(names, f.name)
		}
	}
	return names
}

// The fields of terms: what a term shows is its name and slug (tHead,
// hashed from its kind, name and slug), its list and its count.
var (
	termKind     = declare("Term", "Kind", noKey, func(t *site.Term) string { return t.Kind })
	termName     = declare("Term", "Name", tHead, func(t *site.Term) string { return t.Name })
	termSlug     = declare("Term", "Slug", tHead, func(t *site.Term) string { return t.Slug })
	termPath     = declare("Term", "Path", tHead, func(t *site.Term) string { return t.Path })
	termFeedPath = declare("Term", "FeedPath", tHead, func(t *site.Term) string { return t.FeedPath() })
	termArticles = declare("Term", "Articles", tList, func(t *site.Term) []*site.Article { return t.Articles })
	termCount    = declare("Term", "Count", tCount, func(t *site.Term) int { return len(t.Articles) })
)

// The fields of days, months and years: their date and path are their
// identity; their lists (a day's articles, a month's days, a year's
// months) and counts are read.
var (
	dayDate     = declare("Day", "Date", noKey, func(d *site.Day) time.Time { return d.Date })
	dayPath     = declare("Day", "Path", noKey, func(d *site.Day) string { return d.Path })
	dayArticles = declare("Day", "Articles", dList, func(d *site.Day) []*site.Article { return d.Articles })
	dayCount    = declare("Day", "Count", dCount, func(d *site.Day) int { return len(d.Articles) })

	monthDate  = declare("Month", "Date", noKey, func(m *site.Month) time.Time { return m.Date })
	monthPath  = declare("Month", "Path", noKey, func(m *site.Month) string { return m.Path })
	monthDays  = declare("Month", "Days", dList, func(m *site.Month) []*site.Day { return m.Days })
	monthCount = declare("Month", "Count", dCount, func(m *site.Month) int { return m.Count })

	yearDate   = declare("Year", "Date", noKey, func(y *site.Year) time.Time { return y.Date })
	yearPath   = declare("Year", "Path", noKey, func(y *site.Year) string { return y.Path })
	yearMonths = declare("Year", "Months", dList, func(y *site.Year) []*site.Month { return y.Months })
	yearCount  = declare("Year", "Count", dCount, func(y *site.Year) int { return y.Count })
)

// The fields of the site. Its config is no field: a change of the config
// rebuilds everything.
var (
	siteIntro    = declare("Site", "Intro", siteSlot(sIntro), func(s *site.Site) template.HTML { return s.Intro })
	siteArticles = declare("Site", "Articles", siteSlot(sArticles), func(s *site.Site) []*site.Article { return s.Articles })
	siteSections = declare("Site", "Sections", siteSlot(sSections), func(s *site.Site) []*site.Term { return s.Sections })
	siteTags     = declare("Site", "Tags", siteSlot(sTags), func(s *site.Site) []*site.Term { return s.Tags })
	siteSources  = declare("Site", "Sources", siteSlot(sSources), func(s *site.Site) []*site.Term { return s.Sources })
	siteDays     = declare("Site", "Days", siteSlot(sDays), func(s *site.Site) []*site.Day { return s.Days })
	siteMonths   = declare("Site", "Months", siteSlot(sMonths), func(s *site.Site) []*site.Month { return s.Months })
	siteYears    = declare("Site", "Years", siteSlot(sYears), func(s *site.Site) []*site.Year { return s.Years })
)

// The fields of a page: its own structure, its Self, which decides
// whether it is rendered again by itself; the slot is the part a fragment
// notes (fKind...).
var (
	pageKind     = declare("Page", "Kind", pageSlot(fKind), func(p *site.Page) string { return p.Kind })
	pageTemplate = declare("Page", "Template", pageSlot(fTemplate), func(p *site.Page) string { return p.Template })
	pagePath     = declare("Page", "Path", pageSlot(fPath), func(p *site.Page) string { return p.Path })
	pageTitle    = declare("Page", "Title", pageSlot(fTitle), func(p *site.Page) string { return p.Title })
	pageFeed     = declare("Page", "Feed", pageSlot(fFeed), func(p *site.Page) string { return p.Feed })
	pagePager    = declare("Page", "Pager", pageSlot(fPager), func(p *site.Page) *site.Pager { return p.Pager })
	pageArticle  = declare("Page", "Article", pageSlot(fArticle), func(p *site.Page) *site.Article { return p.Article })
	pageArticles = declare("Page", "Articles", pageSlot(fArticles), func(p *site.Page) []*site.Article { return p.Articles })
	pageTerm     = declare("Page", "Term", pageSlot(fTerm), func(p *site.Page) *site.Term { return p.Term })
	pageDay      = declare("Page", "Day", pageSlot(fDay), func(p *site.Page) *site.Day { return p.Day })
	pageMonth    = declare("Page", "Month", pageSlot(fMonth), func(p *site.Page) *site.Month { return p.Month })
	pageYear     = declare("Page", "Year", pageSlot(fYear), func(p *site.Page) *site.Year { return p.Year })
	pageTerms    = declare("Page", "Terms", pageSlot(fTerms), func(p *site.Page) []*site.Term { return p.Terms })
	// The section the page belongs to, so that a header can mark it and
	// still be one fragment per section, not one per article.
	pageSection = declare("Page", "Section", pageSlot(fSection), func(p *site.Page) *site.Term { return p.Section() })
	// Groups and BySection are the page's articles, arranged: by day
	// (from each one's date, aMeta) and by section (from each one's
	// section and the sections' names, tHead).
	pageGroups    = declare("Page", "Groups", pageSlot(fArticles), func(p *site.Page) []site.Group { return p.Groups() })
	pageBySection = declare("Page", "BySection", pageSlot(fArticles), func(p *site.Page) []site.SectionGroup { return p.BySection() })
)
