package pipeline

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kabar-news/kabar/generator/internal/testsite"
	"github.com/kabar-news/kabar/generator/output"
	"github.com/kabar-news/kabar/generator/site"
	"github.com/kabar-news/kabar/generator/view"
)

// viewCase shows one field of a view, and nothing else, in one template,
// watches the page that shows it, and makes two changes: one of the value
// behind the field (nil for a field that is part of its entity's identity,
// which no change alters for one page), after which the page must be
// rendered again and equal a clean build; and one of something else,
// after which it must not be rendered again.
type viewCase struct {
	template, show string
	page           func(m *site.Site, target *site.Article) string
	change, other  func(s *fakeSite, target testsite.Article) []string
}

// The pages a case watches.
func articlePage(_ *site.Site, a *site.Article) string {
	return strings.TrimPrefix(a.Path, "/") + "index.html"
}
func homePage(*site.Site, *site.Article) string     { return "index.html" }
func tagsPage(*site.Site, *site.Article) string     { return "tags/index.html" }
func notFoundPage(*site.Site, *site.Article) string { return "404.html" }
func monthPage(_ *site.Site, a *site.Article) string {
	return strings.TrimPrefix(a.Day.Path[:len("/2006/01/")], "/") + "index.html"
}
func yearPage(_ *site.Site, a *site.Article) string {
	return strings.TrimPrefix(a.Day.Path[:len("/2006/")], "/") + "index.html"
}
func editionPage(_ *site.Site, a *site.Article) string {
	return strings.TrimPrefix(a.Day.Path, "/") + "index.html"
}

// add adds an article like target, changed by mod.
func add(mod func(n *testsite.Article)) func(s *fakeSite, target testsite.Article) []string {
	return func(s *fakeSite, target testsite.Article) []string {
		n := s.gen.Next()
		n.Date, n.Section, n.Source, n.Tags = target.Date.Add(time.Minute), target.Section, target.Source, target.Tags
		mod(&n)
		n.File = "baru/" + newName(n)
		return []string{s.save(n)}
	}
}

// editOldest changes the oldest article's body, which no case shows.
func editOldest(s *fakeSite, _ testsite.Article) []string {
	a := s.articles[s.oldest()]
	a.Body += "\nSatu kalimat lagi.\n"
	return []string{s.save(a)}
}

func (s *fakeSite) oldest() string {
	return slices.MinFunc(slices.Sorted(maps.Keys(s.articles)), func(x, y string) int { return s.articles[x].Date.Compare(s.articles[y].Date) })
}

var sameDay = func(n *testsite.Article) {}
var otherDay = func(n *testsite.Article) { n.Date = n.Date.Add(-40 * 24 * time.Hour) }
var otherYear = func(n *testsite.Article) { n.Date = n.Date.AddDate(-2, 0, 0) }
var otherSection = func(n *testsite.Article) { n.Section = "Olahraga" }

