package schema_test

import (
	"cmp"
	"context"
	"encoding/json"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"golang.org/x/net/html"

	"github.com/kabar-news/kabar/generator/config"
	"github.com/kabar-news/kabar/generator/content"
	"github.com/kabar-news/kabar/generator/internal/browser"
	"github.com/kabar-news/kabar/generator/markdown"
	"github.com/kabar-news/kabar/generator/pipeline"
	"github.com/kabar-news/kabar/generator/schema"
	"github.com/kabar-news/kabar/generator/site"
)

// sample reads the sample site's config and articles from the repository.
func sample(t *testing.T) (string, *site.Site) {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(os.DirFS(root))
	if err != nil {
		t.Fatal(err)
	}
	opt := content.Options{Location: cfg.Location, Markdown: markdown.New(cfg.UnsafeHTML)}
	var list []*content.Article
	err = filepath.WalkDir(filepath.Join(root, "content"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".md") || strings.HasPrefix(d.Name(), "_") {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(filepath.Join(root, "content"), p)
		a, err := content.Parse(filepath.ToSlash(rel), p, data, opt)
		if err != nil {
			return err
		}
		list = append(list, a)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	s, err := site.New(cfg, "", list)
	if err != nil {
		t.Fatal(err)
	}
	return root, s
}

// metas returns the contents of a page's <meta property> elements.
func metas(t *testing.T, page []byte) map[string][]string {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(string(page)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "meta" {
			var prop, content string
			for _, a := range n.Attr {
				switch a.Key {
				case "property":
					prop = a.Val
				case "content":
					content = a.Val
				}
			}
			if prop != "" {
				out[prop] = append(out[prop], content)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out
}

// jsonLD returns the text of every JSON-LD script of a page.
func jsonLD(t *testing.T, page []byte) []string {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(string(page)))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "script" {
			for _, a := range n.Attr {
				if a.Key == "type" && a.Val == "application/ld+json" && n.FirstChild != nil {
					out = append(out, n.FirstChild.Data)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out
}

// TestSampleArticles builds the sample digest and checks the NewsArticle
// of every article page, field by field, against the article's front
// matter.
func TestSampleArticles(t *testing.T) {
	root, s := sample(t)
	cfg := s.Config
	out := filepath.Join(t.TempDir(), "public")
	if _, err := pipeline.Build(pipeline.Options{SiteDir: root, OutDir: out}); err != nil {
		t.Fatal(err)
	}
	rfc := func(tm time.Time) string { return tm.In(cfg.Location).Format(time.RFC3339) }
	corrected := 0
	for _, a := range s.Articles {
		page, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(a.Path), "index.html"))
		if err != nil {
			t.Fatal(err)
		}
		scripts := jsonLD(t, page)
		if len(scripts) != 1 {
			t.Errorf("%s: %d JSON-LD scripts, want one", a.File, len(scripts))
			continue
		}
		var got map[string]any
		if err := json.Unmarshal([]byte(scripts[0]), &got); err != nil {
			t.Errorf("%s: the JSON-LD is not JSON: %v", a.File, err)
			continue
		}
		url := cfg.AbsURL(a.Path)
		var authors []any
		for _, name := range a.Authors {
			authors = append(authors, map[string]any{"@type": "Person", "name": name})
		}
		want := map[string]any{
			"@context":         "https://schema.org",
			"@type":            "NewsArticle",
			"headline":         a.Title,
			"description":      a.Summary,
			"url":              url,
			"mainEntityOfPage": map[string]any{"@type": "WebPage", "@id": url},
			"datePublished":    rfc(a.Date),
			"dateModified":     rfc(a.Modified()),
			"author":           authors,
			"publisher":        map[string]any{"@type": "Organization", "name": "Kabar Harian", "url": "https://example.github.io/kabar/"},
			"inLanguage":       cmp.Or(a.Lang, "id"),
			"articleSection":   a.Section,
		}
		var tags []any
		for _, tag := range a.Tags {
			tags = append(tags, tag)
		}
		if tags != nil {
			want["keywords"] = tags
		}
		if a.SourceURL != "" {
			want["isBasedOn"] = a.SourceURL
		}
		if a.Image != "" { // the sample's lead images are its bundles' files, 1,600 px wide: three copies
			var urls []any
			stem, ext, _ := strings.Cut(a.Image, ".")
			for _, w := range []string{"1200", "800", "480"} {
				urls = append(urls, "https://example.github.io/kabar"+a.Path+stem+"-"+w+"w."+ext)
			}
			want["image"] = urls
		}
		for k, v := range want {
			if !reflect.DeepEqual(got[k], v) {
				t.Errorf("%s: %s = %#v, want %#v", a.File, k, got[k], v)
			}
		}
		for k := range got {
			if _, ok := want[k]; !ok {
				t.Errorf("%s: an unexpected field %s = %v", a.File, k, got[k])
			}
		}
		if len(a.Corrections) > 0 {
			corrected++
			last := a.Corrections[len(a.Corrections)-1].Date
			if got["dateModified"] != rfc(last) {
				t.Errorf("%s: dateModified %v, want the last correction's %s", a.File, got["dateModified"], rfc(last))
			}
			if !strings.Contains(string(page), `<aside class=correction`) && !strings.Contains(string(page), `<aside class="correction"`) {
				t.Errorf("%s: the page has no correction notice", a.File)
			}
		}
		meta := metas(t, page)
		wantMeta := map[string][]string{"og:type": {"article"}, "article:section": {a.Section}, "article:tag": a.Tags,
			"article:published_time": {rfc(a.Date)}, "article:modified_time": {rfc(a.Modified())}}
		for k, v := range wantMeta {
			if !reflect.DeepEqual(meta[k], v) {
				t.Errorf("%s: <meta property=%s> %q, want %q", a.File, k, meta[k], v)
			}
		}
	}
	if corrected == 0 {
		t.Error("no sample article has a correction")
	}

	// The front page is the WebSite; a section page the trail to it.
	var home map[string]any
	page, _ := os.ReadFile(filepath.Join(out, "index.html"))
	if s := jsonLD(t, page); len(s) != 1 || json.Unmarshal([]byte(s[0]), &home) != nil || home["@type"] != "WebSite" || home["url"] != cfg.BaseURL || home["name"] != cfg.Title {
		t.Errorf("front page JSON-LD: %v", home)
	}
	// The sample has its search page, so search engines are told of it.
	wantAction := map[string]any{"@type": "SearchAction", "query-input": "required name=search_term_string",
		"target": map[string]any{"@type": "EntryPoint", "urlTemplate": cfg.BaseURL + "search/?q={search_term_string}"}}
	if !cfg.Search || !reflect.DeepEqual(home["potentialAction"], wantAction) {
		t.Errorf("front page SearchAction %v, want %v", home["potentialAction"], wantAction)
	}
	sec := s.Sections[0]
	page, _ = os.ReadFile(filepath.Join(out, "sections", sec.Slug, "index.html"))
	var trail schema.BreadcrumbList
	if s := jsonLD(t, page); len(s) != 1 || json.Unmarshal([]byte(s[0]), &trail) != nil {
		t.Fatalf("section page JSON-LD: %q", s)
	}
	want := []schema.ListItem{
		{Type: "ListItem", Position: 1, Name: "Beranda", Item: cfg.BaseURL},
		{Type: "ListItem", Position: 2, Name: "Rubrik", Item: cfg.AbsURL("/sections/")},
		{Type: "ListItem", Position: 3, Name: sec.Name},
	}
	if trail.Type != "BreadcrumbList" || !reflect.DeepEqual(trail.Items, want) {
		t.Errorf("section trail %+v, want %+v", trail, want)
	}
}

// TestEveryListPageHasATrail: each list page's BreadcrumbList links only
// to pages that were built.
func TestEveryListPageHasATrail(t *testing.T) {
	root, s := sample(t)
	out := filepath.Join(t.TempDir(), "public")
	if _, err := pipeline.Build(pipeline.Options{SiteDir: root, OutDir: out}); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, p := range s.Pages() {
		if p.Kind == "article" || p.Kind == "404" || p.Kind == "search" || p.Kind == "home" && p.Pager.Number == 0 {
			continue
		}
		page, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(p.File())))
		if err != nil {
			t.Fatal(err)
		}
		var trail schema.BreadcrumbList
		if s := jsonLD(t, page); len(s) != 1 || json.Unmarshal([]byte(s[0]), &trail) != nil || trail.Type != "BreadcrumbList" || len(trail.Items) < 2 {
			t.Errorf("%s: JSON-LD %q", p.Path, s)
			continue
		}
		for i, it := range trail.Items {
			last := i == len(trail.Items)-1
			if it.Position != i+1 || it.Name == "" || last != (it.Item == "") {
				t.Errorf("%s: item %d %+v", p.Path, i, it)
			}
			if rest, ok := strings.CutPrefix(it.Item, s.Config.BaseURL); it.Item != "" {
				if _, err := os.Stat(filepath.Join(out, filepath.FromSlash(rest), "index.html")); !ok || err != nil {
					t.Errorf("%s: the trail links to %s, which was not built", p.Path, it.Item)
				}
			}
		}
		n++
	}
	if n < 20 {
		t.Errorf("only %d list pages checked", n)
	}
}

// hostileTitle would run a script if it ended the JSON-LD's element.
const hostileTitle = `</script><script>window.pwned = 1</script><!-- "kutip" & \u2028`

// TestHostileTitleStaysInert builds a site whose article title tries to
// close the script element, and loads its page in headless Chromium: no
// script runs, the page holds the one data block, and the browser reads
// the title back from it unchanged.
func TestHostileTitleStaysInert(t *testing.T) {
	dir := t.TempDir()
	write := func(rel, data string) {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	title := hostileTitle + "\u2028akhir"
	write("site.yaml", "title: \"Kabar </script>\"\nlogo: /img/logo.png\n")
	write("content/a.md", "---\ntitle: "+mustJSON(t, title)+"\ndate: 2025-04-28T10:00:00+07:00\nsection: \"</script><script>window.pwned=2</script>\"\ntags: [\"</SCRIPT >\"]\nauthor: \"<!--<script>\"\n---\nIsi.\n")
	out := filepath.Join(dir, "public")
	if _, err := pipeline.Build(pipeline.Options{SiteDir: dir, OutDir: out}); err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(filepath.Join(out, "2025", "04", "28", "a", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	scripts := jsonLD(t, page)
	var got schema.NewsArticle
	if len(scripts) != 1 || json.Unmarshal([]byte(scripts[0]), &got) != nil {
		t.Fatalf("JSON-LD %q", scripts)
	}
	if got.Headline != title || got.Publisher.Logo == nil || got.Publisher.Logo.URL != "http://localhost/img/logo.png" {
		t.Errorf("headline %q, logo %+v", got.Headline, got.Publisher.Logo)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.FileServer(http.Dir(out))}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })

	ctx := newBrowser(t)
	if err := chromedp.Do(ctx, chromedp.Navigate("http://"+ln.Addr().String()+"/2025/04/28/a/")); err != nil {
		t.Fatal(err)
	}
	pwned, err := chromedp.Run(ctx, chromedp.Evaluate[int](`window.pwned || 0`))
	if err != nil {
		t.Fatal(err)
	}
	count, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("script").length`))
	if err != nil {
		t.Fatal(err)
	}
	headline, err := chromedp.Run(ctx, chromedp.Evaluate[string](`JSON.parse(document.querySelector('script[type="application/ld+json"]').textContent).headline`))
	if err != nil {
		t.Fatal(err)
	}
	if pwned != 0 || count != 1 || headline != title {
		t.Errorf("in Chromium: pwned %d, %d scripts, headline %q; want 0, 1, %q", pwned, count, headline, title)
	}
}

func mustJSON(t *testing.T, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// newBrowser starts headless Chromium, found as every browser test finds
// it, with a minute for the test's work.
func newBrowser(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(browser.New(t), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}
