package pipeline

import (
	"fmt"
	"maps"
	"path"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/kabar-news/kabar/generator/internal/testsite"
	"github.com/kabar-news/kabar/generator/output"
	"github.com/kabar-news/kabar/generator/view"
)

// fieldCase shows one field of an article on its page, and nothing else
// of it, and changes only the value behind that field.
type fieldCase struct {
	show string // the body of {{with .Article}}...{{end}} in article.html
	// change changes the value behind the field for article a (one of
	// s.articles) and returns the paths it touched.
	change func(s *fakeSite, a testsite.Article) []string
}

// front sets a's extra front matter; %s in it stands for the file's
// name, for values that must differ from article to article (slugs).
func front(lines string) func(s *fakeSite, a testsite.Article) []string {
	return func(s *fakeSite, a testsite.Article) []string {
		a.Front = strings.ReplaceAll(lines, "%s", strings.TrimSuffix(path.Base(a.File), ".md"))
		return []string{s.save(a)}
	}
}

// neighbour adds an article dated d from a, with a's tags.
func neighbour(d time.Duration) func(s *fakeSite, a testsite.Article) []string {
	return func(s *fakeSite, a testsite.Article) []string {
		n := s.gen.Next()
		n.Date, n.Tags, n.Section = a.Date.Add(d), a.Tags, a.Section
		n.File = "baru/" + newName(n)
		return []string{s.save(n)}
	}
}

var fieldCases = map[string]fieldCase{
	"File": {`{{.File}}`, func(s *fakeSite, a testsite.Article) []string {
		// The slug keeps the page where it is.
		from := s.remove("content/" + a.File)
		delete(s.articles, a.File)
		a.Front = "slug: tetap-" + strings.TrimSuffix(path.Base(a.File), ".md") + "\n"
		a.File = strings.TrimSuffix(a.File, ".md") + "-pindah.md"
		return []string{from, s.save(a)}
	}},
	"Title": {`{{.Title}}|{{.}}`, func(s *fakeSite, a testsite.Article) []string { a.Title += " (diperbarui)"; return []string{s.save(a)} }},
	"Date": {`{{.Date.Format "15:04"}}`, func(s *fakeSite, a testsite.Article) []string {
		a.Date = a.Date.Add(time.Minute)
		return []string{s.save(a)}
	}},
	"Updated": {`{{.Updated.Format "2006-01-02"}}`, front("updated: 2024-05-20T10:00:00+07:00\n")},
	"Slug":    {`{{.Slug}}`, front("slug: siput-%s\n")},
	"Path":    {`{{.Path}}`, front("slug: jalan-%s\n")},
	// From the first paragraph: no front matter field (all of which
	// Params holds too) changes.
	"Summary": {`{{.Summary}}`, func(s *fakeSite, a testsite.Article) []string {
		a.Body = "Paragraf pembuka yang baru.\n\n" + a.Body
		return []string{s.save(a)}
	}},
	"Authors":   {`{{range .Authors}}{{.}};{{end}}`, front("author: Redaksi Uji\n")},
	"Source":    {`{{.Source}}`, func(s *fakeSite, a testsite.Article) []string { a.Source = "Sumber Lain"; return []string{s.save(a)} }},
	"SourceURL": {`{{.SourceURL}}`, front("source_url: https://contoh.id/berita/1\n")},
	"Via":       {`{{.Via}}`, front("via: Antara\n")},
	"Section":   {`{{.Section}}`, func(s *fakeSite, a testsite.Article) []string { a.Section = "Olahraga"; return []string{s.save(a)} }},
	"Tags": {`{{range .Tags}}{{.}};{{end}}`, func(s *fakeSite, a testsite.Article) []string {
		a.Tags = append(a.Tags, "tambahan")
		return []string{s.save(a)}
	}},
	"Image": {`{{.Image}}`, func(s *fakeSite, a testsite.Article) []string {
		a.Image = "https://contoh.id/foto/2.jpg"
		return []string{s.save(a)}
	}},
	"Lang":        {`{{.Lang}}`, front("lang: en\n")},
	"Featured":    {`{{.Featured}}`, front("featured: true\n")},
	"Draft":       {`{{.Draft}}`, front("draft: true\n")},
	"Corrections": {`{{range .Corrections}}{{.Text}}{{end}}`, front("correction:\n  - date: 2024-05-30T10:00:00+07:00\n    text: Angka diperbaiki.\n")},
	"Params":      {`{{.Params.rating}}`, front("rating: 4\n")},
	"Modified":    {`{{.Modified.Format "2006-01-02"}}`, front("updated: 2024-05-21T10:00:00+07:00\n")},
	"SectionTerm": {`{{with .SectionTerm}}{{.Name}}{{end}}`, func(s *fakeSite, a testsite.Article) []string { a.Section = "Olahraga"; return []string{s.save(a)} }},
	"SourceTerm":  {`{{with .SourceTerm}}{{.Name}}{{end}}`, func(s *fakeSite, a testsite.Article) []string { a.Source = "Sumber Lain"; return []string{s.save(a)} }},
	"TagTerms":    {`{{range .TagTerms}}{{.Name}};{{end}}`, func(s *fakeSite, a testsite.Article) []string { a.Tags = []string{"lain"}; return []string{s.save(a)} }},
	"Day":         {`{{.Day.Path}}`, front("slug: hari-%s\n")}, // a new page; its day is read there
	"Words": {`{{.Words}}`, func(s *fakeSite, a testsite.Article) []string {
		a.Body += "\nTambahan kata.\n"
		return []string{s.save(a)}
	}},
	"ReadingTime": {`{{.ReadingTime}}`, func(s *fakeSite, a testsite.Article) []string {
		a.Body += "\n" + strings.Repeat("kata ", 1200) + "\n"
		return []string{s.save(a)}
	}},
	"Content": {`{{.Content}}`, func(s *fakeSite, a testsite.Article) []string {
		a.Body += "\nParagraf baru.\n"
		return []string{s.save(a)}
	}},
	"ImageAlt": {`{{.ImageAlt}}`, func(s *fakeSite, a testsite.Article) []string { a.Alt = "Keterangan lain"; return []string{s.save(a)} }},
	"LeadImage": {`{{with .LeadImage}}{{.Src}}{{end}}`, func(s *fakeSite, a testsite.Article) []string {
		a.Image = "https://contoh.id/foto/3.jpg"
		return []string{s.save(a)}
	}},
	"Older":   {`{{with .Older}}{{.Path}}{{end}}`, neighbour(-time.Minute)},
	"Newer":   {`{{with .Newer}}{{.Path}}{{end}}`, neighbour(time.Minute)},
	"Related": {`{{range .Related}}{{.Path}};{{end}}`, neighbour(3 * 24 * time.Hour)},
	"Card":    {`{{.Card}}`, func(s *fakeSite, a testsite.Article) []string { a.Title += " (kartu)"; return []string{s.save(a)} }},
}

