package render

import (
	"bytes"
	"errors"
	"html/template"
	"io/fs"
	"os"
	"strings"
	"testing"
	"testing/fstest"
	_ "time/tzdata" // Asia/Jakarta without a zoneinfo database

	"github.com/kabar-news/kabar/generator/config"
	"github.com/kabar-news/kabar/generator/content"
	"github.com/kabar-news/kabar/generator/diag"
	"github.com/kabar-news/kabar/generator/markdown"
	"github.com/kabar-news/kabar/generator/site"
	"github.com/kabar-news/kabar/generator/view"
)

// theme is the repository's own templates/ folder.
var theme = os.DirFS("../../templates")

func testConfig(t *testing.T) *config.Config {
	t.Helper()
	c := config.Default()
	if err := c.SetBaseURL("https://example.github.io/kabar/"); err != nil {
		t.Fatal(err)
	}
	return c
}

// build parses Markdown files (path below content/ -> text) into a site.
func build(t *testing.T, c *config.Config, files map[string]string) *site.Site {
	t.Helper()
	opt := content.Options{Location: c.Location, Markdown: markdown.New(c.UnsafeHTML)}
	var list []*content.Article
	for file, src := range files {
		a, err := content.Parse(file, "content/"+file, []byte(src), opt)
		if err != nil {
			t.Fatal(err)
		}
		list = append(list, a)
	}
	s, err := site.New(c, "", list)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// page renders the site's page at path with tmpl.
func page(t *testing.T, tmpl *Templates, s *site.Site, path string) string {
	t.Helper()
	for _, p := range s.Pages() {
		if p.Path == path {
			b, err := renderPage(tmpl, p)
			if err != nil {
				t.Fatalf("Page(%s): %v", path, err)
			}
			return string(b)
		}
	}
	t.Fatalf("no page %s", path)
	return ""
}

func mustLoad(t *testing.T, c *config.Config, layers ...fs.FS) *Templates {
	t.Helper()
	tmpl, err := Load(c, layers...)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return tmpl
}

const rupiah = `---
title: Rupiah Ditutup Menguat
date: 2025-04-28 14:30
section: Ekonomi
source: Antara
source_url: https://www.antaranews.com/berita/1
tags: [Rupiah, Valuta Asing]
author: Redaksi Kabar
---
Nilai tukar rupiah *menguat* tipis.
`

func TestArticlePage(t *testing.T) {
	c := testConfig(t)
	s := build(t, c, map[string]string{"ekonomi/rupiah.md": rupiah})
	html := page(t, mustLoad(t, c, theme), s, "/2025/04/28/rupiah/")
	for _, want := range []string{
		`<html lang="id">`,
		`<title>Rupiah Ditutup Menguat – Kabar Harian</title>`,
		`<meta name="description" content="Nilai tukar rupiah menguat tipis.">`,
		`<link rel="canonical" href="https://example.github.io/kabar/2025/04/28/rupiah/">`,
		`<link rel="stylesheet" href="/kabar/css/style.css">`,
		`<p class="kicker"><a href="/kabar/sections/ekonomi/">Ekonomi</a></p>`,
		`<h1>Rupiah Ditutup Menguat</h1>`,
		`Oleh Redaksi Kabar · <time datetime="2025-04-28T14:30:00&#43;07:00">Senin, 28 April 2025, 14.30 WIB</time>`,
		`<p>Nilai tukar rupiah <em>menguat</em> tipis.</p>`,
		`<a href="https://www.antaranews.com/berita/1" rel="noopener">Antara</a>`,
		`<li><a href="/kabar/tags/rupiah/" rel="tag">Rupiah</a></li>`,
		`<li><a href="/kabar/tags/valuta-asing/" rel="tag">Valuta Asing</a></li>`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("article page lacks %s", want)
		}
	}
}

func TestEnglishSite(t *testing.T) {
	c := testConfig(t)
	c.Language = "en"
	s := build(t, c, map[string]string{"ekonomi/rupiah.md": rupiah})
	html := page(t, mustLoad(t, c, theme), s, "/2025/04/28/")
	for _, want := range []string{`<html lang="en">`, "Monday, 28 April 2025"} {
		if !strings.Contains(html, want) {
			t.Errorf("edition page lacks %s", want)
		}
	}
}

