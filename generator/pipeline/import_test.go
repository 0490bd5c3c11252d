package pipeline

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kabar-news/kabar/generator/config"
	"github.com/kabar-news/kabar/generator/importer"
)

// TestImportedArticlesBuild imports the import's test feeds, served over
// HTTP, into the sample site, builds it with the drafts, and holds the
// result to the checks the sample passes: every link resolves, and no
// script, handler or javascript: address from a feed reaches a page.
func TestImportedArticlesBuild(t *testing.T) {
	site := copySite(t)
	srv := httptest.NewServer(http.FileServer(http.Dir(filepath.Join("..", "importer", "testdata"))))
	defer srv.Close()
	now := time.Date(2025, 4, 29, 3, 0, 0, 0, time.UTC)
	var feeds []config.Feed
	for _, f := range []string{"cp1252.xml", "atom.xml", "feed.json", "scripts.xml"} {
		feeds = append(feeds, config.Feed{URL: srv.URL + "/" + f, Section: "Impor"})
	}
	results, err := importer.Run(context.Background(), importer.Options{SiteDir: site, Feeds: feeds, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	var imported []string
	for _, r := range results {
		if r.Err != nil || len(r.Skipped) > 0 {
			t.Fatalf("%s: %v, skipped %q", r.Feed, r.Err, r.Skipped)
		}
		imported = append(imported, r.New...)
	}
	if len(imported) != 5 {
		t.Fatalf("imported %q, want 5 articles", imported)
	}

	out := filepath.Join(t.TempDir(), "public")
	without := build(t, Options{SiteDir: site, OutDir: out, Now: now})
	res := build(t, Options{SiteDir: site, OutDir: out, Now: now, Drafts: true})
	if res.Articles != without.Articles+len(imported) || len(res.Warnings) > 0 {
		t.Fatalf("%d articles with drafts, %d without, warnings %q", res.Articles, without.Articles, res.Warnings)
	}
	s := testModel(t, Options{SiteDir: site, Now: now, Drafts: true})
	pages := 0
	for _, a := range s.Articles {
		if a.Section != "Impor" {
			continue
		}
		pages++
		page, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(strings.TrimPrefix(a.Path, "/")), "index.html"))
		if err != nil {
			t.Fatalf("%s: %v", a.File, err)
		}
		if !strings.Contains(string(page), "<h1") || !strings.Contains(string(page), a.Source) {
			t.Errorf("%s: the page lacks its title or source", a.Path)
		}
	}
	if pages != len(imported) {
		t.Errorf("%d imported article pages, want %d", pages, len(imported))
	}
	requireLinksResolve(t, out, s.Config.BaseURL)
	for name, page := range readTree(t, out) {
		low := strings.ToLower(page)
		for _, bad := range []string{"alert(", "javascript:", "onclick=", "onerror=", "onmouseover=", "track.example"} {
			if strings.Contains(low, bad) {
				t.Errorf("%s holds %q", name, bad)
			}
		}
	}
}
