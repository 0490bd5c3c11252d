package pipeline

import (
	"bytes"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// served is a built site as a static host such as GitHub Pages serves it:
// the output folder dir at the base URL, "x/" answered by x/index.html and
// any missing path by 404.html.
type served struct {
	dir  string
	base *url.URL // always ends in "/"
}

func newServed(t *testing.T, dir, baseURL string) served {
	t.Helper()
	u, err := url.Parse(baseURL)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	return served{dir: dir, base: u}
}

// urlOf is the URL a file of the output (slash-separated) is served at.
func (s served) urlOf(file string) *url.URL {
	p := strings.TrimSuffix(file, "index.html")
	return s.base.ResolveReference(&url.URL{Path: p})
}

// fileOf is the output file that answers u, or an explanation of why none
// does. u must be on the site's host.
func (s served) fileOf(u *url.URL) (string, error) {
	if !strings.HasPrefix(u.Path, s.base.Path) {
		return "", fmt.Errorf("points outside the base path %s", s.base.Path)
	}
	rel := strings.TrimPrefix(u.Path, s.base.Path)
	if rel == "" || strings.HasSuffix(rel, "/") {
		rel += "index.html"
	}
	info, err := os.Stat(filepath.Join(s.dir, filepath.FromSlash(rel)))
	switch {
	case err != nil:
		return "", fmt.Errorf("no file %s in the output", rel)
	case info.IsDir():
		return "", fmt.Errorf("is a folder: link to %s/ instead", u.Path)
	}
	return rel, nil
}

// internal reports whether u is on the site's own host. Links to the same
// host over another scheme count as internal, so that they are checked.
func (s served) internal(u *url.URL) bool {
	return u.Host == s.base.Host && (u.Scheme == "http" || u.Scheme == "https")
}

// linkReport is what checkLinks found.
type linkReport struct {
	problems []string        // "page: attr=value: what is wrong"
	checked  int             // internal links checked
	linked   map[string]bool // output files some page links to
	pages    []string        // HTML files read
}

// urlAttrs are the attributes that hold a URL, per element.
var urlAttrs = map[string][]string{
	"a": {"href"}, "link": {"href"}, "area": {"href"}, "base": {"href"},
	"img": {"src", "srcset"}, "source": {"src", "srcset"}, "script": {"src"},
	"iframe": {"src"}, "video": {"src", "poster"}, "audio": {"src"},
	"track": {"src"}, "embed": {"src"}, "form": {"action"}, "object": {"data"},
}

// metaURLs are the <meta> properties whose content is a URL of the site.
var metaURLs = map[string]bool{"og:url": true, "og:image": true, "twitter:image": true}

// checkLinks reads every HTML page of the site and checks that each link
// and asset on the site's host resolves to an output file, and that each
// #fragment names an id on its target page. 404.html is checked twice:
// where it lies, and as the answer to a missing URL three folders deep,
// since a host serves it at any depth.
func checkLinks(t *testing.T, s served) linkReport {
	t.Helper()
	rep := linkReport{linked: map[string]bool{}}
	ids := map[string]map[string]bool{}
	docs := map[string]*html.Node{}
	err := filepath.WalkDir(s.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		rel, _ := filepath.Rel(s.dir, p)
		rel = filepath.ToSlash(rel)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		doc, err := html.Parse(bytes.NewReader(data))
		if err != nil {
			return fmt.Errorf("%s: %w", rel, err)
		}
		docs[rel] = doc
		ids[rel] = map[string]bool{}
		walk(doc, func(n *html.Node) {
			if id := attr(n, "id"); id != "" {
				ids[rel][id] = true
			}
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for rel := range docs {
		rep.pages = append(rep.pages, rel)
	}
	sort.Strings(rep.pages)

	// check checks one URL found on page, which is served at the URL at.
	check := func(page, label string, at *url.URL, where, raw string) {
		if raw == "" || strings.HasPrefix(raw, "mailto:") || strings.HasPrefix(raw, "tel:") || strings.HasPrefix(raw, "data:") {
			return
		}
		ref, err := url.Parse(strings.TrimSpace(raw))
		if err != nil {
			rep.problems = append(rep.problems, fmt.Sprintf("%s: %s=%q: not a URL: %v", label, where, raw, err))
			return
		}
		u := at.ResolveReference(ref)
		if !s.internal(u) {
			return
		}
		rep.checked++
		file := page // a link to the page's own URL, such as "#main"
		if u.Path != at.Path {
			if file, err = s.fileOf(u); err != nil {
				rep.problems = append(rep.problems, fmt.Sprintf("%s: %s=%q: %v", label, where, raw, err))
				return
			}
			rep.linked[file] = true
		}
		if u.Fragment != "" && strings.HasSuffix(file, ".html") && !ids[file][u.Fragment] {
			rep.problems = append(rep.problems, fmt.Sprintf("%s: %s=%q: %s has no id %q", label, where, raw, file, u.Fragment))
		}
	}
	for _, page := range rep.pages {
		ats := map[string]*url.URL{page: s.urlOf(page)}
		if page == "404.html" {
			deep := "404.html from " + s.base.Path + "a/b/c/missing/"
			ats[deep] = s.base.ResolveReference(&url.URL{Path: "a/b/c/missing/"})
		}
		for label, at := range ats {
			walk(docs[page], func(n *html.Node) {
				if n.Type != html.ElementNode {
					return
				}
				if n.Data == "meta" && metaURLs[attr(n, "property")] {
					check(page, label, at, "meta "+attr(n, "property"), attr(n, "content"))
				}
				for _, name := range urlAttrs[n.Data] {
					v := attr(n, name)
					if name == "srcset" {
						for _, cand := range strings.Split(v, ",") {
							if f := strings.Fields(cand); len(f) > 0 {
								check(page, label, at, n.Data+" srcset", f[0])
							}
						}
						continue
					}
					check(page, label, at, n.Data+" "+name, v)
				}
			})
		}
	}
	sort.Strings(rep.problems)
	return rep
}

func walk(n *html.Node, fn func(*html.Node)) {
	fn(n)
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, fn)
	}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			return a.Val
		}
	}
	return ""
}

