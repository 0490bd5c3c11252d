package view

import (
	"encoding/binary"
	"errors"
	"html/template"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/kabar-news/kabar/generator/site"
)

// IDs gives every article, term, day, month and year an ID that stays the
// same from one build to the next, so that a page's trace can be checked
// against a later model. IDs are never reused.
type IDs struct {
	byName map[string]uint32
	next   uint32
}

// NewIDs returns an empty table; the first ID is 1 (0 is the site).
func NewIDs() *IDs { return &IDs{byName: map[string]uint32{}, next: 1} }

// Max is the largest ID handed out.
func (ids *IDs) Max() uint32 { return ids.next - 1 }

func (ids *IDs) id(kind byte, name string) uint32 {
	k := string(kind) + name
	if id, ok := ids.byName[k]; ok {
		return id
	}
	id := ids.next
	ids.next++
	ids.byName[k] = id
	return id
}

// Assign sets the ID of everything in s: an article is known by its file,
// a term by its path (kind and slug), a day, month or year by its path.
func (ids *IDs) Assign(s *site.Site) {
	entities(s, func(kind byte, name string, id *uint32) { *id = ids.id(kind, name) })
}

// Numbered sets IDs 1, 2, 3... for a build that keeps no state, and
// returns the largest.
func Numbered(s *site.Site) uint32 {
	var n uint32
	entities(s, func(_ byte, _ string, id *uint32) { n++; *id = n })
	return n
}

// entities calls f with every thing of s that has an ID: its kind, the
// name it is known by, and its ID field.
func entities(s *site.Site, f func(kind byte, name string, id *uint32)) {
	for _, a := range s.Articles {
		f('a', a.File, &a.ID)
	}
	for _, terms := range [][]*site.Term{s.Sections, s.Tags, s.Sources} {
		for _, t := range terms {
			f('t', t.Path, &t.ID)
		}
	}
	for _, d := range s.Days {
		f('d', d.Path, &d.ID)
	}
	for _, m := range s.Months {
		f('d', m.Path, &m.ID)
	}
	for _, y := range s.Years {
		f('d', y.Path, &y.ID)
	}
}

// Values are the current values of every key, as hashes.
type Values struct {
	h        hasher
	v        []uint64 // by Key.index: an entity's ID*slots+slot
	kinds    []Kind   // by ID: what the entity is, so Changed can name its keys
	site     [siteFields]uint64
	cards    *Cards
	partials map[Key]uint64
}

// SetPartials gives the hash of each partial's template files, by name.
func (v *Values) SetPartials(sums map[string]uint64) {
	v.partials = make(map[Key]uint64, len(sums))
	for name, s := range sums {
		v.partials[PartialKey(name)] = s
	}
}

// Sums are an article's own hashes, which the builder knows from parsing:
// its fields, its body, and its lead image (files and alt).
type Sums func(a *site.Article) (meta, text, image uint64)

