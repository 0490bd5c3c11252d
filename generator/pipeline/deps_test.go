package pipeline

import (
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// titleTheme shows every page's title and nothing else: a page's title is
// its own (Self), never recorded as a read, so only the builder's marking
// of retitled pages can bring such a page up to date.
var titleTheme = map[string]string{
	"base.html":          `<!DOCTYPE html><html><head><title>{{.Title}}</title></head><body><main>{{block "main" .}}{{end}}</main></body></html>`,
	"partials/card.html": `{{.Title}}`,
	"home.html":          `{{define "main"}}<h1>{{.Title}}</h1>{{end}}`,
	"article.html":       `{{define "main"}}<h1>{{.Title}}</h1>{{end}}`,
	"list.html":          `{{define "main"}}<h1>{{.Title}}</h1>{{end}}`,
	"edition.html":       `{{define "main"}}<h1>{{.Title}}</h1>{{end}}`,
	"archive.html":       `{{define "main"}}<h1>{{.Title}}</h1>{{end}}`,
	"tags.html":          `{{define "main"}}<h1>{{.Title}}</h1>{{end}}`,
	"search.html":        `{{define "main"}}<h1>{{.Title}}</h1>{{end}}`,
	"404.html":           `{{define "main"}}<h1>{{.Title}}</h1>{{end}}`,
}

// collectionsTheme is titleTheme whose every page ranges over each of the
// site's collections, and reads nothing else.
var collectionsTheme = func() map[string]string {
	m := maps.Clone(titleTheme)
	m["base.html"] = `<!DOCTYPE html><html><head><title>{{.Title}}</title></head><body><main>{{block "main" .}}{{end}}</main><footer>
{{range .Site.Days}}{{.Path}} {{end}}|{{range .Site.Months}}{{.Path}} {{end}}|{{range .Site.Years}}{{.Path}} {{end}}|
{{range .Site.Sections}}{{.Name}} {{end}}|{{range .Site.Tags}}{{.Name}} {{end}}|{{range .Site.Sources}}{{.Name}} {{end}}|{{len .Site.Articles}}</footer></body></html>`
	return m
}()

// writeTheme replaces the site's templates/ with theme.
func (s *fakeSite) writeTheme(theme map[string]string) []string {
	s.remove("templates")
	for _, name := range sortedKeys(theme) {
		s.write("templates/"+name, theme[name])
	}
	return []string{filepath.Join(s.dir, "templates")}
}

// rebuildMatches builds again after the paths changed and fails unless
// the output equals a clean build's; it returns the output.
func rebuildMatches(t *testing.T, b *Builder, s *fakeSite, what string, paths []string) map[string][]byte {
	t.Helper()
	rebuild(t, b, s, paths)
	return matchesClean(t, b, s, "after "+what)
}

// TestSiteDaysAfterANewDay: a page that ranges over .Site.Days and reads
// nothing else is rendered again when an article starts a new day. (The
// site's list of days once had the key of an article's card, whose value
// never changed.)
func TestSiteDaysAfterANewDay(t *testing.T) {
	s := newFakeSite(t, 11, 12)
	theme := maps.Clone(titleTheme)
	theme["404.html"] = `{{define "main"}}{{range .Site.Days}}<p>{{.Path}}</p>{{end}}{{end}}`
	s.writeTheme(theme)
	b, _ := built(t, s)
	a := s.gen.Next()
	a.Date = s.now.Add(-time.Hour) // a day no article has yet
	a.File = "baru/" + newName(a)
	want := rebuildMatches(t, b, s, "adding an article on a new day", []string{s.save(a)})
	if !strings.Contains(string(want["404.html"]), strings.ReplaceAll(day(a), "-", "/")) {
		t.Fatalf("the clean 404 page does not list the new day %s: the test tests nothing", day(a))
	}
}

// TestRetitleInNewsWindow: the news sitemap shows the titles of the last
// two days' articles; a retitled one is shown with its new title.
func TestRetitleInNewsWindow(t *testing.T) {
	s := newFakeSite(t, 12, 12)
	a := s.articles[s.pick()]
	a.Date = s.now.Add(-3 * time.Hour)
	s.save(a)
	b, _ := built(t, s)
	a.Title = "Judul baru di jendela berita"
	want := rebuildMatches(t, b, s, "retitling an article of the news sitemap", []string{s.save(a)})
	if !strings.Contains(string(want["sitemap-news.xml"]), a.Title) {
		t.Fatal("the clean news sitemap does not hold the new title: the test tests nothing")
	}
}

// TestRetitleWithTitleTheme: under a theme that shows only titles, a
// retitled article's pages are rendered again.
func TestRetitleWithTitleTheme(t *testing.T) {
	s := newFakeSite(t, 13, 12)
	s.writeTheme(titleTheme)
	b, _ := built(t, s)
	for i := range 3 {
		a := s.articles[s.pick()]
		a.Title = fmt.Sprintf("Judul baru %d", i)
		rebuildMatches(t, b, s, "retitling "+a.File, []string{s.save(a)})
	}
}

// TestCollectionsTheme: under a theme whose every page ranges over every
// collection of the site, each change that adds to or takes from one of
// them reaches every page.
func TestCollectionsTheme(t *testing.T) {
	s := newFakeSite(t, 14, 12)
	s.writeTheme(collectionsTheme)
	b, _ := built(t, s)
	a := s.gen.Next()
	a.Date = s.now.Add(-30 * 24 * time.Hour) // perhaps a new month
	a.File = "baru/" + newName(a)
	a.Tags = []string{"topik baru"}
	rebuildMatches(t, b, s, "adding an article with a new tag", []string{s.save(a)})
	old := s.articles[s.pick()]
	old.Date = time.Date(2019, 3, 4, 5, 0, 0, 0, time.UTC) // a new year
	old.Section = "Olahraga"
	rebuildMatches(t, b, s, "moving an article to a new year and section", []string{s.save(old)})
	names := slices.Sorted(maps.Keys(s.articles))
	rel := names[len(names)/2]
	delete(s.articles, rel)
	rebuildMatches(t, b, s, "deleting "+rel, []string{s.remove("content/" + rel)})
}
