package pipeline

import (
	"errors"
	"maps"
	"sync"

	"github.com/kabar-news/kabar/generator/output"
	"github.com/kabar-news/kabar/generator/view"
)

// rendered is the render stage's output: what was written into the
// transaction, and what each output now holds.
type rendered struct {
	txn      output.Txn
	w        *writer
	states   []*pageState        // by index into the model's pages
	others   map[string]outState // feeds, sitemaps, static files, the search index
	readsAll map[string]int      // pages of each template that read every article
	nFeeds   int                 // feeds and other generated files rendered
	index    map[string]outState // the search index's files
	ids      pageIDs             // the IDs of the pages links lead into
}

// render renders the planned pages on all cores, and beside them the
// feeds, the sitemaps, the static files and the search index, writing
// each file whose bytes changed into a new transaction on the output.
func (b *Builder) render(m model, p plan, full bool) (*rendered, error) {
	var txn output.Txn
	var err error
	if full {
		txn, err = b.target.Replace()
	} else {
		txn, err = b.target.Update()
	}
	if err != nil {
		return nil, err
	}
	r := &rendered{txn: txn, w: &writer{txn: txn, full: full, keep: !b.once && !b.remember}}
	if b.cfg.Minified() {
		r.w.min = minifier
	}
	// Feeds, the sitemap and static files need only the model: they are
	// made while the pages are.
	b.opt.Progress.Stage("rendering", "pages", p.count)
	env := &view.Env{Site: m.s, Articles: parts{b}, Partials: b.tmpl, Cards: p.cards}
	var side sync.WaitGroup
	var sideErr error
	side.Go(func() {
		r.others, r.nFeeds, sideErr = b.writeOthers(r.w, m.s, m.jobs, m.pages, full, m.mode == reuse && !m.lastMods)
	})
	if b.index != nil {
		side.Go(func() { r.index = b.writeIndex(r.w, m.s, m.swapped, m.mode == reuse, full) })
	}
	r.states, r.readsAll, err = b.renderPages(r.w, env, m.pages, p.dirty, m.oldStates, p.values, &r.ids)
	side.Wait()
	if r.others != nil {
		maps.Copy(r.others, r.index)
	}
	return r, errors.Join(err, sideErr, r.w.err())
}
