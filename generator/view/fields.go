package view

import (
	"fmt"
	"hash/maphash"
	"sort"
	"time"

	"github.com/kabar-news/kabar/generator/content"
	"github.com/kabar-news/kabar/generator/site"
)

// A field is one value of an article that templates read through the
// accessor of the same name. Each is declared once, below: the
// declaration gives the slot whose key a read records and the getter the
// accessor returns; a field of the front matter (a meta field) is also
// registered, so that HashMeta hashes exactly what the accessors return.
// A new field is one declaration and a one-line accessor calling get;
// TestAccessorsAreDeclared fails for an accessor without a declaration.
type field[T any] struct {
	name string
	slot int
	get  func(a *site.Article) T
}

// fieldInfo is what the registries keep of a field of any type.
type fieldInfo struct {
	name string
	slot int
	hash func(h *maphash.Hash, a *content.Article) // nil unless a meta field
}

// articleFields lists every declared field, in the order of declaration;
// the meta fields among them make the value of aMeta.
var articleFields []fieldInfo

// metaField declares a field of the front matter: its value is part of
// aMeta's, through HashMeta.
func metaField[T any](name string, get func(a *content.Article) T) field[T] {
	articleFields = append(articleFields, fieldInfo{name, aMeta, func(h *maphash.Hash, a *content.Article) { hashValue(h, get(a)) }})
	return field[T]{name, aMeta, func(a *site.Article) T { return get(a.Article) }}
}

// derivedField declares a field whose slot's value is made elsewhere:
// from the meta fields it comes from (an article's terms, its day), from
// its body (aText), its lead image (aImage) or its place in the site
// (aLinks, aRelated); see NewValues.
func derivedField[T any](name string, slot int, get func(a *site.Article) T) field[T] {
	articleFields = append(articleFields, fieldInfo{name: name, slot: slot})
	return field[T]{name, slot, get}
}

// get reads f of the article, recording its key.
func get[T any](a *Article, f field[T]) T {
	a.r.add(a.a.ID, f.slot)
	return f.get(a.a)
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
func HashMeta(h *maphash.Hash, a *content.Article) {
	for _, f := range articleFields {
		if f.hash != nil {
			h.WriteString(f.name)
			h.WriteByte(0)
			f.hash(h, a)
		}
	}
}

// hashValue hashes a field's value: maps in key order, times with their
// zone (a date shown in another zone is another date on the page).
func hashValue(h *maphash.Hash, v any) {
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

// ArticleFields names the declared fields of an article, with whether
// each is a meta field, for tests that go through all of them.
func ArticleFields() (names []string, meta []bool) {
	for _, f := range articleFields {
		names = append(names, f.name)
		meta = append(meta, f.hash != nil)
	}
	return names, meta
}