// NewValues works out the value of every key of s. maxID bounds the IDs.
func NewValues(s *site.Site, maxID uint32, sums Sums, cards *Cards) *Values {
	h := hasher{}
	v := &Values{h: h, v: make([]uint64, (uint64(maxID)+1)*slots), kinds: make([]Kind, uint64(maxID)+1), cards: cards}
	ids := func(n int, id func(i int) uint32) uint64 {
		m := h.new()
		putUint(m, uint64(n))
		for i := range n {
			putUint(m, uint64(id(i)))
		}
		return sum(m)
	}
	articles := func(list []*site.Article) uint64 {
		return ids(len(list), func(i int) uint32 { return list[i].ID })
	}
	terms := func(list []*site.Term) uint64 {
		return ids(len(list), func(i int) uint32 { return list[i].ID })
	}
	for _, a := range s.Articles {
		v.setOwn(a, sums)
		v.set(a.ID, aLinks, ids(2, func(i int) uint32 { return idOf([]*site.Article{a.Older, a.Newer}[i]) }))
		v.set(a.ID, aRelated, articles(a.Related))
	}
	for _, list := range [][]*site.Term{s.Sections, s.Tags, s.Sources} {
		for _, t := range list {
			m := h.new()
			m.WriteString(t.Kind)
			m.WriteByte(0)
			m.WriteString(t.Name)
			m.WriteByte(0)
			m.WriteString(t.Slug)
			v.set(t.ID, tHead, sum(m))
			v.set(t.ID, tList, articles(t.Articles))
			v.set(t.ID, tCount, uint64(len(t.Articles))|1<<63)
		}
	}
	for _, d := range s.Days {
		v.set(d.ID, dList, articles(d.Articles))
		v.set(d.ID, dCount, uint64(len(d.Articles))|1<<63)
	}
	for _, mo := range s.Months {
		v.set(mo.ID, dList, ids(len(mo.Days), func(i int) uint32 { return mo.Days[i].ID }))
		v.set(mo.ID, dCount, uint64(mo.Count)|1<<63)
	}
	for _, y := range s.Years {
		v.set(y.ID, dList, ids(len(y.Months), func(i int) uint32 { return y.Months[i].ID }))
		v.set(y.ID, dCount, uint64(y.Count)|1<<63)
	}
	v.site[sArticles] = articles(s.Articles)
	v.site[sSections] = terms(s.Sections)
	v.site[sTags] = terms(s.Tags)
	v.site[sSources] = terms(s.Sources)
	v.site[sDays] = ids(len(s.Days), func(i int) uint32 { return s.Days[i].ID })
	v.site[sMonths] = ids(len(s.Months), func(i int) uint32 { return s.Months[i].ID })
	v.site[sYears] = ids(len(s.Years), func(i int) uint32 { return s.Years[i].ID })
	v.setIntro(s)
	return v
}

// setOwn sets the keys of what an article is itself: its fields, its body.
func (v *Values) setOwn(a *site.Article, sums Sums) {
	meta, text, img := sums(a)
	m := v.h.new()
	putUint(m, meta)
	m.WriteString(a.Path)
	v.set(a.ID, aMeta, sum(m))
	v.set(a.ID, aImage, img|1)
	if len(a.Refs) == 0 {
		v.set(a.ID, aText, text|1)
		return
	}
	// Which articles the links lead to is part of the body: one link can
	// come to lead elsewhere when another article is added.
	m = v.h.new()
	putUint(m, text)
	for _, ref := range a.Refs {
		if ref.Article == nil {
			putUint(m, ^uint64(0)) // leads to no article, as written
			m.WriteString(ref.Href)
			continue
		}
		putUint(m, uint64(ref.Article.ID))
	}
	v.set(a.ID, aText, sum(m))
}

// set gives slot s of the entity with ID id its value x.
func (v *Values) set(id uint32, s Slot, x uint64) {
	v.v[s.Key(id).index()] = x
	v.kinds[id] = s.kind
}

func (v *Values) setIntro(s *site.Site) {
	m := v.h.new()
	m.WriteString(string(s.Intro))
	v.site[sIntro] = sum(m)
}

// Update is NewValues for a model that is the last one with some
// articles swapped for new versions of themselves, and perhaps a new
// intro: nothing moved, so only those articles' own keys can differ.
func (v *Values) Update(s *site.Site, changed []*site.Article, sums Sums) *Values {
	n := &Values{h: v.h, v: slices.Clone(v.v), kinds: v.kinds, site: v.site, cards: v.cards}
	for _, a := range changed {
		n.setOwn(a, sums)
	}
	n.setIntro(s)
	return n
}

func idOf(a *site.Article) uint32 {
	if a == nil {
		return 0
	}
	return a.ID
}

// value is k's value now; 0 when it is unknown (a key of a thing that is
// gone, or a card not yet rendered), which matches no recorded value.
func (v *Values) value(k Key) uint64 {
	switch k.Kind() {
	case KindPartial:
		return v.partials[k]
	case KindSite:
		if f := k.index(); f < siteFields {
			return v.site[f]
		}
		return 0
	case KindArticle:
		if k.Slot() == aCard {
			return v.cards.sum(k.ID())
		}
	case KindTerm, KindDate:
	default:
		return 0
	}
	id := k.ID()
	if uint64(id) >= uint64(len(v.kinds)) || v.kinds[id] != k.Kind() {
		return 0 // a thing that is gone, or was another kind
	}
	return v.v[k.index()]
}

