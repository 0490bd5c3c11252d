package search

import (
	"errors"

	"github.com/kabar-news/kabar/generator/internal/hashing"

	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"
	"sync"

	"github.com/kabar-news/kabar/generator/internal/cores"
)

// The index is written below Dir: the manifest at ManifestName, the rest
// in files named by a hash of their bytes, so that a browser may keep
// them for ever and a rebuild writes only the files whose bytes changed.
// Every file is gzip-compressed by the build (a browser inflates it with
// DecompressionStream), so its size on disk is what is downloaded, on
// any host.
//
//   - index.bin: JSON {"v":1, "n": articles, "per": PerChunk,
//     "t": [[first term, file], ...] for the term shards in term order,
//     "m": [[file, oldest day, newest day], ...] for the result chunks};
//     days are numbers like 20250428.
//   - t-HASH.bin, a term shard: the terms from its first one up to the
//     next shard's first, each as uvarint(bytes shared with the previous
//     term), uvarint(length of the rest), the rest, then its postings;
//     postings are a byte 0, uvarint(count) and uvarint gaps between
//     article numbers (the first from 0), or a byte 1, uvarint(first
//     number / 8), uvarint(length) and a bitmap whose bit j of byte k is
//     article 8*(first/8 + k) + j: the shorter of the two.
//   - m-HASH.bin, a result chunk: a JSON array of PerChunk articles (fewer
//     in the last), [path, title, day, section, source, snippet, excerpt]
//     each; the excerpt is body text the snippet lacks (see Excerpt), from
//     which a result shows the sentence a word was found in.
//
// Articles are numbered oldest first, so a new article changes only the
// last chunk, and results are shown from the highest number down.
const (
	Dir          = "search/"
	ManifestName = Dir + "index.bin"
	PerChunk     = 100

	// A shard is cut after a term whose hash is 0 mod cutEvery once it
	// holds minShard bytes, and before a term that would take it past
	// maxShard: the cuts depend on the terms near them, so an added
	// term moves at most the cuts of its own shard. A term bigger than
	// maxShard alone is a shard alone.
	minShard = 8 << 10
	maxShard = 32 << 10
	cutEvery = 16

	maxTitle   = 200 // bytes of a title shown in a result
	maxSnippet = 240 // bytes of the snippet
)

// Entry is what the index holds of one article.
type Entry struct {
	Path, Title, Day, Section, Source, Snippet, Excerpt string
	Doc                                                 Doc
	// Key changes whenever one of the shown fields does.
	Key uint64
}

// File is one file of the index. Data is nil for a file the last Update
// wrote already (its name says its bytes).
type File struct {
	Name string
	Data []byte
}

// Index is a site's search index, kept between builds so that a rebuild
// updates the posting lists of the articles that changed only. It is not
// safe for concurrent use.
type Index struct {
	dict     *Dict
	n        int
	docs     []Doc      // by article number
	postings [][]uint32 // by term number: article numbers, ascending
	enc      [][]byte   // by term number: encoded postings, nil when stale
	order    []uint32   // the numbers of terms with postings, by term

	shards map[uint64]string // a shard's content hash -> its file, last Update
	firsts []string          // each shard's first term, last Update
	chunks []chunkState      // by chunk number, last Update
}

type chunkState struct {
	fp             uint64
	name           string
	oldest, newest int
}

// NewIndex returns an empty index whose Docs come from dict.
func NewIndex(dict *Dict) *Index {
	return &Index{dict: dict}
}

// State is what the index knows of the files it wrote last: enough for a
// build in another process to know which it need not make again
// (NewIndexFrom).
func (x *Index) State() []byte {
	out := binary.AppendUvarint(nil, uint64(len(x.shards)))
	for sum, name := range x.shards {
		out = binary.LittleEndian.AppendUint64(out, sum)
		out = appendString(out, name)
	}
	out = binary.AppendUvarint(out, uint64(len(x.chunks)))
	for _, c := range x.chunks {
		out = binary.LittleEndian.AppendUint64(out, c.fp)
		out = appendString(out, c.name)
		out = binary.AppendUvarint(out, uint64(c.oldest))
		out = binary.AppendUvarint(out, uint64(c.newest))
	}
	return out
}

