package view

import (
	"errors"
	"github.com/kabar-news/kabar/generator/internal/hashing"
	"html/template"
	"slices"
	"sync"

	"github.com/kabar-news/kabar/generator/site"
)

// The parts of a page a fragment can read.
const (
	fKind = iota
	fTemplate
	fPath
	fTitle
	fFeed
	fPager
	fArticle
	fArticles
	fTerm
	fDay
	fMonth
	fYear
	fTerms
	fSection
)

func pageSlot(f int) Slot { return slot(kindPage, uint8(f)) }

// note records, in a fragment, that it read a part of the page.
func (p *Page) note(field int) {
	if p.r.frag {
		p.r.selfs = append(p.r.selfs, field)
	}
}

// selfValue is a hash of one part of a page.
func selfValue(p *site.Page, field int) uint64 {
	m := hasher{}.new()
	str := func(s string) uint64 {
		m.WriteString(s)
		return sum(m)
	}
	switch field {
	case fKind:
		return str(p.Kind)
	case fTemplate:
		return str(p.Template)
	case fPath:
		return str(p.Path)
	case fTitle:
		return str(p.Title)
	case fFeed:
		return str(p.Feed)
	case fPager:
		if p.Pager == nil {
			return 1
		}
		// The pager's own fields hash like a page's Self does.
		return Self(&site.Page{Pager: p.Pager})
	case fArticle:
		return uint64(idOf(p.Article))
	case fArticles:
		putUint(m, uint64(len(p.Articles)))
		for _, a := range p.Articles {
			putUint(m, uint64(a.ID))
		}
		return sum(m)
	case fTerm:
		if p.Term == nil {
			return 0
		}
		return uint64(p.Term.ID)
	case fDay:
		if p.Day == nil {
			return 0
		}
		return uint64(p.Day.ID)
	case fMonth:
		if p.Month == nil {
			return 0
		}
		return uint64(p.Month.ID)
	case fYear:
		if p.Year == nil {
			return 0
		}
		return uint64(p.Year.ID)
	case fSection:
		if t := p.Section(); t != nil {
			return uint64(t.ID)
		}
		return 0
	case fTerms:
		putUint(m, uint64(len(p.Terms)))
		for _, t := range p.Terms {
			putUint(m, uint64(t.ID))
		}
		return sum(m)
	}
	return 0
}

// fragments is one build's rendered fragments, by partial name. Each
// was rendered with some page and read some parts of it; a page with the
// same values in those parts gets the same bytes without running the
// partial. Within a build the rest of the model does not change, so those
// reads decide. Fragments that read the same parts form a group, looked
// up by the hash of the values, so a fragment that reads each page's title
// costs a map look-up per page, not a search.
type fragments struct {
	mu     sync.Mutex
	byName map[string][]*fragGroup
}

type fragGroup struct {
	fields []int
	byVals map[uint64]*fragment
}

type fragment struct {
	keys []Key
	html template.HTML
	err  error
}

// valuesOf hashes p's values of fields.
func valuesOf(p *site.Page, fields []int) uint64 {
	m := hasher{}.new()
	for _, f := range fields {
		putUint(m, selfValue(p, f))
	}
	return sum(m)
}

func (fs *fragments) find(name string, p *site.Page) *fragment {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for _, g := range fs.byName[name] {
		if f := g.byVals[valuesOf(p, g.fields)]; f != nil {
			return f
		}
	}
	return nil
}

func (fs *fragments) add(name string, reads []int, f *fragment, p *site.Page) {
	fields := slices.Clone(reads)
	slices.Sort(fields)
	fields = slices.Compact(fields)
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if fs.byName == nil {
		fs.byName = map[string][]*fragGroup{}
	}
	var g *fragGroup
	for _, c := range fs.byName[name] {
		if slices.Equal(c.fields, fields) {
			g = c
			break
		}
	}
	if g == nil {
		g = &fragGroup{fields: fields, byVals: map[uint64]*fragment{}}
		fs.byName[name] = append(fs.byName[name], g)
	}
	g.byVals[valuesOf(p, fields)] = f
}

var errFragmentInFragment = errors.New("a fragment cannot show a fragment or be shown in a card: use {{template}} inside it")

// Fragment renders the partial called name (e.g. "partials/header.html")
// with this page as its dot, and keeps the result for every page of the
// build on which the partial reads the same things: a header that reads
// only the site's sections and the page's kind is rendered a few times
// per build, not once per page.
func (p *Page) Fragment(name string) (template.HTML, error) {
	r := p.r
	if r.frag || r.inCard {
		return "", errFragmentInFragment
	}
	env := r.env
	r.keys = append(r.keys, PartialKey(name))
	if f := env.frags.find(name, p.p); f != nil {
		r.keys = append(r.keys, f.keys...)
		return f.html, f.err
	}
	fr := NewRecorder(env)
	fr.frag = true
	data, err := env.Partials.Partial(name, fr.Page(p.p))
	f := &fragment{keys: fr.Trace(), html: template.HTML(data), err: err}
	env.frags.add(name, fr.selfs, f, p.p)
	r.keys = append(r.keys, f.keys...)
	return f.html, f.err
}

// PartialKey is the key of a partial's template files.
func PartialKey(name string) Key {
	return Key(KindPartial)<<kindShift | Key(hashing.String(name)>>(64-kindShift))
}