func TestParseErrorNamesFileAndLine(t *testing.T) {
	c := testConfig(t)
	tests := []struct {
		name  string
		files fstest.MapFS
		want  string
	}{
		{"page template", fstest.MapFS{"home.html": {Data: []byte("{{define \"main\"}}\n<p>\n{{.Title}\n{{end}}\n")}},
			`templates/home.html:3: bad character U+007D '}'`},
		{"partial", fstest.MapFS{"partials/card.html": {Data: []byte("<p>\n{{if .Title}}\n")}},
			`templates/partials/card.html:3: unexpected EOF`},
		{"base", fstest.MapFS{"base.html": {Data: []byte("<html>\n{{range}}\n</html>\n")}},
			`templates/base.html:2: missing value for range`},
		{"unknown function", fstest.MapFS{"tags.html": {Data: []byte("{{define \"main\"}}{{nosuch .}}{{end}}")}},
			`templates/tags.html:1: function "nosuch" not defined`},
		{"not UTF-8", fstest.MapFS{"list.html": {Data: []byte("{{define \"main\"}}\xff{{end}}")}},
			`templates/list.html: not valid UTF-8: save it as UTF-8`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(c, tt.files, theme)
			if err == nil || err.Error() != tt.want {
				t.Errorf("error = %v\nwant    %s", err, tt.want)
			}
		})
	}
	// Every broken file is reported, not only the first.
	_, err := Load(c, fstest.MapFS{
		"home.html": {Data: []byte("{{define \"main\"}}{{.Title}{{end}}")},
		"list.html": {Data: []byte("{{define \"main\"}}{{end}")},
	}, theme)
	if err == nil || !strings.Contains(err.Error(), "templates/home.html:1:") || !strings.Contains(err.Error(), "templates/list.html:1:") {
		t.Errorf("two broken files: error = %v", err)
	}
}

func TestExecErrorNamesFile(t *testing.T) {
	c := testConfig(t)
	s := build(t, c, map[string]string{"ekonomi/rupiah.md": rupiah})
	tmpl := mustLoad(t, c, fstest.MapFS{"article.html": {Data: []byte("{{define \"main\"}}\n{{.Article.NoSuchField}}\n{{end}}")}}, theme)
	for _, p := range s.Pages() {
		if p.Kind != "article" {
			continue
		}
		_, err := renderPage(tmpl, p)
		want := `templates/article.html:2:10: executing "main" at <.Article.NoSuchField>: can't evaluate field NoSuchField in type *view.Article (rendering /2025/04/28/rupiah/)`
		if err == nil || err.Error() != want {
			t.Errorf("error = %v\nwant    %s", err, want)
		}
		var pe *PageError
		if !errors.As(err, &pe) || pe.Path != "/2025/04/28/rupiah/" {
			t.Errorf("error %T is not a *PageError for the page", err)
		}
	}
}

// A theme written when pagers had a total says what to use instead.
func TestOldPagerTotalSaysWhatReplacedIt(t *testing.T) {
	c := testConfig(t)
	s := build(t, c, map[string]string{"ekonomi/rupiah.md": rupiah})
	tmpl := mustLoad(t, c, fstest.MapFS{"home.html": {Data: []byte("{{define \"main\"}}{{.Pager.Total}}{{end}}")}}, theme)
	for _, p := range s.Pages() {
		if p.Kind != "home" {
			continue
		}
		_, err := renderPage(tmpl, p)
		var d *diag.Diag
		if !errors.As(err, &d) || d.File != "templates/home.html" || !strings.Contains(d.Fix, "test .Next for a page behind this one") {
			t.Errorf("error = %v; want one at templates/home.html saying what replaced .Total", err)
		}
	}
}

