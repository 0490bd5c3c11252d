package search

import (
	"encoding/binary"
	"errors"
	"slices"
	"sort"
	"sync"
)

// Dict numbers terms as they are first seen. It is safe for concurrent
// use, so articles are turned into Docs on every core as they are parsed.
// The numbers depend on the order articles were read in: nothing written
// depends on them, only on the terms.
type Dict struct {
	mu    sync.RWMutex
	ids   map[string]uint32
	terms []string
}

// NewDict returns an empty Dict.
func NewDict() *Dict { return &Dict{ids: map[string]uint32{}} }

func (d *Dict) id(term string) uint32 {
	d.mu.RLock()
	id, ok := d.ids[term]
	d.mu.RUnlock()
	if ok {
		return id
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if id, ok := d.ids[term]; ok {
		return id
	}
	id = uint32(len(d.terms))
	term = string([]byte(term)) // not a slice of a whole article
	d.ids[term] = id
	d.terms = append(d.terms, term)
	return id
}

// snapshot is the terms by number. Terms are only ever appended, so the
// slice stays valid while more are added.
func (d *Dict) snapshot() []string {
	d.mu.RLock()
	defer d.mu.RUnlock()
	return d.terms
}

// Len is the number of terms seen.
func (d *Dict) Len() int {
	d.mu.RLock()
	defer d.mu.RUnlock()
	return len(d.terms)
}

// Doc is one article's distinct terms: their numbers, ascending, as
// varint deltas. It is what the index keeps of an article's text.
type Doc []byte

// Doc makes the Doc of an article: the terms of texts stemmed by stem,
// and the filter keys (see FacetKey) as they are.
func (d *Dict) Doc(stem Stemmer, facets []string, texts ...string) Doc {
	// Each distinct word is stemmed and looked up once: an article
	// repeats most of its words.
	seen := make(map[string]struct{}, 256)
	var ids []uint32
	for _, t := range texts {
		Words(t, func(w string) {
			if _, ok := seen[w]; ok || IsStopWord(w) {
				return
			}
			seen[w] = struct{}{}
			ids = append(ids, d.id(stem(w)))
		})
	}
	for _, f := range facets {
		ids = append(ids, d.id(f))
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	out := make([]byte, 0, len(ids)*2)
	prev := uint32(0)
	for _, id := range ids {
		out = binary.AppendUvarint(out, uint64(id-prev))
		prev = id
	}
	return Doc(slices.Clip(out))
}

// each calls fn with the Doc's term numbers, ascending.
func (doc Doc) each(fn func(id uint32)) {
	prev := uint32(0)
	for len(doc) > 0 {
		v, n := binary.Uvarint(doc)
		doc = doc[n:]
		prev += uint32(v)
		fn(prev)
	}
}

// FacetKey is the index term of a filter value: kind is "section",
// "source" or "tag", slug the value's URL segment. The colon keeps it
// apart from words, which hold only letters and digits.
func FacetKey(kind, slug string) string {
	return facetPrefix[kind] + slug
}

var facetPrefix = map[string]string{"section": "s:", "source": "o:", "tag": "t:"}

func sortedSet(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// GobEncode writes the terms by number, for a build in another process
// to go on from: the Docs it keeps hold these numbers.
func (d *Dict) GobEncode() ([]byte, error) {
	terms := d.snapshot()
	var out []byte
	out = binary.AppendUvarint(out, uint64(len(terms)))
	for _, t := range terms {
		out = binary.AppendUvarint(out, uint64(len(t)))
		out = append(out, t...)
	}
	return out, nil
}

// GobDecode reads what GobEncode wrote.
func (d *Dict) GobDecode(data []byte) error {
	bad := errors.New("search: a malformed dictionary")
	count, n := binary.Uvarint(data)
	if n <= 0 || count > uint64(len(data)) {
		return bad
	}
	data = data[n:]
	d.ids, d.terms = make(map[string]uint32, count), make([]string, 0, count)
	for range count {
		l, n := binary.Uvarint(data)
		if n <= 0 || l > uint64(len(data)-n) {
			return bad
		}
		t := string(data[n : n+int(l)])
		data = data[n+int(l):]
		d.ids[t] = uint32(len(d.terms))
		d.terms = append(d.terms, t)
	}
	if len(data) != 0 {
		return bad
	}
	return nil
}

// Valid reports whether doc holds only numbers of d's terms.
func (d *Dict) Valid(doc Doc) bool {
	n := uint32(d.Len())
	prev := uint32(0)
	for len(doc) > 0 {
		v, k := binary.Uvarint(doc)
		if k <= 0 || v > uint64(n) {
			return false
		}
		doc = doc[k:]
		prev += uint32(v)
		if prev >= n {
			return false
		}
	}
	return true
}
