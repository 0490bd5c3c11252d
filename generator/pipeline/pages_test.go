package pipeline

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// The base URLs a GitHub Pages site is served from: a project site under
// a sub-path, a user site, and a custom domain.
var pagesBases = []string{
	"https://user.github.io/repo/",
	"https://user.github.io/",
	"https://news.example.id/",
}

// TestServedFromBaseURL builds the sample for each kind of Pages site and
// checks the site as served from there: every link and asset, pagination,
// 404.html from any depth, canonical URLs, feeds, sitemap and robots.txt.
func TestServedFromBaseURL(t *testing.T) {
	root := repoRoot(t)
	for _, base := range pagesBases {
		t.Run(base, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "public")
			build(t, Options{SiteDir: root, OutDir: out, BaseURL: base})
			s := testModel(t, Options{SiteDir: root, BaseURL: base})
			srv := newServed(t, out, base)
			rep := requireLinksResolve(t, out, base)
			for _, page := range rep.pages {
				if page != "404.html" && !rep.linked[page] {
					t.Errorf("no page links to %s", page)
				}
			}
			if !rep.linked["page/1/index.html"] {
				t.Error("the front page does not link to the page behind it")
			}
			tree := readTree(t, out)
			checkFeeds(t, tree, base, s.Articles)
			checkCanonical(t, srv, tree)
			check404(t, srv, tree["404.html"])

			// The sitemap's URLs are pages of this site.
			for _, loc := range regexp.MustCompile(`<loc>([^<]+)</loc>`).FindAllStringSubmatch(tree["sitemap.xml"]+tree["sitemap-1.xml"], -1) {
				u, err := srv.base.Parse(loc[1])
				if err != nil || !srv.internal(u) {
					t.Errorf("sitemap: %s is not on %s", loc[1], base)
					continue
				}
				if _, err := srv.fileOf(u); err != nil {
					t.Errorf("sitemap: %s: %v", loc[1], err)
				}
			}
			if _, ok := tree[".nojekyll"]; !ok {
				t.Error(".nojekyll is missing: a branch deploy would run Jekyll, which drops files starting with _")
			}
			if _, ok := tree["CNAME"]; ok {
				t.Error("CNAME written though the config names no domain")
			}
		})
	}
}

