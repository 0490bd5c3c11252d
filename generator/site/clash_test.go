package site

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/kabar-news/kabar/generator/config"
	"github.com/kabar-news/kabar/generator/content"
	"github.com/kabar-news/kabar/generator/diag"
)

// TestURLClashFarApart: clashes are found wherever the two articles are
// in the site's order (newest first), not only between neighbours: years
// and hundreds of articles apart, a URL claimed three times, and clashes
// between a page and an output file whose names sort far apart because
// they differ in case.
func TestURLClashFarApart(t *testing.T) {
	c := cfg(t, func(c *config.Config) { c.Permalink = "/:slug/" })
	var list []*content.Article
	day := time.Date(2023, 1, 1, 8, 0, 0, 0, jakarta)
	for i := range 300 {
		list = append(list, art(fmt.Sprintf("isi/berita-%03d.md", i), "Berita", day.AddDate(0, 0, i).Format("2006-01-02 15:04")))
	}
	list = append(list,
		art("lama/rupiah.md", "Rupiah 2020", "2020-03-01"),
		art("baru/rupiah.md", "Rupiah 2025", "2025-06-01"),
		art("a/pemilu.md", "Pemilu A", "2019-01-01"),
		art("m/pemilu.md", "Pemilu M", "2024-01-01"),
		art("z/pemilu.md", "Pemilu Z", "2026-01-01"),
	)
	_, err := New(c, "", list)
	var got []string
	for _, d := range diag.List(err) {
		got = append(got, d.File+" | "+d.Message)
	}
	want := []string{
		"content/a/pemilu.md | has the URL /pemilu/, as content/z/pemilu.md does",
		"content/lama/rupiah.md | has the URL /rupiah/, as content/baru/rupiah.md does",
		"content/m/pemilu.md | has the URL /pemilu/, as content/z/pemilu.md does",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("clashes\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	var d *diag.Diag
	if !errors.As(err, &d) || d.Fix == "" {
		t.Errorf("the first clash %v has no fix", d)
	}

	// Output files: the tags page and a static TAGS/index.html sort far
	// apart (upper case before lower case), as do the first and the last
	// article and static copies of their pages.
	s := mustNew(t, c, list[:300]...)
	pageFile := func(a *Article) string { return strings.TrimPrefix(a.Path, "/") + "index.html" }
	first, last := pageFile(s.Articles[0]), pageFile(s.Articles[len(s.Articles)-1])
	others := map[string]string{
		"TAGS/index.html":      "static/TAGS/index.html",
		strings.ToUpper(first): "static/" + strings.ToUpper(first),
		last:                   "static/" + last,
	}
	for i := range 200 {
		others[fmt.Sprintf("img/%03d.png", i)] = fmt.Sprintf("static/img/%03d.png", i)
	}
	got = nil
	for _, d := range diag.List(CheckClashes(s.Pages(), others)) {
		got = append(got, d.File)
	}
	want = []string{"static/" + strings.ToUpper(first), "static/TAGS/index.html", "static/" + last} // as sorted
	if !reflect.DeepEqual(got, want) {
		t.Errorf("output clashes at %q, want %q", got, want)
	}
}