// Fingerprint is what a render depends on, as one hash: the render's
// own structure (self), its template files, and the keys it read with
// their values now. Two equal fingerprints mean equal output.
func (v *Values) Fingerprint(self, templates uint64, trace []Key) uint64 {
	m := v.h.new()
	putUint(m, self)
	putUint(m, templates)
	for _, k := range trace {
		putUint(m, uint64(k))
		putUint(m, v.value(k))
	}
	return sum(m)
}

// Self hashes what a page is, apart from what it reads through views:
// everything Page returns without recording.
func Self(p *site.Page) uint64 {
	m := hasher{}.new()
	for _, s := range []string{p.Kind, p.Template, p.Path, p.Title, p.Feed} {
		m.WriteString(s)
		m.WriteByte(0)
	}
	if pg := p.Pager; pg != nil {
		putUint(m, uint64(pg.Number))
		for _, s := range []string{pg.First, pg.Prev, pg.Next} {
			m.WriteString(s)
			m.WriteByte(0)
		}
		for _, l := range pg.Links {
			putUint(m, uint64(l.Number))
			for _, s := range []string{l.Label, l.Path} {
				m.WriteString(s)
				m.WriteByte(0)
			}
			m.WriteByte(bits(l.Current, l.Gap))
		}
	}
	putUint(m, uint64(idOf(p.Article)))
	putUint(m, uint64(len(p.Articles)))
	for _, a := range p.Articles {
		putUint(m, uint64(a.ID))
	}
	var term, day, month, year uint32
	if p.Term != nil {
		term = p.Term.ID
	}
	if p.Day != nil {
		day = p.Day.ID
	}
	if p.Month != nil {
		month = p.Month.ID
	}
	if p.Year != nil {
		year = p.Year.ID
	}
	for _, id := range []uint32{term, day, month, year} {
		putUint(m, uint64(id))
	}
	putUint(m, uint64(len(p.Terms)))
	for _, t := range p.Terms {
		putUint(m, uint64(t.ID))
	}
	if t := p.Section(); t != nil {
		putUint(m, uint64(t.ID))
	}
	return sum(m)
}

// ReadsAllArticles reports whether a trace holds the whole list of
// articles: such a page is rendered again on every change to any article.
func ReadsAllArticles(trace []Key) bool {
	_, ok := slices.BinarySearch(trace, siteField(sArticles))
	return ok
}

// Cards holds each article's rendered card, by article ID, from one build
// to the next.
type Cards struct {
	mu        sync.Mutex
	byID      map[uint32]*card
	templates uint64 // the card template files' hash the cards were made with
	keep      bool
	fresh     []*card // rendered since the last Seal
}

type card struct {
	once sync.Once
	done atomic.Bool
	html template.HTML
	sum  uint64
	err  error
	fp   uint64
	keys []Key
	// loaded: known from a saved state by its sum, fingerprint and
	// trace; its HTML is rendered again, to the same bytes, when a page
	// shows it.
	loaded bool
}

// NewCards returns an empty cache. keep says whether cards are kept for
// later builds, with what they read.
func NewCards(keep bool) *Cards { return &Cards{byID: map[uint32]*card{}, keep: keep} }

// Check drops the cards whose article is gone, or whose card read
// something that changed, and all of them when the card's template files
// did. Call it before a build renders, with the build's values.
func (c *Cards) Check(v *Values, s *site.Site, templates uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if templates != c.templates {
		c.byID = map[uint32]*card{}
		c.templates = templates
		return
	}
	live := make(map[uint32]bool, len(s.Articles))
	for _, a := range s.Articles {
		live[a.ID] = true
	}
	for id, cd := range c.byID {
		if !live[id] || !cd.done.Load() || cd.err != nil || v.Fingerprint(0, templates, cd.keys) != cd.fp {
			delete(c.byID, id)
		}
	}
}

func (c *Cards) sum(id uint32) uint64 {
	if c == nil {
		return 0
	}
	c.mu.Lock()
	cd := c.byID[id]
	c.mu.Unlock()
	if cd == nil || !cd.done.Load() {
		return 0
	}
	return cd.sum
}

