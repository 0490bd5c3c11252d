package search

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"testing"
)

type testDoc struct {
	title, body, day string
	facets           []string
}

// build makes an index of docs (oldest first) and returns its files by name.
func build(x *Index, dict *Dict, docs []testDoc, changed []int) map[string][]byte {
	entries := make([]Entry, len(docs))
	for i, d := range docs {
		entries[i] = Entry{Path: fmt.Sprintf("/a/%d/", i), Title: d.title, Day: d.day, Snippet: d.body,
			Doc: dict.Doc(StemIndonesian, d.facets, d.title, d.body), Key: uint64(len(d.title)*7919 + len(d.body) + i<<32)}
	}
	out := map[string][]byte{}
	for _, f := range x.Update(len(docs), func(i int) Entry { return entries[i] }, changed, true) {
		out[f.Name] = f.Data
	}
	return out
}

func inflate(t *testing.T, data []byte) []byte {
	t.Helper()
	r, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

type testManifest struct {
	N   int               `json:"n"`
	Per int               `json:"per"`
	T   [][2]string       `json:"t"`
	M   []json.RawMessage `json:"m"`
}

// readShard decodes a term shard as search.js does.
func readShard(t *testing.T, raw []byte) map[string][]uint32 {
	t.Helper()
	out := map[string][]uint32{}
	prev := ""
	for len(raw) > 0 {
		shared, n := binary.Uvarint(raw)
		raw = raw[n:]
		rest, n := binary.Uvarint(raw)
		raw = raw[n:]
		term := prev[:shared] + string(raw[:rest])
		raw = raw[rest:]
		prev = term
		kind := raw[0]
		raw = raw[1:]
		var ids []uint32
		if kind == 0 {
			count, n := binary.Uvarint(raw)
			raw = raw[n:]
			id := uint32(0)
			for range count {
				g, n := binary.Uvarint(raw)
				raw = raw[n:]
				id += uint32(g)
				ids = append(ids, id)
			}
		} else {
			first, n := binary.Uvarint(raw)
			raw = raw[n:]
			size, n := binary.Uvarint(raw)
			raw = raw[n:]
			for k := range int(size) {
				for bit := range 8 {
					if raw[k]&(1<<bit) != 0 {
						ids = append(ids, uint32(first)*8+uint32(k*8+bit))
					}
				}
			}
			raw = raw[size:]
		}
		out[term] = ids
	}
	return out
}

// lookup finds a term's postings through the manifest.
func lookup(t *testing.T, files map[string][]byte, term string) []uint32 {
	t.Helper()
	var m testManifest
	if err := json.Unmarshal(inflate(t, files[ManifestName]), &m); err != nil {
		t.Fatal(err)
	}
	k := 0
	for i, s := range m.T {
		if s[0] <= term {
			k = i
		}
	}
	return readShard(t, inflate(t, files[Dir+m.T[k][1]]))[term]
}

func TestIndexFindsStemsAndFilters(t *testing.T) {
	dict := NewDict()
	x := NewIndex(dict)
	docs := []testDoc{
		{"Pemerintah menaikkan harga", "Ekspornya naik.", "2025-01-01", []string{FacetKey("section", "ekonomi")}},
		{"Banjir di kota", "Warga mengungsi.", "2025-01-02", []string{FacetKey("section", "nasional")}},
		{"Pemerintahan baru", "Mengekspor kopi.", "2025-01-03", []string{FacetKey("section", "ekonomi")}},
	}
	files := build(x, dict, docs, nil)
	for term, want := range map[string][]uint32{
		"erintah":    {0, 2},
		"ekspor":     {0, 2},
		"banjir":     {1},
		"s:ekonomi":  {0, 2},
		"s:nasional": {1},
		"di":         nil, // a stop word
	} {
		if got := lookup(t, files, term); !slices.Equal(got, want) {
			t.Errorf("%q is in articles %v, want %v", term, got, want)
		}
	}
	var m testManifest
	json.Unmarshal(inflate(t, files[ManifestName]), &m)
	if m.N != 3 || len(m.M) != 1 || string(m.M[0]) != fmt.Sprintf(`[%q,20250101,20250103]`, strings.TrimPrefix(chunkName(files), Dir)) {
		t.Errorf("manifest: %+v", m)
	}
	var rows [][6]string
	json.Unmarshal(inflate(t, files[chunkName(files)]), &rows)
	if len(rows) != 3 || rows[2] != [6]string{"/a/2/", "Pemerintahan baru", "2025-01-03", "", "", "Mengekspor kopi."} {
		t.Errorf("chunk rows: %q", rows)
	}
}

func chunkName(files map[string][]byte) string {
	for name := range files {
		if strings.HasPrefix(name, Dir+"m-") {
			return name
		}
	}
	return ""
}

// An index updated article by article holds the same files as one made
// from scratch, and an edit changes only the files it must.
func TestIndexUpdateEqualsFresh(t *testing.T) {
	var docs []testDoc
	for i := range 450 {
		docs = append(docs, testDoc{fmt.Sprintf("Judul %d kota", i), fmt.Sprintf("kata%d teks%d pasar", i%37, i%101), fmt.Sprintf("2025-01-%02d", 1+i/20), nil})
	}
	dict := NewDict()
	x := NewIndex(dict)
	before := build(x, dict, docs, nil)
	docs[7].body = "kata baru sekali hujan"
	docs[420].title = "Judul lain"
	after := build(x, dict, docs, []int{7, 420})
	freshDict := NewDict()
	fresh := build(NewIndex(freshDict), freshDict, docs, nil)
	if !maps.EqualFunc(after, fresh, bytes.Equal) {
		t.Fatalf("updated index: %d files, fresh %d, or their bytes differ", len(after), len(fresh))
	}
	changed := 0
	for name := range after {
		if _, ok := before[name]; !ok {
			changed++
		}
	}
	// The two result chunks of the edited articles, the term shards of
	// their words, and the manifest.
	if changed == 0 || changed > len(after)/2 {
		t.Errorf("an edit of two articles changed %d of %d files", changed, len(after))
	}
	if got := lookup(t, after, "hujan"); !slices.Equal(got, []uint32{7}) {
		t.Errorf("the new word is in %v", got)
	}
	if got := lookup(t, after, "kata7"); slices.Contains(got, 7) {
		t.Errorf("the removed word still lists article 7")
	}
}

// Hostile articles: 10,000 distinct words, a megabyte of text and a huge
// title keep every file of the index within its bounds.
func TestIndexBoundsHostileArticles(t *testing.T) {
	var many strings.Builder
	for i := range 10000 {
		fmt.Fprintf(&many, "kata%dx ", i)
	}
	huge := strings.Repeat("pasar ramai sekali ", 1<<20/19)
	docs := []testDoc{
		{"Sepuluh ribu kata", many.String(), "2025-01-01", nil},
		{strings.Repeat("judul panjang ", 5000), huge, "2025-01-02", nil},
		{"<script>alert(1)</script>", "<b>tebal</b>", "2025-01-03", nil},
	}
	dict := NewDict()
	files := build(NewIndex(dict), dict, docs, nil)
	shards := 0
	for name, data := range files {
		raw := inflate(t, data)
		switch {
		case strings.HasPrefix(name, Dir+"t-"):
			shards++
			if len(raw) > maxShard+MaxWord+16 && len(readShard(t, raw)) > 1 {
				t.Errorf("%s holds %d bytes of several terms, over %d", name, len(raw), maxShard)
			}
		case strings.HasPrefix(name, Dir+"m-"):
			if len(raw) > 3*(maxTitle+maxSnippet+100) {
				t.Errorf("%s holds %d bytes for 3 articles", name, len(raw))
			}
			var rows [][6]string
			json.Unmarshal(raw, &rows)
			if rows[2][1] != "<script>alert(1)</script>" {
				t.Errorf("the title is kept as text, to be shown as text: %q", rows[2][1])
			}
		}
	}
	if shards < 10000*8/maxShard {
		t.Errorf("10,000 words in %d shards", shards)
	}
	if got := lookup(t, files, "kata9999x"); !slices.Equal(got, []uint32{0}) {
		t.Errorf("the last of 10,000 words is in %v", got)
	}
}