// requireLinksResolve fails t with every broken link of the site served at
// baseURL, and checks that the check saw real work.
func requireLinksResolve(t *testing.T, dir, baseURL string) linkReport {
	t.Helper()
	rep := checkLinks(t, newServed(t, dir, baseURL))
	for _, p := range rep.problems {
		t.Error(p)
	}
	if len(rep.pages) == 0 || rep.checked < len(rep.pages) {
		t.Fatalf("checked %d internal links on %d pages: the link check saw nothing", rep.checked, len(rep.pages))
	}
	return rep
}

// TestLinkCheckerCatchesBrokenLinks makes sure the checker the site tests
// rely on does fail: a link to the domain root under a sub-path, a missing
// page, a missing fragment, a folder without its slash and a relative link
// on the 404 page, which breaks when that page is served deeper down.
func TestLinkCheckerCatchesBrokenLinks(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("index.html", `<!DOCTYPE html><title>x</title>
<link rel="stylesheet" href="/css/style.css">
<a href="/repo/a/">ok</a>
<a href="a/#top">ok, relative</a>
<a href="https://user.github.io/repo/a/">ok, absolute</a>
<a href="https://elsewhere.example/">external</a>
<a href="/repo/missing/">missing</a>
<a href="/repo/a/#nowhere">missing fragment</a>
<a href="/repo/a">folder without slash</a>
<img src="http://user.github.io/img.png" alt="">`)
	write("css/style.css", "body{}")
	write("a/index.html", `<!DOCTYPE html><title>a</title><h1 id="top">a</h1><a href="../">up</a>`)
	write("404.html", `<!DOCTYPE html><title>404</title><a href="a/">relative</a><a href="/repo/">home</a>`)

	rep := checkLinks(t, newServed(t, dir, "https://user.github.io/repo"))
	want := []string{
		`404.html from /repo/a/b/c/missing/: a href="a/": no file a/b/c/missing/a/index.html in the output`,
		`index.html: a href="/repo/a": is a folder: link to /repo/a/ instead`,
		`index.html: a href="/repo/a/#nowhere": a/index.html has no id "nowhere"`,
		`index.html: a href="/repo/missing/": no file missing/index.html in the output`,
		`index.html: img src="http://user.github.io/img.png": points outside the base path /repo/`,
		`index.html: link href="/css/style.css": points outside the base path /repo/`,
	}
	if strings.Join(rep.problems, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(rep.problems, "\n"), strings.Join(want, "\n"))
	}
	// The same site served from the domain root has only the real misses.
	rep = checkLinks(t, newServed(t, dir, "https://user.github.io/"))
	for _, p := range rep.problems {
		if strings.Contains(p, "outside the base path") {
			t.Errorf("served from /, no link is outside the base path: %s", p)
		}
	}
	if !rep.linked[path.Join("css", "style.css")] {
		t.Errorf("served from /, /css/style.css should resolve; linked: %v", rep.linked)
	}
}