// Card is the article's card: partials/card.html with the article as its
// dot, rendered once per change of the article and reused on every list
// page. A card cannot show another card.
func (a *Article) Card() (template.HTML, error) {
	if a.r.inCard {
		return "", errCardInCard
	}
	a.r.add(a.a.ID, artCard.slot)
	env := a.r.env
	if env.Cards == nil {
		return renderCard(env, a.a, nil)
	}
	c := env.Cards
	c.mu.Lock()
	cd := c.byID[a.a.ID]
	if cd == nil {
		cd = &card{}
		c.byID[a.a.ID] = cd
		if c.keep {
			c.fresh = append(c.fresh, cd)
		}
	}
	c.mu.Unlock()
	cd.once.Do(func() {
		if cd.loaded {
			// Its sum and trace stand: pages read them as it renders.
			cd.html, cd.err = renderCard(env, a.a, nil)
			return
		}
		var keys []Key
		cd.html, cd.err = renderCard(env, a.a, &keys)
		m := hasher{}.new()
		m.WriteString(string(cd.html))
		cd.sum = sum(m)
		if c.keep {
			cd.keys = keys
		}
		cd.done.Store(true)
	})
	return cd.html, cd.err
}

type cardError struct{}

func (cardError) Error() string {
	return "a card cannot show a card: .Card is for list pages, not for partials/card.html"
}

var errCardInCard = cardError{}

func renderCard(env *Env, a *site.Article, keys *[]Key) (template.HTML, error) {
	r := NewRecorder(env)
	r.inCard = true
	data, err := env.Partials.Card(r.article(a))
	if err != nil {
		return "", err
	}
	if keys != nil {
		*keys = r.Trace()
	}
	return template.HTML(data), nil
}

// Seal records, for the cards rendered in this build, the fingerprint of
// what they read, so that Check can tell next time whether they still
// hold. Call it after the build rendered, with the same values.
func (c *Cards) Seal(v *Values) {
	if c == nil || !c.keep {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, cd := range c.fresh {
		if cd.done.Load() {
			cd.fp = v.Fingerprint(0, c.templates, cd.keys)
		}
	}
	c.fresh = nil
}

// Changed lists the keys whose values differ between two builds' values.
func Changed(old, now *Values) []Key {
	var out []Key
	for i := range max(len(old.v), len(now.v)) {
		var a, b uint64
		if i < len(old.v) {
			a = old.v[i]
		}
		if i < len(now.v) {
			b = now.v[i]
		}
		if a != b {
			// An ID is never reused: its kind is the same in both, or
			// the thing is only in one of them.
			kind := noKind
			if id := i / slots; id < len(now.kinds) && now.kinds[id] != noKind {
				kind = now.kinds[id]
			} else if id < len(old.kinds) {
				kind = old.kinds[id]
			}
			out = append(out, Key(kind)<<kindShift|Key(i))
		}
	}
	for f := range siteFields {
		if old.site[f] != now.site[f] {
			out = append(out, siteField(f))
		}
	}
	for k, s := range now.partials {
		if old.partials[k] != s {
			out = append(out, k)
		}
	}
	for k := range old.partials {
		if _, ok := now.partials[k]; !ok {
			out = append(out, k)
		}
	}
	return out
}

// Hits reports whether a trace holds one of the keys; both are sorted.
func Hits(trace, keys []Key) bool {
	i, j := 0, 0
	for i < len(trace) && j < len(keys) {
		switch {
		case trace[i] == keys[j]:
			return true
		case trace[i] < keys[j]:
			i++
		default:
			j++
		}
	}
	return false
}

// CheckKeys is Check for a build whose model is the last one's with some
// values changed: it drops the cards that read one of the changed keys
// (all when the card's template files changed) and returns the keys of
// the dropped cards.
func (c *Cards) CheckKeys(changed []Key, templates uint64) []Key {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []Key
	sorted := slices.Clone(changed)
	slices.Sort(sorted)
	for id, cd := range c.byID {
		if templates != c.templates || !cd.done.Load() || cd.err != nil || Hits(cd.keys, sorted) {
			delete(c.byID, id)
			out = append(out, aCard.Key(id))
		}
	}
	c.templates = templates
	return out
}

// GobEncode writes the table, for a build in another process to go on
// from: its IDs must mean what they meant in the traces it keeps.
func (ids *IDs) GobEncode() ([]byte, error) {
	out := binary.AppendUvarint(nil, uint64(ids.next))
	out = binary.AppendUvarint(out, uint64(len(ids.byName)))
	for name, id := range ids.byName {
		out = binary.AppendUvarint(out, uint64(len(name)))
		out = append(out, name...)
		out = binary.AppendUvarint(out, uint64(id))
	}
	return out, nil
}

// GobDecode reads what GobEncode wrote.
func (ids *IDs) GobDecode(data []byte) error {
	bad := errors.New("view: a malformed table of IDs")
	next, n := binary.Uvarint(data)
	if n <= 0 || next == 0 || next > 1<<32 {
		return bad
	}
	data = data[n:]
	count, n := binary.Uvarint(data)
	if n <= 0 || count >= next {
		return bad
	}
	data = data[n:]
	ids.next, ids.byName = uint32(next), make(map[string]uint32, count)
	for range count {
		l, n := binary.Uvarint(data)
		if n <= 0 || l > uint64(len(data)-n) {
			return bad
		}
		name := string(data[n : n+int(l)])
		data = data[n+int(l):]
		id, n := binary.Uvarint(data)
		if n <= 0 || id == 0 || id >= next {
			return bad
		}
		data = data[n:]
		ids.byName[name] = uint32(id)
	}
	if len(data) != 0 {
		return bad
	}
	return nil
}

// GobEncode writes what is known of each card rendered without error,
// apart from its HTML, for a build in another process to go on from.
func (c *Cards) GobEncode() ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := binary.AppendUvarint(nil, c.templates)
	for id, cd := range c.byID {
		if !cd.done.Load() || cd.err != nil {
			continue
		}
		out = binary.AppendUvarint(out, uint64(id))
		out = binary.AppendUvarint(out, cd.sum)
		out = binary.AppendUvarint(out, cd.fp)
		out = binary.AppendUvarint(out, uint64(len(cd.keys)))
		out = AppendKeys(out, cd.keys)
	}
	return out, nil
}