func appendString(out []byte, s string) []byte {
	return append(binary.AppendUvarint(out, uint64(len(s))), s...)
}

// NewIndexFrom is NewIndex knowing the files an index wrote before, from
// its State.
func NewIndexFrom(dict *Dict, state []byte) (*Index, error) {
	x := NewIndex(dict)
	failed := false
	uv := func() uint64 {
		v, n := binary.Uvarint(state)
		if n <= 0 {
			failed, state = true, nil
		}
		state = state[max(n, 0):]
		return v
	}
	u64 := func() uint64 {
		if len(state) < 8 {
			failed, state = true, nil
			return 0
		}
		v := binary.LittleEndian.Uint64(state)
		state = state[8:]
		return v
	}
	str := func() string {
		n := uv()
		if n > uint64(len(state)) {
			failed, state = true, nil
			return ""
		}
		s := string(state[:n])
		state = state[n:]
		return s
	}
	count := uv()
	if count > uint64(len(state)) {
		failed = true
	}
	x.shards = make(map[uint64]string)
	for i := uint64(0); i < count && !failed; i++ {
		sum := u64()
		x.shards[sum] = str()
	}
	count = uv()
	if count > uint64(len(state)) {
		failed = true
	}
	for i := uint64(0); i < count && !failed; i++ {
		c := chunkState{fp: u64(), name: str()}
		c.oldest, c.newest = int(uv()), int(uv())
		x.chunks = append(x.chunks, c)
	}
	if failed || len(state) != 0 {
		return nil, errors.New("search: a malformed index state")
	}
	return x, nil
}

// Update brings the index up to n articles, entry(i) being article i
// (oldest first), and returns its files. changed lists the articles
// whose Doc may have changed, all others being as they were at the last
// Update with the same n; nil means any may have. With full, every file
// comes with its Data.
func (x *Index) Update(n int, entry func(i int) Entry, changed []int, full bool) []File {
	terms := x.dict.snapshot()
	for len(x.postings) < len(terms) {
		x.postings = append(x.postings, nil)
		x.enc = append(x.enc, nil)
	}
	if changed == nil || n != x.n {
		x.reindex(n, entry)
	} else {
		for _, i := range changed {
			x.swap(i, entry(i).Doc, terms)
		}
	}
	x.n = n
	cores.For(len(x.order), func(k int) {
		if t := x.order[k]; x.enc[t] == nil {
			x.enc[t] = encodePostings(x.postings[t])
		}
	})
	files := x.termShards(terms, full)
	tIndex := len(files)
	files = append(files, x.resultChunks(n, entry, full)...)
	return append(files, x.manifest(terms, files[:tIndex], n))
}

// reindex makes every posting list again.
func (x *Index) reindex(n int, entry func(i int) Entry) {
	clear(x.postings)
	clear(x.enc)
	x.docs = slices.Grow(x.docs[:0], n)[:n]
	// Each list is cut from one array at its length, counted first:
	// growing 100,000 articles' lists by appending took a second.
	counts := make([]int32, len(x.postings))
	total := 0
	for i := range n {
		d := entry(i).Doc
		x.docs[i] = d
		d.each(func(t uint32) { counts[t]++; total++ })
	}
	all := make([]uint32, total)
	for t, c := range counts {
		if c > 0 {
			x.postings[t], all = all[:0:c], all[c:]
		}
	}
	for i, d := range x.docs {
		d.each(func(t uint32) { x.postings[t] = append(x.postings[t], uint32(i)) })
	}
	terms := x.dict.snapshot()
	x.order = x.order[:0]
	for t, p := range x.postings {
		if len(p) > 0 {
			x.order = append(x.order, uint32(t))
		} else {
			x.postings[t] = nil // a term no article has any more
		}
	}
	slices.SortFunc(x.order, func(a, b uint32) int { return strings.Compare(terms[a], terms[b]) })
}

