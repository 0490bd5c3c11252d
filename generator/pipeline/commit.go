package pipeline

import (
	"errors"
	"os"
	"slices"
	"time"

	"github.com/kabar-news/kabar/generator/links"
	"github.com/kabar-news/kabar/generator/output"
)

// commit removes what the site no longer has, checks the links, and
// commits the transaction, or aborts it and leaves the output as it was;
// then remembers what the build made, for the next.
func (b *Builder) commit(opt Options, m model, p plan, r *rendered, rd sources) ([]links.Finding, error) {
	var err error
	if !rd.full && m.mode != reuse {
		now := make(map[string]bool, len(m.pages))
		for _, pg := range m.pages {
			now[pg.File()] = true
		}
		for _, pg := range b.pageList {
			if !now[pg.File()] {
				err = errors.Join(err, r.w.remove(pg.File()))
			}
		}
		for _, name := range sortedKeys(b.prior) {
			if !now[name] {
				err = errors.Join(err, r.w.remove(name))
			}
		}
	}
	if err == nil && !rd.full {
		for name := range b.others {
			if _, ok := r.others[name]; !ok {
				err = errors.Join(err, r.w.remove(name))
			}
		}
	}
	var broken []links.Finding
	if err == nil {
		broken = b.checkLinks(m.s, &r.ids)
		if opt.Strict && len(broken) > 0 {
			err = linkError(broken)
		}
	}
	if err != nil {
		r.txn.Abort()
		b.forgetIndex()
		return nil, err
	}
	// The saved state goes before the output changes, and the output's
	// marker gets the stamp of the state saved after it: a state never
	// describes an output other than the one it was saved with.
	b.stamp = ""
	if b.remember {
		b.stamp = outputStamp(m.pages, r.states, r.others)
	}
	if s, ok := r.txn.(output.Stamper); ok {
		s.SetStamp(b.stamp)
	}
	b.save = b.remember
	if b.out != "" {
		os.Remove(b.statePath())
	}
	if err := r.txn.Commit(); err != nil {
		b.pageList = nil // what the output holds is unknown now
		b.forgetIndex()
		return nil, err
	}
	if !b.once {
		b.keep(m.s, m.pages, r.states, p.values, m.generated, m.mode == reuse)
		b.others = r.others
		b.staticNames = b.staticNames[:0]
		for _, f := range rd.copied {
			b.staticNames = append(b.staticNames, f.Name)
		}
		p.cards.Seal(p.values)
		b.prior = nil
	}
	return broken, nil
}

// report says what a build did.
func (b *Builder) report(start time.Time, m model, p plan, r *rendered, rd sources, broken []links.Finding) Rebuild {
	var rb Rebuild
	rb.Parsed = rd.parsed
	// An article's warnings are said when it is read, so once per edit.
	warnings := append(slices.Clip(b.said), rd.imgWarnings...)
	warnings = append(warnings, b.warnings(r.readsAll, m.pages)...)
	for _, f := range broken {
		warnings = append(warnings, f.Diag())
	}
	rb.Changed = r.w.changed
	slices.Sort(rb.Changed)
	rb.Full, rb.Kept = rd.full, m.mode == reuse
	rendered := p.count + r.nFeeds
	if b.listRendered {
		for i, d := range p.dirty {
			if d {
				rb.rendered = append(rb.rendered, m.pages[i].File())
			}
		}
	}
	rb.BasePath = b.cfg.BasePath
	size := r.w.bytes.Load()
	if !b.once {
		size = 0
		for _, st := range b.states {
			size += st.size
		}
		for _, st := range b.others {
			size += st.size
		}
	}
	rb.Result = Result{Articles: len(m.s.Articles), Pages: len(m.pages), Files: len(m.pages) + len(m.generated) + len(rd.copied) + len(r.index), Bytes: size, OutDir: b.out, Duration: time.Since(start), Warnings: warnings, Links: broken,
		Resized: int(b.imgCache.Resized() - rd.resizedBefore), Rendered: rendered}
	if b.remember {
		rb.Result.State, b.stateWhy = b.stateWhy, ""
	}
	if b.opt.Check {
		rb.External = b.links.External()
	}
	return rb
}