// GobDecode reads what GobEncode wrote, into a Cards that keeps cards.
func (c *Cards) GobDecode(data []byte) error {
	failed := false
	next := func() uint64 {
		x, n := binary.Uvarint(data)
		if n <= 0 {
			failed, data = true, nil
			return 0
		}
		data = data[n:]
		return x
	}
	c.templates, c.byID, c.keep = next(), map[uint32]*card{}, true
	for len(data) > 0 && !failed {
		id := next()
		cd := &card{sum: next(), fp: next(), loaded: true}
		n := next()
		if id == 0 || id >= 1<<32 || cd.sum == 0 || n > uint64(len(data)) {
			failed = true
			break
		}
		cd.keys = make([]Key, 0, n)
		prev := Key(0)
		for range n {
			prev += Key(next())
			cd.keys = append(cd.keys, prev)
		}
		cd.done.Store(true)
		c.byID[uint32(id)] = cd
	}
	if failed {
		return errors.New("view: malformed cards")
	}
	return nil
}

// AppendKeys appends a sorted trace as uvarint deltas: most keys of one
// page are close to each other.
func AppendKeys(out []byte, keys []Key) []byte {
	prev := Key(0)
	for _, k := range keys {
		out = binary.AppendUvarint(out, uint64(k-prev))
		prev = k
	}
	return out
}

// ReadKeys reads what AppendKeys wrote.
func ReadKeys(data []byte) ([]Key, error) {
	n := 0 // a uvarint's last byte is below 0x80
	for _, c := range data {
		if c < 0x80 {
			n++
		}
	}
	keys := make([]Key, 0, n)
	prev := Key(0)
	for len(data) > 0 {
		d, m := binary.Uvarint(data)
		if m <= 0 || len(keys) > 0 && d == 0 {
			return nil, errors.New("view: a malformed trace")
		}
		prev += Key(d)
		keys = append(keys, prev)
		data = data[m:]
	}
	return keys, nil
}

// bits packs two flags into a byte for a hash.
func bits(a, b bool) byte {
	var x byte
	if a {
		x |= 1
	}
	if b {
		x |= 2
	}
	return x
}