// swap replaces article i's Doc, updating the posting lists of the terms
// it gained or lost.
func (x *Index) swap(i int, doc Doc, terms []string) {
	var was, now []uint32
	x.docs[i].each(func(t uint32) { was = append(was, t) })
	doc.each(func(t uint32) { now = append(now, t) })
	x.docs[i] = doc
	id := uint32(i)
	for _, t := range was {
		if _, ok := slices.BinarySearch(now, t); ok {
			continue
		}
		p := x.postings[t]
		if k, ok := slices.BinarySearch(p, id); ok {
			x.postings[t] = slices.Delete(p, k, k+1)
		}
		x.enc[t] = nil
		if len(x.postings[t]) == 0 {
			x.setOrder(t, terms, false)
		}
	}
	for _, t := range now {
		if _, ok := slices.BinarySearch(was, t); ok {
			continue
		}
		p := x.postings[t]
		if k, ok := slices.BinarySearch(p, id); !ok {
			x.postings[t] = slices.Insert(p, k, id)
		}
		x.enc[t] = nil
		if len(x.postings[t]) == 1 {
			x.setOrder(t, terms, true)
		}
	}
}

// setOrder puts term t into the sorted list of terms with postings, or
// takes it out.
func (x *Index) setOrder(t uint32, terms []string, in bool) {
	k, found := slices.BinarySearchFunc(x.order, terms[t], func(o uint32, s string) int { return strings.Compare(terms[o], s) })
	switch {
	case in && !found:
		x.order = slices.Insert(x.order, k, t)
	case !in && found:
		x.order = slices.Delete(x.order, k, k+1)
	}
}

// encodePostings writes a posting list as gaps or as a bitmap, whichever
// is shorter.
func encodePostings(p []uint32) []byte {
	gaps := make([]byte, 0, len(p)+binary.MaxVarintLen32)
	gaps = append(gaps, 0)
	gaps = binary.AppendUvarint(gaps, uint64(len(p)))
	prev := uint32(0)
	for _, id := range p {
		gaps = binary.AppendUvarint(gaps, uint64(id-prev))
		prev = id
	}
	base := p[0] / 8
	size := int(p[len(p)-1]/8-base) + 1
	if size+2*binary.MaxVarintLen32 >= len(gaps) {
		return gaps
	}
	bits := make([]byte, 0, size+2*binary.MaxVarintLen32+1)
	bits = append(bits, 1)
	bits = binary.AppendUvarint(bits, uint64(base))
	bits = binary.AppendUvarint(bits, uint64(size))
	start := len(bits)
	bits = bits[:start+size]
	for _, id := range p {
		k := int(id/8 - base)
		bits[start+k] |= 1 << (id % 8)
	}
	return bits
}

// shardRange is the terms x.order[lo:hi] of one shard.
type shardRange struct{ lo, hi int }

// cut splits the terms into shards (see minShard).
func (x *Index) cut(terms []string) []shardRange {
	var out []shardRange
	lo, size := 0, 0
	for k, t := range x.order {
		n := len(terms[t]) + len(x.enc[t]) + 2
		if size > 0 && size+n > maxShard {
			out = append(out, shardRange{lo, k})
			lo, size = k, 0
		}
		size += n
		if size >= minShard && fnv(terms[t])%cutEvery == 0 {
			out = append(out, shardRange{lo, k + 1})
			lo, size = k+1, 0
		}
	}
	if lo < len(x.order) {
		out = append(out, shardRange{lo, len(x.order)})
	}
	return out
}

// fnv is FNV-1a: where shards are cut must not change between runs, as
// maphash's would.
func fnv(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h = (h ^ uint32(s[i])) * 16777619
	}
	return h
}

// termShards writes the shards whose terms or postings changed.
func (x *Index) termShards(terms []string, full bool) []File {
	ranges := x.cut(terms)
	files := make([]File, len(ranges))
	sums := make([]uint64, len(ranges))
	cores.For(len(ranges), func(i int) {
		r := ranges[i]
		h := hashing.New()
		for _, t := range x.order[r.lo:r.hi] {
			h.WriteString(terms[t])
			h.WriteByte(0)
			h.Write(x.enc[t])
		}
		sums[i] = h.Sum64()
		if name, ok := x.shards[sums[i]]; ok && !full {
			files[i] = File{Name: name}
			return
		}
		var raw []byte
		prev := ""
		for _, t := range x.order[r.lo:r.hi] {
			term := terms[t]
			shared := commonPrefix(prev, term)
			raw = binary.AppendUvarint(raw, uint64(shared))
			raw = binary.AppendUvarint(raw, uint64(len(term)-shared))
			raw = append(raw, term[shared:]...)
			raw = append(raw, x.enc[t]...)
			prev = term
		}
		files[i] = hashed("t-", compress(raw))
	})
	x.shards = make(map[uint64]string, len(ranges))
	for i, f := range files {
		x.shards[sums[i]] = f.Name
	}
	// The manifest needs each shard's first term; keep it beside the file.
	firsts := make([]string, len(ranges))
	for i, r := range ranges {
		firsts[i] = terms[x.order[r.lo]]
	}
	x.firsts = firsts
	return files
}

