package pipeline

import (
	"slices"

	"github.com/kabar-news/kabar/generator/content"
	"github.com/kabar-news/kabar/generator/output"
	"github.com/kabar-news/kabar/generator/site"
	"github.com/kabar-news/kabar/generator/view"
)

// mode is how a build goes about its work, decided once, by the model
// stage, from what was read.
type mode int

const (
	// once: a build that keeps nothing for a next one renders everything
	// and records nothing.
	once mode = iota
	// reuse: no change moved an article (its date, slug, terms; none
	// added or removed): the last model is kept, the changed articles
	// swapped into it, and only the values of their own keys can differ.
	reuse
	// remake: the model is made again; each page is compared by its
	// fingerprint with what it was last rendered from.
	remake
)

// model is the model stage's output: the site with its pages and the
// other files it makes, and how it relates to the last build's.
type model struct {
	mode      mode
	s         *site.Site
	pages     []*site.Page
	oldStates []*pageState // the last build's, by index into pages; nil for none
	newTitle  []int        // pages whose titles changed, when reusing
	lastMods  bool         // an article's update time changed, when reusing
	swapped   []*site.Article
	jobs      []feedJob
	generated []output.File
	maxID     uint32
}

// makeModel keeps the last model, with the changed articles swapped in, or
// makes a new one.
func (b *Builder) makeModel(opt Options, rd sources) (model, error) {
	switch {
	case b.once:
		return b.newModel(opt, rd, once)
	case !rd.full && b.model != nil && !rd.added && b.sameShape(opt, rd.old, rd.copied):
		return b.keepModel(opt, rd)
	}
	return b.newModel(opt, rd, remake)
}

// keepModel swaps the articles read again into the last model.
func (b *Builder) keepModel(opt Options, rd sources) (model, error) {
	m := model{mode: reuse, s: b.model, pages: b.pageList, oldStates: b.states, maxID: b.ids.Max(), generated: b.generated}
	for rel, o := range rd.old {
		n := b.sources[rel]
		if n.article == nil || !included(opt, n.article) {
			continue
		}
		sa := b.byFile[rel]
		sa.Article = n.article
		m.s.ResolveLinks(sa)
		m.swapped = append(m.swapped, sa)
		if !o.article.Modified().Equal(n.article.Modified()) {
			m.lastMods = true
		}
		if o.article.Title != n.article.Title {
			i := b.pageOf[rel]
			m.pages[i].Title = n.article.Title
			m.newTitle = append(m.newTitle, i)
		}
	}
	// An image that changed under an unchanged article changes what the
	// article shows.
	for _, rel := range rd.leadChanged {
		if sa := b.byFile[rel]; sa != nil && !slices.Contains(m.swapped, sa) {
			m.swapped = append(m.swapped, sa)
		}
	}
	m.s.Intro = rd.intro
	m.jobs = feedJobs(m.s)
	return m, nil
}

// newModel makes the model from every article read, and finds each
// page's state of the last build, by its file.
func (b *Builder) newModel(opt Options, rd sources, md mode) (model, error) {
	m := model{mode: md}
	var list []*content.Article
	for _, rel := range sortedKeys(b.sources) {
		if a := b.sources[rel].article; a != nil && included(opt, a) {
			list = append(list, a)
		}
	}
	var err error
	if m.s, err = site.New(b.cfg, rd.intro, list); err != nil {
		return m, err
	}
	if md == once {
		m.maxID = view.Numbered(m.s)
	} else {
		b.ids.Assign(m.s)
		m.maxID = b.ids.Max()
	}
	m.pages = m.s.Pages()
	m.jobs = feedJobs(m.s)
	m.generated = make([]output.File, 0, len(m.jobs)+8)
	for _, j := range m.jobs {
		m.generated = append(m.generated, output.File{Name: j.name})
	}
	for _, name := range machineNames(b.cfg, m.pages) {
		m.generated = append(m.generated, output.File{Name: name})
	}
	// Two outputs of one name are an error before anything is written.
	if err := checkOutputs(m.pages, m.generated, rd.static, rd.extraWhat); err != nil {
		return m, err
	}
	if md != once && !rd.full {
		byName := b.prior
		if b.pageList != nil {
			byName = make(map[string]*pageState, len(b.pageList))
			for i, p := range b.pageList {
				byName[p.File()] = b.states[i]
			}
		}
		m.oldStates = make([]*pageState, len(m.pages))
		for i, p := range m.pages {
			m.oldStates[i] = byName[p.File()]
		}
	}
	return m, nil
}