// TestEachArticleFieldRebuilds goes through every field the view declares
// for articles: a page that shows only that field is rendered again, and
// equals a clean build, when the value behind it changes; and is not
// rendered again when the same change is made to another article.
func TestEachArticleFieldRebuilds(t *testing.T) {
	names := view.Fields("Article")
	for _, name := range names {
		if _, ok := fieldCases[name]; !ok {
			t.Errorf("the view declares the article field %s, which this test has no case for: add one", name)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(fieldCases)) {
		if !slices.Contains(names, name) {
			t.Errorf("case %s names no field the view declares", name)
			continue
		}
		t.Run(name, func(t *testing.T) {
			c := fieldCases[name]
			s := newFakeSite(t, 21, 8)
			// Tags of their own, so that only the cases that mean to
			// make articles related do; remote images, so that no file
			// is resized.
			byDate := slices.Sorted(maps.Keys(s.articles))
			sort.Slice(byDate, func(i, j int) bool { return s.articles[byDate[i]].Date.Before(s.articles[byDate[j]].Date) })
			for i, rel := range byDate {
				a := s.articles[rel]
				a.Tags = []string{fmt.Sprintf("tag-%d", i)}
				a.Image, a.Alt = fmt.Sprintf("https://contoh.id/foto/a%d.jpg", i), "Foto"
				s.save(a)
			}
			theme := maps.Clone(titleTheme)
			theme["base.html"] = `<!DOCTYPE html><html><head><title>uji</title></head><body>{{block "main" .}}{{end}}</body></html>`
			theme["article.html"] = `{{define "main"}}{{with .Article}}` + c.show + `{{end}}{{end}}`
			s.writeTheme(theme)
			b, err := NewBuilder(Options{SiteDir: s.dir, OutDir: t.TempDir(), Now: s.now, Drafts: true})
			if err != nil {
				t.Fatal(err)
			}
			b.listRendered = true
			if _, err := b.Build(nil); err != nil {
				t.Fatal(err)
			}
			target, other := byDate[len(byDate)/2], byDate[0]
			// The page of the article of a file, in the builder's model.
			page := func(rel string) string {
				for _, a := range b.model.Articles {
					if a.File == rel {
						return strings.TrimPrefix(a.Path, "/") + "index.html"
					}
				}
				t.Fatalf("no article %s in the model", rel)
				return ""
			}

			// The same change to another article renders no page of the
			// target's: what the page read did not change.
			pageBefore := page(target)
			rb := rebuild(t, b, s, c.change(s, s.articles[other]))
			if slices.Contains(rb.rendered, pageBefore) {
				t.Errorf("changing %s of %s rendered %s again, which shows only %s's", name, other, pageBefore, target)
			}

			before := readOutput(t, b.opt.OutDir)
			rb = rebuild(t, b, s, c.change(s, s.articles[target]))
			want, err := cleanBuild(t, Options{SiteDir: s.dir, Now: s.now, Drafts: true})
			if err != nil {
				t.Fatal(err)
			}
			got := readOutput(t, b.opt.OutDir)
			delete(got, output.Marker)
			if diffs := sameOutput(got, want); len(diffs) > 0 {
				t.Fatalf("after changing %s of %s the output is not the clean build's: %s", name, target, strings.Join(diffs[:min(10, len(diffs))], ", "))
			}
			if data, stays := want[pageBefore]; stays {
				if string(data) == string(before[pageBefore]) {
					t.Fatalf("changing %s of %s did not change its page %s: the case tests nothing", name, target, pageBefore)
				}
				if !slices.Contains(rb.rendered, pageBefore) {
					t.Errorf("changing %s of %s did not render its page %s again (rendered %q; %+v)", name, target, pageBefore, rb.rendered, rb.Rendered)
				}
			} else if !slices.ContainsFunc(rb.rendered, func(p string) bool { _, old := before[p]; return !old && strings.Count(p, "/") == 4 }) {
				t.Errorf("changing %s of %s moved its page from %s, but rendered no new article page: %v", name, target, pageBefore, rb.rendered)
			}
		})
	}
}

func rebuild(t *testing.T, b *Builder, s *fakeSite, paths []string) Rebuild {
	t.Helper()
	b.opt.Now = s.now
	rb, err := b.Build(paths)
	if err != nil {
		t.Fatal(err)
	}
	return rb
}
