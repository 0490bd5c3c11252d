package pipeline

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/kabar-news/kabar/generator/internal/testsite"
)

// Page weights of the built-in theme as GitHub Pages sends them: each
// page's HTML and everything it loads before a reader does anything
// (stylesheet, scripts), gzipped, images left out. The budget holds on a
// digest of 10,000 articles; a heavier theme fails here.
var weightBudget = map[string]int{
	"front page":  40_000,
	"article":     25_000,
	"search page": 30_000,
}

// pageWeight is the gzipped size of the page at rel in the output out and
// of the stylesheets and scripts it loads, with what it found wrong: more
// than one stylesheet, a script that blocks rendering.
func pageWeight(out, rel string) (int, []string, error) {
	doc, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(rel)))
	if err != nil {
		return 0, nil, err
	}
	total := gzipSize(doc)
	var problems, loads []string
	sheets := 0
	z := html.NewTokenizer(bytes.NewReader(doc))
	for tt := z.Next(); tt != html.ErrorToken; tt = z.Next() {
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		tok := z.Token()
		attrs := map[string]string{}
		for _, a := range tok.Attr {
			attrs[a.Key] = a.Val
		}
		switch {
		case tok.Data == "link" && attrs["rel"] == "stylesheet":
			sheets++
			loads = append(loads, attrs["href"])
		case tok.Data == "script" && attrs["type"] == "application/ld+json":
		case tok.Data == "script":
			_, deferred := attrs["defer"]
			_, async := attrs["async"]
			if attrs["src"] == "" || !(deferred || async || attrs["type"] == "module") {
				problems = append(problems, fmt.Sprintf("a script that blocks rendering: %v", tok))
			}
			loads = append(loads, attrs["src"])
		}
	}
	if sheets != 1 {
		problems = append(problems, fmt.Sprintf("%d stylesheets, want one", sheets))
	}
	for _, href := range loads {
		p, ok := sitePath(out, href)
		if !ok {
			problems = append(problems, "loads "+href+", which is not in the output")
			continue
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return 0, nil, err
		}
		total += gzipSize(data)
	}
	return total, problems, nil
}

// sitePath finds the file of an address under the site's base path (the
// first folder of the path when the site is served under one).
func sitePath(out, href string) (string, bool) {
	p := path.Clean("/" + strings.TrimPrefix(strings.TrimPrefix(href, "https://"), "http://"))
	for {
		f := filepath.Join(out, filepath.FromSlash(p))
		if st, err := os.Stat(f); err == nil && !st.IsDir() {
			return f, true
		}
		_, rest, ok := strings.Cut(strings.TrimPrefix(p, "/"), "/")
		if !ok {
			return "", false
		}
		p = "/" + rest
	}
}

func gzipSize(data []byte) int {
	var b bytes.Buffer
	w, _ := gzip.NewWriterLevel(&b, gzip.DefaultCompression)
	w.Write(data)
	w.Close()
	return b.Len()
}

// TestPageWeight builds a digest of 2,000 generated articles and holds
// the front page, an article and the search page to the budget. With
// WEIGHT_OUT=DIR it weighs an output built elsewhere instead (such as the
// 10,000-article benchmark site) and logs the figures:
//
//	WEIGHT_OUT=/tmp/public go test -run TestPageWeight -v ./generator/pipeline/
func TestPageWeight(t *testing.T) {
	out := os.Getenv("WEIGHT_OUT")
	if out == "" {
		dir := t.TempDir()
		list, err := testsite.Write(dir, 2000, 19)
		if err != nil {
			t.Fatal(err)
		}
		out = filepath.Join(t.TempDir(), "public")
		build(t, Options{SiteDir: dir, OutDir: out, Now: list[len(list)-1].Date})
	}
	article := leadArticle(t, out)
	for _, c := range []struct{ name, rel string }{
		{"front page", "index.html"},
		{"article", article},
		{"search page", "search/index.html"},
	} {
		n, problems, err := pageWeight(out, c.rel)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range problems {
			t.Errorf("%s (%s): %s", c.name, c.rel, p)
		}
		t.Logf("%s (%s): %.1f kB gzipped with its stylesheet and scripts", c.name, c.rel, float64(n)/1000)
		if n > weightBudget[c.name] {
			t.Errorf("%s (%s) weighs %d bytes gzipped, over its budget of %d", c.name, c.rel, n, weightBudget[c.name])
		}
	}
}

// leadArticle is the page of the front page's lead story.
func leadArticle(t *testing.T, out string) string {
	t.Helper()
	home, err := os.ReadFile(filepath.Join(out, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(home), `class=lead-title`)
	if !ok {
		_, rest, ok = strings.Cut(string(home), `class="lead-title"`)
	}
	_, rest, _ = strings.Cut(rest, "href=")
	href := strings.Trim(strings.Fields(strings.SplitN(rest, ">", 2)[0])[0], `"`)
	p, ok := sitePath(out, strings.TrimSuffix(href, "/")+"/index.html")
	if !ok {
		t.Fatalf("the lead story's page %s is not in %s", href, out)
	}
	rel, _ := filepath.Rel(out, p)
	return filepath.ToSlash(rel)
}
