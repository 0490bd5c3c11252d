package pipeline

import (
	"cmp"

	"github.com/kabar-news/kabar/generator/content"
	"github.com/kabar-news/kabar/generator/search"
	"github.com/kabar-news/kabar/generator/site"
)

// searchDoc is what the search index keeps of an article: its terms,
// stemmed in its language, and its section, source and tags as filters;
// and the excerpt of its body a result shows.
func (b *Builder) searchDoc(a *content.Article) (search.Doc, string) {
	stem := search.ForLang(cmp.Or(a.Lang, b.cfg.Language))
	facets := make([]string, 0, 2+len(a.Tags))
	if a.Section != "" {
		facets = append(facets, search.FacetKey("section", site.TermSlug(a.Section)))
	}
	if a.Source != "" {
		facets = append(facets, search.FacetKey("source", site.TermSlug(a.Source)))
	}
	for _, t := range a.Tags {
		facets = append(facets, search.FacetKey("tag", site.TermSlug(t)))
	}
	body := search.HTMLText(string(a.Content))
	texts := append([]string{a.Title, a.Summary, body, a.Section, a.Source}, a.Tags...)
	return b.dict.Doc(stem, facets, append(texts, a.Authors...)...), search.Excerpt(a.Summary, body)
}

// writeIndex brings the search index up to date with the model: from the
// swapped articles' new terms when the model was kept, else from all. It
// writes the index files whose bytes changed and returns every one's state.
func (b *Builder) writeIndex(w *writer, s *site.Site, swapped []*site.Article, reused, full bool) map[string]outState {
	n := len(s.Articles)
	article := func(i int) *site.Article { return s.Articles[n-1-i] } // oldest first
	var changed []int
	if reused {
		changed = make([]int, 0, len(swapped))
		for _, a := range swapped {
			changed = append(changed, b.numOf[a.File])
		}
	} else if !b.once {
		b.numOf = make(map[string]int, n)
		for i := range n {
			b.numOf[article(i).File] = i
		}
	}
	loc := s.Config.Location
	entry := func(i int) search.Entry {
		a := article(i)
		src := b.sources[a.File]
		h := b.hash()
		writeUint(h, src.meta)
		h.WriteString(a.Path)
		h.WriteString(src.excerpt)
		return search.Entry{
			Path: a.Path, Title: a.Title, Day: a.Date.In(loc).Format("2006-01-02"),
			Section: a.Section, Source: a.Source, Snippet: a.Summary, Excerpt: src.excerpt,
			Doc: src.doc, Key: h.Sum64(),
		}
	}
	files := b.index.Update(n, entry, changed, full)
	states := make(map[string]outState, len(files))
	for _, f := range files {
		old, had := b.others[f.Name]
		if f.Data == nil {
			states[f.Name] = old // written by an earlier build: its name is its bytes
			continue
		}
		st := outState{sum: b.sum(f.Data), size: old.size}
		if full || !had || old.sum != st.sum {
			st.size = w.write(f.Name, f.Data)
		}
		states[f.Name] = st
	}
	if b.once {
		b.index = nil // what it holds is written
		b.dropDocs(s)
	}
	return states
}

// dropDocs lets go of the articles' terms once a build that keeps nothing
// has written the index: only a next build's update would read them, and
// at 100,000 articles they are some 30 MB held while the pages render.
func (b *Builder) dropDocs(s *site.Site) {
	for _, a := range s.Articles {
		b.sources[a.File].doc = nil
	}
}

// forgetIndex makes the next build remake every index file: a failed
// build may not have written those the index thinks are out.
func (b *Builder) forgetIndex() {
	if b.index != nil {
		b.index = search.NewIndex(b.dict)
	}
}
