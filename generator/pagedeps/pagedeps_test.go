package pagedeps

import (
	"fmt"
	"hash/maphash"
	"io/fs"
	"os"
	"testing"
	"testing/fstest"
	_ "time/tzdata" // Asia/Jakarta without a zoneinfo database

	"newsdigest/generator/config"
	"newsdigest/generator/content"
	"newsdigest/generator/markdown"
	"newsdigest/generator/render"
	"newsdigest/generator/site"
)

// theme is the repository's own templates/ folder.
var theme = os.DirFS("../../templates")

// seed is one per test process, so fingerprints of two builds compare.
var seed = maphash.MakeSeed()

// story is one article: day of April 2025, title, tag and body.
type story struct {
	day        int
	title, tag string
	body       string
}

// analyze builds a site of stories with the theme (under own, if given)
// and returns the analysis of page template name and the fingerprint of
// every page it draws, by path.
func analyze(t *testing.T, own fs.FS, name string, stories map[string]story) (*Analysis, map[string]uint64) {
	t.Helper()
	cfg := config.Default()
	opt := content.Options{Location: cfg.Location, Markdown: markdown.New(false)}
	var list []*content.Article
	for file, a := range stories {
		src := fmt.Sprintf("---\ntitle: %s\ndate: 2025-04-%02dT10:00:00+07:00\ntags: [%s]\n---\n%s\n", a.title, a.day, a.tag, a.body)
		parsed, err := content.Parse(file, "content/"+file, []byte(src), opt)
		if err != nil {
			t.Fatal(err)
		}
		list = append(list, parsed)
	}
	s, err := site.New(cfg, "", list)
	if err != nil {
		t.Fatal(err)
	}
	tmpl, err := render.Load(cfg, own, theme)
	if err != nil {
		t.Fatal(err)
	}
	an := Analyze(tmpl, name, render.Funcs(cfg), seed, Shared{})
	var m Memo
	w := NewWalker(seed, &m)
	sums := map[string]uint64{}
	for _, p := range s.Pages() {
		if p.Template != name {
			continue
		}
		if sum, ok := w.Fingerprint(p, an); ok {
			sums[p.Path] = sum
		}
	}
	return an, sums
}

var stories = map[string]story{
	"a.md": {1, "Rupiah menguat", "Rupiah", "Isi A."},
	"b.md": {10, "Panen raya", "Beras", "Isi B."},
	"c.md": {20, "Rupiah melemah", "Rupiah", "Isi C."},
	"d.md": {28, "Kereta baru", "Transportasi", "Isi D."},
}

func with(name string, change func(*story)) map[string]story {
	out := map[string]story{}
	for k, v := range stories {
		out[k] = v
	}
	s := out[name]
	change(&s)
	out[name] = s
	return out
}

// An article page's fingerprint follows what the page shows: its own
// body, its neighbours' and related articles' titles; not the body of an
// article it only links to, nor an article it does not show at all.
func TestArticleFingerprintFollowsWhatThePageShows(t *testing.T) {
	an, before := analyze(t, nil, "article.html", stories)
	if an.Unsure != "" {
		t.Fatalf("the built-in article template could not be analysed: %s", an.Unsure)
	}
	const pageA, pageB = "/2025/04/01/a/", "/2025/04/10/b/"
	if len(before) != 4 || before[pageA] == 0 {
		t.Fatalf("fingerprints: %v", before)
	}
	for _, c := range []struct {
		what    string
		file    string
		change  func(*story)
		changed map[string]bool // pages whose fingerprint must change; others must not
	}{
		{"A's own body", "a.md", func(s *story) { s.body = "Isi A, diperbarui." }, map[string]bool{pageA: true}},
		// C is A's related article (tag Rupiah) and D's and B's neighbour.
		{"C's body, shown only on its own page", "c.md", func(s *story) { s.body = "Isi C, diperbarui." }, map[string]bool{"/2025/04/20/c/": true}},
		{"C's title, shown by related and neighbours", "c.md", func(s *story) { s.title = "Rupiah kembali melemah" },
			map[string]bool{"/2025/04/20/c/": true, pageA: true, pageB: true, "/2025/04/28/d/": true}},
	} {
		_, after := analyze(t, nil, "article.html", with(c.file, c.change))
		for path, sum := range before {
			if got := after[path] != sum; got != c.changed[path] {
				t.Errorf("%s: fingerprint of %s changed = %v, want %v", c.what, path, got, c.changed[path])
			}
		}
	}
}

// A template the analysis cannot follow says why, so its pages are
// rendered every time instead of going stale.
func TestUnsureTemplateSaysWhy(t *testing.T) {
	own := fstest.MapFS{"article.html": {Data: []byte(`{{define "main"}}{{template "loop" .}}{{end}}{{define "loop"}}{{if .Article}}{{template "loop" .Site}}{{end}}{{end}}`)}}
	an, _ := analyze(t, own, "article.html", stories)
	if an.Unsure == "" {
		t.Fatal("a template that calls itself was analysed as if it could be followed")
	}
}