var viewCases = map[string]viewCase{
	"Term.Kind":     {"article.html", `{{with .Article.SectionTerm}}{{.Kind}}{{end}}`, articlePage, nil, add(otherSection)},
	"Term.Slug":     {"article.html", `{{with .Article.SectionTerm}}{{.Slug}}{{end}}`, articlePage, nil, add(otherSection)},
	"Term.Path":     {"article.html", `{{with .Article.SectionTerm}}{{.Path}}{{end}}`, articlePage, nil, add(otherSection)},
	"Term.FeedPath": {"article.html", `{{with .Article.SectionTerm}}{{.FeedPath}}{{end}}`, articlePage, nil, add(otherSection)},
	"Term.Name": {"tags.html", `{{range .Terms}}{{.Name}};{{end}}`, tagsPage, func(s *fakeSite, target testsite.Article) []string {
		// The same tag (slug) spelled otherwise on every article.
		var paths []string
		tag := target.Tags[0]
		for _, rel := range slices.Sorted(maps.Keys(s.articles)) {
			if a := s.articles[rel]; slices.Contains(a.Tags, tag) {
				a.Tags = []string{strings.ToUpper(tag)}
				paths = append(paths, s.save(a))
			}
		}
		return paths
	}, add(sameDay)},
	"Term.Articles": {"article.html", `{{with .Article.SectionTerm}}{{range .Articles}}{{.Path}};{{end}}{{end}}`, articlePage, add(sameDay), add(otherSection)},
	"Term.Count":    {"article.html", `{{with .Article.SectionTerm}}{{.Count}}{{end}}`, articlePage, add(sameDay), add(otherSection)},

	"Day.Date":     {"article.html", `{{.Article.Day.Date.Format "2006-01-02"}}`, articlePage, nil, add(otherDay)},
	"Day.Path":     {"article.html", `{{.Article.Day.Path}}`, articlePage, nil, add(otherDay)},
	"Day.Articles": {"article.html", `{{range .Article.Day.Articles}}{{.Path}};{{end}}`, articlePage, add(sameDay), add(otherDay)},
	"Day.Count":    {"article.html", `{{.Article.Day.Count}}`, articlePage, add(sameDay), add(otherDay)},

	"Month.Date":  {"archive.html", `{{with .Month}}{{.Date.Format "2006-01"}}{{end}}`, monthPage, nil, add(otherYear)},
	"Month.Path":  {"archive.html", `{{with .Month}}{{.Path}}{{end}}`, monthPage, nil, add(otherYear)},
	"Month.Days":  {"archive.html", `{{with .Month}}{{range .Days}}{{.Path}};{{end}}{{end}}`, monthPage, add(func(n *testsite.Article) { n.Date = n.Date.Add(5 * 24 * time.Hour) }), add(otherYear)},
	"Month.Count": {"archive.html", `{{with .Month}}{{.Count}}{{end}}`, monthPage, add(sameDay), add(otherYear)},

	"Year.Date":   {"archive.html", `{{with .Year}}{{.Date.Format "2006"}}{{end}}`, yearPage, nil, add(otherYear)},
	"Year.Path":   {"archive.html", `{{with .Year}}{{.Path}}{{end}}`, yearPage, nil, add(otherYear)},
	"Year.Months": {"archive.html", `{{with .Year}}{{range .Months}}{{.Path}};{{end}}{{end}}`, yearPage, add(func(n *testsite.Article) { n.Date = n.Date.AddDate(0, 2, 0) }), add(otherYear)},
	"Year.Count":  {"archive.html", `{{with .Year}}{{.Count}}{{end}}`, yearPage, add(sameDay), add(otherYear)},

	"Site.Intro": {"404.html", `{{.Site.Intro}}`, notFoundPage, func(s *fakeSite, _ testsite.Article) []string {
		return []string{s.write("content/_index.md", "Selamat datang di uji.\n")}
	}, add(sameDay)},
	"Site.Articles": {"404.html", `{{len .Site.Articles}}`, notFoundPage, add(sameDay), editOldest},
	"Site.Sections": {"404.html", `{{range .Site.Sections}}{{.Path}};{{end}}`, notFoundPage, add(func(n *testsite.Article) { n.Section = "Cuaca" }), add(sameDay)},
	"Site.Tags":     {"404.html", `{{range .Site.Tags}}{{.Path}};{{end}}`, notFoundPage, add(func(n *testsite.Article) { n.Tags = []string{"tag-baru"} }), add(sameDay)},
	"Site.Sources":  {"404.html", `{{range .Site.Sources}}{{.Path}};{{end}}`, notFoundPage, add(func(n *testsite.Article) { n.Source = "Sumber Baru" }), add(sameDay)},
	"Site.Days":     {"404.html", `{{range .Site.Days}}{{.Path}};{{end}}`, notFoundPage, add(otherDay), add(sameDay)},
	"Site.Months":   {"404.html", `{{range .Site.Months}}{{.Path}};{{end}}`, notFoundPage, add(otherYear), add(sameDay)},
	"Site.Years":    {"404.html", `{{range .Site.Years}}{{.Path}};{{end}}`, notFoundPage, add(otherYear), add(sameDay)},

	"Page.Kind":     {"article.html", `{{.Kind}}`, articlePage, nil, editOldest},
	"Page.Template": {"article.html", `{{.Template}}`, articlePage, nil, editOldest},
	"Page.Path":     {"article.html", `{{.Path}}`, articlePage, nil, editOldest},
	"Page.Feed":     {"article.html", `{{.Feed}}`, articlePage, nil, editOldest},
	"Page.Article":  {"article.html", `{{if .Article}}satu{{end}}`, articlePage, nil, editOldest},
	"Page.Term": {"list.html", `{{if .Term}}ada{{end}}`, func(m *site.Site, a *site.Article) string {
		return strings.TrimPrefix(a.SectionTerm.Path, "/") + "index.html"
	}, nil, editOldest},
	"Page.Day":   {"edition.html", `{{if .Day}}ada{{end}}`, editionPage, nil, editOldest},
	"Page.Month": {"archive.html", `{{if .Month}}ada{{end}}`, monthPage, nil, editOldest},
	"Page.Year":  {"archive.html", `{{if .Year}}ada{{end}}`, yearPage, nil, editOldest},
	"Page.Title": {"article.html", `{{.Title}}`, articlePage, func(s *fakeSite, a testsite.Article) []string {
		a.Title += " (baru)"
		return []string{s.save(a)}
	}, func(s *fakeSite, _ testsite.Article) []string {
		a := s.articles[s.oldest()]
		a.Title += " (baru)"
		return []string{s.save(a)}
	}},
	"Page.Section": {"article.html", `{{with .Section}}{{.Path}}{{end}}`, articlePage, func(s *fakeSite, a testsite.Article) []string {
		a.Section = "Cuaca"
		return []string{s.save(a)}
	}, editOldest},
	"Page.Pager":     {"home.html", `{{with .Pager}}{{.Next}}{{end}}`, homePage, add(sameDay), editOldest},
	"Page.Articles":  {"home.html", `{{range .Articles}}{{.Path}};{{end}}`, homePage, add(sameDay), editOldest},
	"Page.Terms":     {"tags.html", `{{range .Terms}}{{.Path}};{{end}}`, tagsPage, add(func(n *testsite.Article) { n.Tags = []string{"tag-baru"} }), add(sameDay)},
	"Page.Groups":    {"home.html", `{{range .Groups}}{{.Day.Path}}:{{range .Articles}}{{.Path}};{{end}}{{end}}`, homePage, add(sameDay), editOldest},
	"Page.BySection": {"edition.html", `{{range .BySection}}{{with .Term}}{{.Name}}{{end}}:{{len .Articles}};{{end}}`, editionPage, add(otherSection), editOldest},
}

