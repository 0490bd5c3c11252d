package pipeline

import (
	"slices"
	"sync/atomic"

	"github.com/kabar-news/kabar/generator/view"
)

// plan is the plan stage's output: the values of every key now, the
// cards to use, and which pages must be rendered.
type plan struct {
	values *view.Values // nil for a build that keeps nothing
	cards  *view.Cards
	dirty  []bool // by index into the model's pages
	count  int    // of dirty pages, and of the pages whose links need IDs
}

// plan decides which pages to render: all of them once; when reusing the
// model, those that read a key whose value changed, or whose template
// files or title changed; else those whose fingerprint changed.
func (b *Builder) plan(m model, full bool) plan {
	p := plan{cards: b.cards, dirty: make([]bool, len(m.pages))}
	var n atomic.Int64
	switch m.mode {
	case once:
		p.cards = view.NewCards(false)
		for i := range p.dirty {
			p.dirty[i] = true
		}
		n.Store(int64(len(m.pages)))
	case reuse:
		p.values = b.values.Update(m.s, m.swapped, b.sums)
		p.values.SetPartials(b.tmpl.PartialSums())
		changedKeys := view.Changed(b.values, p.values)
		changedKeys = append(changedKeys, p.cards.CheckKeys(changedKeys, b.tmpl.CardSum())...)
		slices.Sort(changedKeys)
		for _, i := range m.newTitle {
			p.dirty[i] = true
		}
		chunks(len(m.pages), func(lo, hi int) {
			k := 0
			for i := lo; i < hi; i++ {
				st := m.oldStates[i]
				if p.dirty[i] || st == nil || b.tmpl.Sum(m.pages[i].Template) != b.tmplSums[m.pages[i].Template] || view.Hits(st.keys, changedKeys) {
					p.dirty[i] = true
					k++
				}
			}
			n.Add(int64(k))
		})
	default:
		p.values = view.NewValues(m.s, m.maxID, b.sums, p.cards)
		p.values.SetPartials(b.tmpl.PartialSums())
		p.cards.Check(p.values, m.s, b.tmpl.CardSum())
		chunks(len(m.pages), func(lo, hi int) {
			k := 0
			for i := lo; i < hi; i++ {
				var old *pageState
				if m.oldStates != nil {
					old = m.oldStates[i]
				}
				if full || old == nil || p.values.Fingerprint(view.Self(m.pages[i]), b.tmpl.Sum(m.pages[i].Template), old.keys) != old.fp {
					p.dirty[i] = true
					k++
				}
			}
			n.Add(int64(k))
		})
	}
	if m.mode != once {
		n.Add(int64(b.idsFor(p.dirty)))
	}
	p.count = int(n.Load())
	return p
}