func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

// resultChunks writes the chunks of results whose articles changed.
func (x *Index) resultChunks(n int, entry func(i int) Entry, full bool) []File {
	count := (n + PerChunk - 1) / PerChunk
	old := x.chunks
	x.chunks = make([]chunkState, count)
	files := make([]File, count)
	cores.For(count, func(c int) {
		lo, hi := c*PerChunk, min(n, (c+1)*PerChunk)
		h := hashing.New()
		for i := lo; i < hi; i++ {
			h.PutUint(entry(i).Key)
		}
		st := chunkState{fp: h.Sum64()}
		if c < len(old) && old[c].fp == st.fp && !full {
			x.chunks[c] = old[c]
			files[c] = File{Name: old[c].name}
			return
		}
		rows := make([][7]string, 0, hi-lo)
		for i := lo; i < hi; i++ {
			e := entry(i)
			rows = append(rows, [7]string{e.Path, cutText(e.Title, maxTitle), e.Day, e.Section, e.Source, cutText(e.Snippet, maxSnippet), cutText(e.Excerpt, MaxExcerpt)})
		}
		st.oldest, st.newest = dayNumber(rows[0][2]), dayNumber(rows[len(rows)-1][2])
		data, _ := json.Marshal(rows) // strings only: cannot fail
		files[c] = hashed("m-", compress(data))
		st.name = files[c].Name
		x.chunks[c] = st
	})
	return files
}

// manifest is the index's one file of a fixed name.
func (x *Index) manifest(terms []string, shards []File, n int) File {
	type manifest struct {
		V   int      `json:"v"`
		N   int      `json:"n"`
		Per int      `json:"per"`
		T   [][2]any `json:"t"`
		M   [][3]any `json:"m"`
	}
	m := manifest{V: 1, N: n, Per: PerChunk, T: [][2]any{}, M: [][3]any{}}
	for i, f := range shards {
		m.T = append(m.T, [2]any{x.firsts[i], strings.TrimPrefix(f.Name, Dir)})
	}
	for _, c := range x.chunks {
		m.M = append(m.M, [3]any{strings.TrimPrefix(c.name, Dir), c.oldest, c.newest})
	}
	data, _ := json.Marshal(m)
	return File{Name: ManifestName, Data: compress(data)}
}

// dayNumber turns "2025-04-28" into 20250428.
func dayNumber(day string) int {
	n := 0
	for i := 0; i < len(day); i++ {
		if c := day[i]; c >= '0' && c <= '9' {
			n = n*10 + int(c-'0')
		}
	}
	return n
}

// cutText shortens s to at most max bytes, at a space when there is one.
func cutText(s string, max int) string {
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && s[cut]&0xc0 == 0x80 {
		cut-- // not inside a UTF-8 sequence
	}
	if sp := strings.LastIndexByte(s[:cut], ' '); sp > max/2 {
		cut = sp
	}
	return s[:cut] + "…"
}

func hashed(prefix string, data []byte) File {
	sum := sha256.Sum256(data)
	return File{Name: Dir + prefix + hex.EncodeToString(sum[:5]) + ".bin", Data: data}
}

var gzipPool = sync.Pool{New: func() any {
	w, _ := gzip.NewWriterLevel(nil, gzip.DefaultCompression)
	return w
}}

// compress gzips data; with no time or name in the header, the same
// bytes always give the same file.
func compress(data []byte) []byte {
	var buf bytes.Buffer
	w := gzipPool.Get().(*gzip.Writer)
	w.Reset(&buf)
	w.Write(data)
	w.Close()
	gzipPool.Put(w)
	return buf.Bytes()
}