// TestEachViewFieldRebuilds goes through every field the view declares for
// terms, days, months, years, the site and pages, as
// TestEachArticleFieldRebuilds does for articles.
func TestEachViewFieldRebuilds(t *testing.T) {
	for _, v := range []string{"Term", "Day", "Month", "Year", "Site", "Page"} {
		for _, name := range view.Fields(v) {
			if _, ok := viewCases[v+"."+name]; !ok {
				t.Errorf("the view declares %s.%s, which this test has no case for: add one", v, name)
			}
		}
	}
	for _, name := range slices.Sorted(maps.Keys(viewCases)) {
		v, field, _ := strings.Cut(name, ".")
		if !slices.Contains(view.Fields(v), field) {
			t.Errorf("case %s names no field the view declares", name)
			continue
		}
		t.Run(name, func(t *testing.T) {
			c := viewCases[name]
			s := newFakeSite(t, 31, 8)
			byDate := slices.SortedFunc(maps.Keys(s.articles), func(x, y string) int { return s.articles[x].Date.Compare(s.articles[y].Date) })
			for i, rel := range byDate {
				a := s.articles[rel]
				a.Tags = []string{fmt.Sprintf("tag-%d", i)}
				s.save(a)
			}
			theme := maps.Clone(titleTheme)
			theme["base.html"] = `<!DOCTYPE html><html><head><title>uji</title></head><body>{{block "main" .}}{{end}}</body></html>`
			theme[c.template] = `{{define "main"}}` + c.show + `{{end}}`
			if c.template != "404.html" {
				theme["404.html"] = `{{define "main"}}-{{end}}`
			}
			s.writeTheme(theme)
			b, err := NewBuilder(Options{SiteDir: s.dir, OutDir: t.TempDir(), Now: s.now})
			if err != nil {
				t.Fatal(err)
			}
			b.listRendered = true
			rebuild(t, b, s, nil)
			targetRel := byDate[len(byDate)/2]
			target := s.articles[targetRel]
			var model *site.Article
			for _, a := range b.model.Articles {
				if a.File == targetRel {
					model = a
				}
			}
			page := c.page(b.model, model)
			if _, err := readOutput(t, b.opt.OutDir)[page]; !err {
				t.Fatalf("the watched page %s is not in the output", page)
			}

			rb := rebuild(t, b, s, c.other(s, target))
			if slices.Contains(rb.rendered, page) {
				t.Errorf("a change %s does not show rendered %s again (rendered %v)", name, page, rb.rendered)
			}
			matchesClean(t, b, s, "after the other change")
			if c.change == nil {
				return
			}
			before := readOutput(t, b.opt.OutDir)[page]
			rb = rebuild(t, b, s, c.change(s, target))
			after := matchesClean(t, b, s, "after the change of "+name)
			if string(after[page]) == string(before) {
				t.Fatalf("the change of %s did not change %s: the case tests nothing", name, page)
			}
			if !slices.Contains(rb.rendered, page) {
				t.Errorf("the change of %s did not render %s again", name, page)
			}
		})
	}
}

// sameAsClean fails unless b's output equals a clean build's, and returns it.
func matchesClean(t *testing.T, b *Builder, s *fakeSite, after string) map[string][]byte {
	t.Helper()
	want, err := cleanBuild(t, Options{SiteDir: s.dir, Now: s.now})
	if err != nil {
		t.Fatal(err)
	}
	got := readOutput(t, b.opt.OutDir)
	delete(got, output.Marker)
	if diffs := sameOutput(got, want); len(diffs) > 0 {
		t.Fatalf("%s the output is not the clean build's: %s", after, strings.Join(diffs[:min(10, len(diffs))], ", "))
	}
	return got
}
