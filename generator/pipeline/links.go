package pipeline

import (
	"cmp"
	"errors"
	"fmt"
	"html/template"
	"slices"
	"strings"
	"sync"

	"github.com/kabar-news/kabar/generator/diag"
	"github.com/kabar-news/kabar/generator/links"
	"github.com/kabar-news/kabar/generator/markdown"
	"github.com/kabar-news/kabar/generator/output"
	"github.com/kabar-news/kabar/generator/site"
)

// outputs names the files of one model's site: its pages, feeds, machine
// and static files. The map is made at the first look-up, so a site whose
// articles link to nothing of its own never pays for it.
type outputs struct {
	pages             []*site.Page
	generated, static []output.File
	byName            map[string]int // page index, or -1 for another file
}

func (o *outputs) Has(name string) bool { return o.page(name) != -2 }

// page is the index of the page written to name, -1 for a file that is
// not a page, -2 for none.
func (o *outputs) page(name string) int {
	if o.byName == nil {
		o.byName = make(map[string]int, len(o.pages)+len(o.generated)+len(o.static))
		for i, p := range o.pages {
			o.byName[p.File()] = i
		}
		for _, list := range [][]output.File{o.generated, o.static} {
			for _, f := range list {
				o.byName[f.Name] = -1
			}
		}
	}
	if i, ok := o.byName[name]; ok {
		return i
	}
	return -2
}

// syncLinks hands the checker the links of the articles that changed, or
// of all when the model was made again, and what they now point at.
func (b *Builder) syncLinks(s *site.Site, pages []*site.Page, generated, static []output.File, reuse bool, swapped []*site.Article) error {
	if b.links == nil {
		res, err := links.NewResolver(b.cfg.BaseURL)
		if err != nil {
			return fmt.Errorf("base_url: %w", err)
		}
		b.links = links.NewChecker(res)
	}
	c := b.links
	entry := func(a *site.Article) links.Entry {
		return links.Entry{File: a.File, Display: "content/" + a.File, Page: a.Path, Links: a.Links}
	}
	if reuse {
		list := make([]links.Entry, len(swapped))
		for i, a := range swapped {
			list[i] = entry(a)
		}
		c.SetAll(list)
		c.Sync(b.outs, false)
		return nil
	}
	in := make(map[string]bool, len(s.Articles))
	list := make([]links.Entry, len(s.Articles))
	for i, a := range s.Articles {
		in[a.File] = true
		list[i] = entry(a)
	}
	c.SetAll(list)
	for _, f := range c.Files() {
		if !in[f] {
			c.Remove(f)
		}
	}
	b.outs = &outputs{pages: pages, generated: generated, static: static}
	c.Sync(b.outs, true)
	return nil
}

// idsFor marks dirty the pages whose IDs a link needs and the checker does
// not know: rendering them is how they are learnt.
func (b *Builder) idsFor(dirty []bool) int {
	n := 0
	for _, name := range b.links.Missing() {
		if i := b.outs.page(name); i >= 0 && !dirty[i] {
			dirty[i] = true
			n++
		}
	}
	return n
}

// pageIDs gathers, while pages render, the IDs of those links point into.
type pageIDs struct {
	mu  sync.Mutex
	ids map[string][]string // by output name
}

func (p *pageIDs) add(c *links.Checker, name string, page []byte) {
	if !c.WantsIDs(name) {
		return
	}
	ids := links.IDs(page)
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ids == nil {
		p.ids = map[string][]string{}
	}
	p.ids[name] = ids
}

// checkLinks gives the checker the IDs learnt and returns the site's
// broken links.
func (b *Builder) checkLinks(s *site.Site, ids *pageIDs) []links.Finding {
	for _, name := range sortedKeys(ids.ids) {
		b.links.SetIDs(name, ids.ids[name])
	}
	found := b.links.Check()
	// Links to other articles ({% post_url %}, {{< ref >}}...) that lead
	// to none are resolved by the model, not the checker: the same rule.
	n := len(found)
	for _, a := range s.Articles {
		found = append(found, a.Broken...)
	}
	if len(found) > n {
		slices.SortStableFunc(found, func(x, y links.Finding) int {
			return cmp.Or(strings.Compare(x.File, y.File), cmp.Compare(x.Line, y.Line), cmp.Compare(x.Column, y.Column))
		})
	}
	return found
}

// linkError is the error of a --strict build with broken links.
func linkError(found []links.Finding) error {
	errs := make([]error, len(found))
	for i, f := range found {
		d := f.Diag()
		d.Severity = diag.Error
		errs[i] = &d
	}
	return errors.Join(errs...)
}

// rebase puts an article's root-relative links under the base path, for
// those whose targets the site has.
func (b *Builder) rebase(a *site.Article, body template.HTML) template.HTML {
	if b.links == nil {
		return body
	}
	if rw := b.links.Rewrites(a.File); len(rw) > 0 {
		return markdown.Rebase(body, strings.TrimSuffix(b.cfg.BasePath, "/"), rw)
	}
	return body
}

// rebaseSum folds the links rebase changes into the hash of a body, so
// that a page is rendered again when they change.
func (b *Builder) rebaseSum(file string, text uint64) uint64 {
	if b.links == nil {
		return text
	}
	rw := b.links.Rewrites(file)
	if len(rw) == 0 {
		return text
	}
	h := b.hash()
	writeUint(h, text)
	for _, d := range rw {
		h.WriteString(d)
		h.WriteByte(0)
	}
	return h.Sum64() | 1
}