func TestSiteTemplateOverridesBuiltIn(t *testing.T) {
	c := testConfig(t)
	s := build(t, c, map[string]string{"ekonomi/rupiah.md": rupiah})
	own := fstest.MapFS{
		"partials/footer.html": {Data: []byte(`<footer>Redaksi sendiri {{.Site.Config.Title}}</footer>`)},
		"article.html":         {Data: []byte(`{{define "main"}}<h1 class="own">{{.Article.Title}}</h1>{{end}}`)},
	}
	tmpl := mustLoad(t, c, own, theme)
	html := page(t, tmpl, s, "/2025/04/28/rupiah/")
	for _, want := range []string{`<footer>Redaksi sendiri Kabar Harian</footer>`, `<h1 class="own">Rupiah Ditutup Menguat</h1>`, `<link rel="canonical"`} {
		if !strings.Contains(html, want) {
			t.Errorf("article page lacks %s", want)
		}
	}
	if strings.Contains(html, `class="site-footer"`) || strings.Contains(html, `class="story wrap"`) {
		t.Error("the built-in footer or article template was used")
	}
	// Pages the site does not override keep the built-in templates, with the
	// site's partial.
	home := page(t, tmpl, s, "/")
	if !strings.Contains(home, `<footer>Redaksi sendiri Kabar Harian</footer>`) || !strings.Contains(home, `class="card"`) {
		t.Errorf("home page does not combine the site's footer with the built-in card:\n%s", home)
	}
}

func TestMissingTemplates(t *testing.T) {
	c := testConfig(t)
	_, err := Load(c, fstest.MapFS{"home.html": {Data: []byte("x")}})
	var d *diag.Diag
	if !errors.As(err, &d) || d.File != "templates/base.html" || d.Message != "the file is missing: every page is drawn in it" ||
		d.Fix != "restore it or remove templates/ to use the built-in theme" {
		t.Errorf("no base.html: error = %v", err)
	}
	s := build(t, c, map[string]string{"ekonomi/rupiah.md": rupiah})
	tmpl := mustLoad(t, c, fstest.MapFS{"base.html": {Data: []byte(`{{block "main" .}}{{end}}`)}})
	_, err = renderPage(tmpl, s.Pages()[0])
	if !errors.As(err, &d) || d.File != "templates/home.html" || d.Message != "the file is missing: it draws the home page /" ||
		d.Fix != "add it or remove templates/ to use the built-in theme" {
		t.Errorf("no home.html: error = %v", err)
	}
}

func TestJoinPageErrors(t *testing.T) {
	var errs []error
	for _, p := range []string{"/a/", "/b/", "/c/", "/d/", "/e/"} {
		errs = append(errs, &PageError{Diag: diag.Diag{File: "templates/list.html", Line: 3, Message: "boom"}, Path: p})
	}
	errs = append(errs, nil, errors.New("feed.xml: other"), &PageError{Diag: diag.Diag{File: "templates/home.html", Line: 1, Message: "bang"}, Path: "/"})
	want := "feed.xml: other\ntemplates/list.html:3: boom (rendering /a/, /b/, /c/ and 2 more pages)\ntemplates/home.html:1: bang (rendering /)"
	if err := JoinPageErrors(errs); err == nil || err.Error() != want {
		t.Errorf("JoinPageErrors =\n%v\nwant\n%s", err, want)
	}
	if err := JoinPageErrors([]error{nil, nil}); err != nil {
		t.Errorf("no errors: %v", err)
	}
}

func TestTruncate(t *testing.T) {
	tests := []struct {
		n        int
		in, want string
	}{
		{10, "pendek", "pendek"},
		{10, "tepat sepu", "tepat sepu"},
		{12, "Rupiah ditutup menguat tipis", "Rupiah ditut…"}, // a space too early is not used
		{20, "Rupiah ditutup menguat tipis", "Rupiah ditutup…"},
		{10, "Rupiahditutupmenguat", "Rupiahditu…"},
		{6, "Берлин и Москва", "Берлин…"},
		{9, "satu, dua, tiga", "satu, dua…"}, // cut at the end of a word
		{14, "Rupiah ditutup menguat", "Rupiah ditutup…"},
		{8, "Öl über Straße", "Öl über…"},
	}
	for _, tt := range tests {
		if got := Truncate(tt.n, tt.in); got != tt.want {
			t.Errorf("Truncate(%d, %q) = %q, want %q", tt.n, tt.in, got, tt.want)
		}
	}
}