// checkCanonical checks that every page but 404.html names its own URL as
// canonical: the one it is served at.
func checkCanonical(t *testing.T, srv served, tree map[string]string) {
	t.Helper()
	for name, data := range tree {
		if !strings.HasSuffix(name, ".html") || name == "404.html" {
			continue
		}
		doc, err := html.Parse(strings.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		var canonical []string
		walk(doc, func(n *html.Node) {
			if n.Data == "link" && attr(n, "rel") == "canonical" {
				canonical = append(canonical, attr(n, "href"))
			}
		})
		if want := srv.urlOf(name).String(); len(canonical) != 1 || canonical[0] != want {
			t.Errorf("%s: canonical %v, want %s", name, canonical, want)
		}
	}
}

// check404 checks that 404.html links with paths absolute under the base
// path, so that its links and style work at whatever depth it is served.
func check404(t *testing.T, srv served, page string) {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	walk(doc, func(node *html.Node) {
		for _, key := range []string{"href", "src"} {
			v := attr(node, key)
			if v == "" || strings.HasPrefix(v, "#") || strings.Contains(v, "://") {
				continue
			}
			n++
			if !strings.HasPrefix(v, srv.base.Path) {
				t.Errorf("404.html: %s=%q is not absolute under %s", key, v, srv.base.Path)
			}
		}
	})
	if n < 3 {
		t.Errorf("404.html has only %d internal links", n)
	}
	if !strings.Contains(page, `href="`+srv.base.Path+`css/style.css"`) {
		t.Errorf("404.html does not load %scss/style.css", srv.base.Path)
	}
}

// TestBaseURLTrailingSlash: with or without the trailing slash, from the
// flag or the config, a base URL gives the same site.
func TestBaseURLTrailingSlash(t *testing.T) {
	siteDir := copySite(t)
	var first map[string]string
	for i, v := range []struct{ config, flag string }{
		{"", "https://user.github.io/repo/"},
		{"", "https://user.github.io/repo"},
		{"https://user.github.io/repo", ""},
		{"https://user.github.io/repo/", ""},
		{"https://elsewhere.example/", "https://user.github.io/repo"},
	} {
		setConfig(t, siteDir, "base_url", v.config)
		out := filepath.Join(t.TempDir(), "public")
		build(t, Options{SiteDir: siteDir, OutDir: out, BaseURL: v.flag})
		tree := readTree(t, out)
		if i == 0 {
			first = tree
			if !strings.Contains(tree["index.html"], `href="/repo/css/style.css"`) {
				t.Fatalf("the site is not under /repo/")
			}
			continue
		}
		sameTree(t, "config "+v.config+", flag "+v.flag, tree, first)
	}
}

// setConfig sets (or, with "", removes) one top-level field of site.yaml.
func setConfig(t *testing.T, siteDir, key, value string) {
	t.Helper()
	p := filepath.Join(siteDir, "site.yaml")
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, l := range strings.Split(string(data), "\n") {
		if !strings.HasPrefix(l, key+":") {
			lines = append(lines, l)
		}
	}
	if value != "" {
		lines = append(lines, key+": "+value)
	}
	if err := os.WriteFile(p, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestCustomDomain: domain: in the config writes CNAME, and with no base
// URL set the site is served from that domain's root.
func TestCustomDomain(t *testing.T) {
	siteDir := copySite(t)
	setConfig(t, siteDir, "base_url", "")
	setConfig(t, siteDir, "domain", "news.example.id")
	out := filepath.Join(t.TempDir(), "public")
	build(t, Options{SiteDir: siteDir, OutDir: out})
	tree := readTree(t, out)
	if got := tree["CNAME"]; got != "news.example.id\n" {
		t.Errorf("CNAME = %q, want the domain and a newline", got)
	}
	requireLinksResolve(t, out, "https://news.example.id/")
	if !strings.Contains(tree["robots.txt"], "Sitemap: https://news.example.id/sitemap.xml") {
		t.Errorf("robots.txt: %q", tree["robots.txt"])
	}
}

// TestDocsFolder is the branch setup ("Deploy from a branch", /docs):
// build --out docs from the site root writes the site into docs/, with
// .nojekyll and, when the config names a domain, CNAME; it rebuilds in
// place and leaves the sources alone.
func TestDocsFolder(t *testing.T) {
	siteDir := copySite(t)
	setConfig(t, siteDir, "domain", "news.example.id")
	sources := readTree(t, siteDir)
	t.Chdir(siteDir)
	for range 2 {
		res := build(t, Options{SiteDir: ".", OutDir: "docs"})
		if want, _ := filepath.EvalSymlinks(filepath.Join(siteDir, "docs")); mustEval(t, res.OutDir) != want {
			t.Errorf("built into %s, want %s", res.OutDir, want)
		}
	}
	docs := readTree(t, filepath.Join(siteDir, "docs"))
	for _, name := range []string{"index.html", ".nojekyll", "404.html", "2025/04/28/korea-utara-akui-kirim-pasukan-ke-rusia/index.html"} {
		if _, ok := docs[name]; !ok {
			t.Errorf("docs/%s is missing", name)
		}
	}
	if docs["CNAME"] != "news.example.id\n" {
		t.Errorf("docs/CNAME = %q", docs["CNAME"])
	}
	requireLinksResolve(t, filepath.Join(siteDir, "docs"), "https://example.github.io/kabar/")
	all := readTree(t, siteDir)
	for name, data := range sources {
		if all[name] != data {
			t.Errorf("the build changed %s", name)
		}
	}
	for name := range all {
		if _, ok := sources[name]; !ok && !strings.HasPrefix(name, "docs/") {
			t.Errorf("the build wrote %s outside docs/", name)
		}
	}
}

func mustEval(t *testing.T, p string) string {
	t.Helper()
	r, err := filepath.EvalSymlinks(p)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestNoRootLinksUnderSubPath scans the raw bytes of every page of a
// sub-path build for URLs that start at the domain root without the base
// path: a second, cruder net under the link check, catching them in any
// attribute, inline style or script.
func TestNoRootLinksUnderSubPath(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	build(t, Options{SiteDir: repoRoot(t), OutDir: out, BaseURL: "https://user.github.io/repo/"})
	rootURL := regexp.MustCompile(`(?:href|src|content|action|url\()=?["']?(/[^"'\s)>]*)`)
	for name, data := range readTree(t, out) {
		if !strings.HasSuffix(name, ".html") && !strings.HasSuffix(name, ".css") {
			continue
		}
		for _, m := range rootURL.FindAllStringSubmatch(data, -1) {
			if !strings.HasPrefix(m[1], "/repo/") && !strings.HasPrefix(m[1], "//") {
				t.Errorf("%s: %s points at the domain root", name, m[0])
			}
		}
		if strings.Contains(data, "https://user.github.io/2") {
			t.Errorf("%s: an absolute URL misses /repo/", name)
		}
	}
}

// TestLinkCheckCatchesThemeMistakes plants the two classic sub-path
// mistakes in a copy of the theme, a stylesheet linked from the domain
// root and a relative link on the 404 page, and checks that the link check
// of a real build reports both.
func TestLinkCheckCatchesThemeMistakes(t *testing.T) {
	siteDir := copySite(t)
	replaceIn(t, filepath.Join(siteDir, "templates", "base.html"), `{{relURL "/css/style.css"}}`, `/css/style.css`)
	replaceIn(t, filepath.Join(siteDir, "templates", "404.html"), `{{relURL "/archive/"}}`, `archive/`)
	out := filepath.Join(t.TempDir(), "public")
	build(t, Options{SiteDir: siteDir, OutDir: out, BaseURL: "https://user.github.io/repo/"})
	rep := checkLinks(t, newServed(t, out, "https://user.github.io/repo/"))
	report := strings.Join(rep.problems, "\n")
	for _, want := range []string{
		`index.html: link href="/css/style.css": points outside the base path /repo/`,
		`404.html from /repo/a/b/c/missing/: a href="archive/": no file a/b/c/missing/archive/index.html in the output`,
	} {
		if !strings.Contains(report, want) {
			t.Errorf("the link check missed %s; it reported:\n%s", want, report)
		}
	}
}

func replaceIn(t *testing.T, file, old, new string) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), old) {
		t.Fatalf("%s does not contain %s", file, old)
	}
	if err := os.WriteFile(file, []byte(strings.ReplaceAll(string(data), old, new)), 0o644); err != nil {
		t.Fatal(err)
	}
}
