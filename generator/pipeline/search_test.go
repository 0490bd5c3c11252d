package pipeline

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kabar-news/kabar/generator/search"
)

// The sample site has a search page linked from every page's header,
// under the base path, with a message for readers without JavaScript;
// search: false takes the page, the link and the index away.
func TestSearchPageAndSwitch(t *testing.T) {
	dir := copySite(t)
	out := filepath.Join(t.TempDir(), "out")
	build(t, Options{SiteDir: dir, OutDir: out})
	tree := readTree(t, out)
	page := tree["search/index.html"]
	for _, want := range []string{
		`<form role="search"`, `<label for="search-q">`, `<input type="search" id="search-q" name="q"`,
		`role="status" aria-live="polite"`, `data-index="/kabar/search/index.bin"`, `data-base="/kabar/"`,
		`<noscript>`, `href="/kabar/archive/"`, `src="/kabar/js/search.js"`, `<option value="ekonomi">Ekonomi</option>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the search page lacks %s", want)
		}
	}
	for _, name := range []string{"index.html", "archive/index.html", "2025/04/28/index.html"} {
		if !strings.Contains(tree[name], `<a href="/kabar/search/">Cari</a>`) {
			t.Errorf("%s has no link to the search page in its header", name)
		}
	}
	if _, ok := tree[search.ManifestName]; !ok {
		t.Errorf("no %s in the output", search.ManifestName)
	}
	if strings.Contains(tree["sitemap.xml"], "/search/") {
		t.Error("the sitemap lists the search page")
	}

	cfg, err := os.ReadFile(filepath.Join(dir, "site.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "site.yaml"), append(cfg, "search: false\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	build(t, Options{SiteDir: dir, OutDir: out})
	tree = readTree(t, out)
	for name := range tree {
		if strings.HasPrefix(name, "search/") {
			t.Errorf("search: false, yet the build wrote %s", name)
		}
	}
	if strings.Contains(tree["index.html"], "/search/") {
		t.Error("search: false, yet the header links to the search page")
	}
}