func TestFuncs(t *testing.T) {
	c := testConfig(t)
	s := build(t, c, map[string]string{"ekonomi/rupiah.md": rupiah})
	tmpl := mustLoad(t, c, fstest.MapFS{
		"base.html":    {Data: []byte(`{{with .Article}}{{date "Mon 2 Jan 2006" .Date}}|{{longDate .Date}}|{{clock .Date}}|{{isoDate .Date}}|{{end}}{{T "latest"}}|{{relURL "/tags/"}}|{{absURL "/feed.xml"}}|{{add 2 3}}`)},
		"article.html": {Data: []byte(``)},
	})
	got := page(t, tmpl, s, "/2025/04/28/rupiah/")
	want := "Sen 28 Apr 2025|Senin, 28 April 2025|14.30 WIB|2025-04-28T14:30:00&#43;07:00|Berita terbaru|/kabar/tags/|https://example.github.io/kabar/feed.xml|5"
	if got != want {
		t.Errorf("funcs =\n%s\nwant\n%s", got, want)
	}
}

// renderPage renders p as a build does, through the views, with the
// bodies the parser left on the articles.
func renderPage(tmpl *Templates, p *site.Page) ([]byte, error) {
	env := &view.Env{Site: p.Site, Articles: parsed{}, Partials: tmpl}
	var buf bytes.Buffer
	err := tmpl.Page(&buf, p, view.NewRecorder(env).Page(p))
	return buf.Bytes(), err
}

// parsed gives views the bodies the parser left on the articles, and a
// lead image whose one copy is the front matter's path, as written: the
// templates must escape it.
type parsed struct{}

func (parsed) Body(a *site.Article) (template.HTML, error) { return a.Content, nil }

func (parsed) Lead(a *site.Article) *view.Lead {
	if a.Image == "" {
		return nil
	}
	return &view.Lead{Alt: a.ImageAlt, Sizes: []view.Size{{Path: a.Image, Width: 800, Height: 400}}}
}

// TestTemplateDiag: the template packages' errors become diagnostics that
// name the file under templates/, the line and, when they give it, the
// column, whether the file fails to parse, to escape or to run.
func TestTemplateDiag(t *testing.T) {
	c := testConfig(t)
	base := `<!DOCTYPE html><html><body>{{block "main" .}}{{end}}</body></html>`
	for _, tc := range []struct {
		name, file, src string
		line, col       int
		msg             string
	}{
		{"parse", "partials/card.html", "<p>\n{{if}}</p>", 2, 0, "missing value for if"},
		{"escape", "home.html", `{{define "main"}}<a href="{{.Title}}>x</a>{{end}}`, 0, 0, "ends in a non-text context"},
		{"run", "home.html", "{{define \"main\"}}\n\n  <p>{{.NoSuchField}}</p>{{end}}", 3, 7, "can't evaluate field NoSuchField"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files := fstest.MapFS{"base.html": {Data: []byte(base)}, tc.file: {Data: []byte(tc.src)}}
			tmpl, err := Load(c, files)
			if err == nil {
				s := build(t, c, map[string]string{"ekonomi/rupiah.md": rupiah})
				_, err = renderPage(tmpl, s.Pages()[0])
			}
			var d *diag.Diag
			if !errors.As(err, &d) {
				t.Fatalf("error %v (%T) holds no diagnostic", err, err)
			}
			wantFile := "templates/" + tc.file
			if tc.name == "escape" {
				wantFile = "templates/base.html" // where html/template finds the page ends
			}
			if d.File != wantFile || d.Line != tc.line || d.Column != tc.col || !strings.Contains(d.Message, tc.msg) || strings.Contains(d.Message, "template:") {
				t.Errorf("diagnostic %+v: want %s line %d column %d, a message with %q and no package prefix", d, wantFile, tc.line, tc.col, tc.msg)
			}
		})
	}
}
