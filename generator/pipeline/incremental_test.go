package pipeline

import (
	"bytes"
	"fmt"
	"github.com/kabar-news/kabar/generator/search"
	"github.com/kabar-news/kabar/generator/site"
	"image/color"
	"io/fs"
	"math/rand/v2"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kabar-news/kabar/generator/diag"
	"github.com/kabar-news/kabar/generator/internal/testsite"
	"github.com/kabar-news/kabar/generator/output"
)

// testNow is after every generated article, so none is held back as
// future unless a step dates it so.
var testNow = time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)

// fakeSite is a generated site on disk that steps change at random,
// reporting the paths they touch as a watcher would.
type fakeSite struct {
	t        *testing.T
	dir      string
	r        *rand.Rand
	gen      *testsite.Gen
	articles map[string]testsite.Article // by path below content/
	broken   map[string]bool             // articles whose front matter a step broke
	footers  int                         // footers written, to vary them
	now      time.Time                   // the builds' now, which steps move on
}

func newFakeSite(t *testing.T, seed uint64, n int) *fakeSite {
	dir := t.TempDir()
	list, err := testsite.Write(dir, n, seed)
	if err != nil {
		t.Fatal(err)
	}
	fs := &fakeSite{t: t, dir: dir, r: rand.New(rand.NewPCG(seed, 7)), gen: testsite.New(seed + 1000), articles: map[string]testsite.Article{}, broken: map[string]bool{}, now: testNow}
	fs.gen.Start = time.Date(2023, 1, 2, 0, 0, 0, 0, time.UTC)
	fs.gen.Tags = 12
	for _, a := range list {
		fs.articles[a.File] = a
	}
	fs.write("site.yaml", "title: Uji\nbase_url: https://example.github.io/uji/\nper_page: 4\n")
	fs.write("static/css/extra.css", "body { color: black }\n")
	return fs
}

func (s *fakeSite) write(rel, data string) string {
	p := filepath.Join(s.dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		s.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		s.t.Fatal(err)
	}
	return p
}

func (s *fakeSite) remove(rel string) string {
	p := filepath.Join(s.dir, filepath.FromSlash(rel))
	if err := os.RemoveAll(p); err != nil {
		s.t.Fatal(err)
	}
	return p
}

func (s *fakeSite) pick() string {
	keys := sortedKeys(s.articles)
	return keys[s.r.IntN(len(keys))]
}

func (s *fakeSite) save(a testsite.Article) string {
	s.articles[a.File] = a
	delete(s.broken, a.File)
	return s.write("content/"+a.File, a.Markdown())
}

// step makes one random change and returns its name and the paths it
// touched.
func (s *fakeSite) step() (string, []string) {
	if rel := s.dangling(); rel != "" && s.r.IntN(2) == 0 {
		a := s.articles[rel]
		a.Body = unlinked(a.Body)
		return "unlink " + rel, []string{s.save(a)}
	}
	if len(s.broken) > 0 && s.r.IntN(2) == 0 {
		rel := sortedKeys(s.broken)[0]
		return "fix " + rel, []string{s.save(s.articles[rel])}
	}
	if s.r.IntN(8) == 0 {
		// Links whose targets come and go with other steps: pages,
		// static files, and the day headings that #fragments name.
		a := s.articles[s.pick()]
		b, c := s.articles[s.pick()], s.articles[s.pick()]
		a.Body += fmt.Sprintf("\nLihat [artikel](%s), [hari](/#day-%s), [seksi](/uji/sections/%s/#day-%s), [tag](../../../../tags/topik-%d/) dan ![berkas](/img/%d.txt).\n",
			articlePath(b), day(c), strings.ToLower(c.Section), day(b), s.r.IntN(15), s.r.IntN(3))
		return "add links to " + a.File, []string{s.save(a)}
	}
	switch k := s.r.IntN(112); {
	case k >= 100:
		return s.imageStep(k - 100)
	case k < 3:
		// A link to another article, whose URL later steps may change.
		a, to := s.articles[s.pick()], s.pick()
		tag := fmt.Sprintf("{%% post_url %s %%}", strings.TrimSuffix(path.Base(to), ".md"))
		if s.r.IntN(2) == 0 {
			tag = fmt.Sprintf(`{{< ref "/%s" >}}`, to)
		}
		a.Body = linkLine + tag + ").\n\n" + unlinked(a.Body)
		return "link " + a.File + " to " + to, []string{s.save(a)}
	case k < 5:
		// A correction, or two, made days after the article; sometimes
		// with an update later still.
		a := s.articles[s.pick()]
		at := a.Date.Add(time.Duration(200+s.r.IntN(100)) * time.Hour)
		a.Front = fmt.Sprintf("correction:\n  - date: %s\n    text: %q\n", at.Format(time.RFC3339), "Koreksi "+s.gen.Words(4))
		if s.r.IntN(2) == 0 {
			a.Front += fmt.Sprintf("  - date: %s\n    text: Koreksi kedua.\n", at.Add(time.Duration(s.r.IntN(48))*time.Hour).Format(time.RFC3339))
		}
		if s.r.IntN(3) == 0 {
			a.Front += "updated: " + at.Add(72*time.Hour).Format(time.RFC3339) + "\n"
		}
		return "correct " + a.File, []string{s.save(a)}
	case k < 7:
		a := s.articles[s.pick()]
		a.Front = "updated: " + a.Date.Add(time.Duration(s.r.IntN(500))*time.Hour).Format(time.RFC3339) + "\n"
		if s.r.IntN(3) == 0 {
			a.Front = "" // the update is taken back
		}
		return "update " + a.File, []string{s.save(a)}
	case k < 9:
		// Into the news sitemap's two days.
		a := s.articles[s.pick()]
		a.Date = s.now.Add(-time.Duration(s.r.IntN(47*60)) * time.Minute)
		a.Front = ""
		return "date in the last two days " + a.File, []string{s.save(a)}
	case k < 11:
		// No file changes; the next build is later, and what the news
		// sitemap holds, or what is no longer future, may differ.
		s.now = s.now.Add(time.Duration(s.r.IntN(40)) * time.Hour)
		return "let time pass", []string{} // not nil, which would rebuild everything
	case k < 15:
		a := s.articles[s.pick()]
		a.Body = s.gen.Words(30) + ".\n\n" + a.Body
		return "edit the body of " + a.File, []string{s.save(a)}
	case k < 21:
		a := s.articles[s.pick()]
		a.Title = "Judul baru " + s.gen.Words(3)
		return "retitle " + a.File, []string{s.save(a)}
	case k < 25:
		// An article of the news sitemap's two days, retitled; or one
		// dated into them, for a later step to retitle.
		for _, rel := range sortedKeys(s.articles) {
			if a := s.articles[rel]; !s.broken[rel] && a.Date.After(s.now.Add(-40*time.Hour)) && !a.Date.After(s.now) {
				a.Title = "Judul berita baru " + s.gen.Words(2)
				return "retitle in the news sitemap " + a.File, []string{s.save(a)}
			}
		}
		a := s.articles[s.pick()]
		a.Date = s.now.Add(-time.Duration(s.r.IntN(30*60)) * time.Minute)
		a.Front = ""
		return "date in the last two days " + a.File, []string{s.save(a)}
	case k < 33:
		a := s.articles[s.pick()]
		a.Date = a.Date.Add(time.Duration(s.r.IntN(200)-100) * time.Hour)
		return "redate " + a.File, []string{s.save(a)}
	case k < 40:
		a := s.articles[s.pick()]
		a.Tags = []string{fmt.Sprintf("topik %d", s.r.IntN(15))}
		a.Section = testsite.Sections[s.r.IntN(3)]
		return "retag " + a.File, []string{s.save(a)}
	case k < 48:
		a := s.gen.Next()
		a.File = fmt.Sprintf("baru/%d/%s", s.r.IntN(3), newName(a))
		return "add " + a.File, []string{s.save(a)}
	case k < 54:
		// A folder that arrives full, as from cp -r or a checkout.
		dir := fmt.Sprintf("kiriman-%d", s.r.IntN(1000))
		for range 1 + s.r.IntN(4) {
			a := s.gen.Next()
			a.File = dir + "/sub/" + newName(a)
			s.save(a)
		}
		return "add folder " + dir, []string{filepath.Join(s.dir, "content", dir)}
	case k < 62:
		rel := s.pick()
		if len(s.articles) < 10 {
			return "nothing", nil
		}
		delete(s.articles, rel)
		delete(s.broken, rel)
		return "delete " + rel, []string{s.remove("content/" + rel)}
	case k < 69:
		rel := s.pick()
		a := s.articles[rel]
		delete(s.articles, rel)
		broken := s.broken[rel]
		delete(s.broken, rel)
		a.File = strings.TrimSuffix(rel, ".md") + "-pindah.md"
		s.articles[a.File] = a
		if broken {
			s.broken[a.File] = true
		}
		from, to := filepath.Join(s.dir, "content", rel), filepath.Join(s.dir, "content", a.File)
		if err := os.Rename(from, to); err != nil {
			s.t.Fatal(err)
		}
		return "rename " + rel, []string{from, to}
	case k < 73:
		// Rename a whole folder.
		rel := s.pick()
		dir := filepath.Dir(rel)
		if dir == "." {
			return "nothing", nil
		}
		to := dir + "-x"
		for _, name := range sortedKeys(s.articles) {
			if strings.HasPrefix(name, dir+"/") {
				a := s.articles[name]
				delete(s.articles, name)
				a.File = to + strings.TrimPrefix(name, dir)
				s.articles[a.File] = a
				if s.broken[name] {
					delete(s.broken, name)
					s.broken[a.File] = true
				}
			}
		}
		from, dst := filepath.Join(s.dir, "content", dir), filepath.Join(s.dir, "content", to)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			s.t.Fatal(err)
		}
		if err := os.Rename(from, dst); err != nil {
			s.t.Fatal(err)
		}
		return "rename folder " + dir, []string{from, dst}
	case k < 77:
		rel := s.pick()
		s.broken[rel] = true
		return "break " + rel, []string{s.write("content/"+rel, "---\ntitle: [tidak ditutup\n---\nteks\n")}
	case k < 82:
		a := s.articles[s.pick()]
		a.Date = testNow.Add(48 * time.Hour) // held back as future
		return "date in the future " + a.File, []string{s.save(a)}
	case k < 86:
		card := fmt.Sprintf(`<article class="card"><h3><a href="{{relURL .Path}}">{{.Title}}</a></h3>{{with .SectionTerm}}<p>{{.Name}} {{len .Articles}}</p>{{end}}<!-- %d --></article>`, s.r.IntN(5))
		return "change a template", []string{s.write("templates/partials/card.html", card)}
	case k < 87:
		return "remove the templates", []string{s.remove("templates")}
	case k < 91:
		// A footer that reads the whole site in ways the analysis must
		// follow: variables assigned in a loop, index, methods, $.
		footer := `<footer>{{range $i, $a := .Site.Articles}}{{if lt $i 2}}<a href="{{relURL $a.Path}}">{{$a.Title}}</a>{{end}}{{end}}
{{$n := 0}}{{range .Site.Sections}}{{$n = add $n (len .Articles)}}{{end}}<p>{{$n}} {{printf "%d" (len .Site.Tags)}}</p>
{{with index .Site.Tags 0}}{{.Name}} {{.FeedPath}}{{end}}{{with .Term}}{{$.Title}}{{end}}
{{range .Groups}}{{.Day.Path}}{{end}}{{with .Article}}{{.Params.source}}{{end}}</footer>`
		name := "a footer that reads the whole site"
		s.footers++
		if s.footers%3 != 1 {
			name += ", with more of the language"
			// More of the template language: pipelines into functions
			// and methods' results, with and a declaration, slices,
			// break and continue, time methods, maps.
			footer += `{{with $x := .Article}}{{$x.Title | printf "%s!"}} {{.Date.Year}} {{if and .Tags (gt (len .Tags) 1)}}banyak{{end}}{{end}}
{{range $i, $e := .Site.Days}}{{if eq $i 0}}{{$e.Path}}{{continue}}{{end}}{{if gt $i 2}}{{break}}{{end}}{{len $e.Articles}}{{end}}
{{range slice .Site.Articles 0 2}}{{.Title}}{{end}}{{.Site.Articles | len}} {{if .Term}}{{or .Term.Name "tanpa nama"}}{{end}}
{{range $k, $v := .Site.Config.Params}}{{$k}}={{$v}}{{end}}{{with .Pager}}{{.Number}}/{{.Next}}{{else}}satu{{end}}`
		}
		if s.footers%3 != 0 {
			// A template that calls itself, which the analysis does not
			// follow: its pages render every time.
			name += ", calling itself"
			s.write("templates/partials/rec.html", `{{if .}}{{(index . 0).Name}} {{template "partials/rec.html" slice . 1}}{{end}}`)
			footer += `{{template "partials/rec.html" .Site.Sources}}`
		}
		return name, []string{s.write("templates/partials/footer.html", footer)}
	case k < 92:
		return "change the CSS", []string{s.write("static/css/extra.css", fmt.Sprintf("body { margin: %dpx }\n", s.r.IntN(9)))}
	case k < 93:
		return "add a static file", []string{s.write(fmt.Sprintf("static/img/%d.txt", s.r.IntN(3)), s.gen.Words(3))}
	case k < 95:
		return "remove static files", []string{s.remove("static/img")}
	case k < 96:
		name := []string{"hostile", "titles-only", "collections"}[s.r.IntN(3)]
		return "install the " + name + " theme", s.writeTheme(themes[name])
	case k < 97:
		return "change the intro", []string{s.write("content/_index.md", "Selamat datang. "+s.gen.Words(5)+"\n")}
	default:
		return "change the config", []string{s.write("site.yaml", fmt.Sprintf("title: Uji %d\nbase_url: https://example.github.io/uji/\nper_page: %d\n", s.r.IntN(9), 2+s.r.IntN(4)))}
	}
}

// imageStep makes one random change to lead images: an article given an
// image of static/foto/ (a folder no other step removes) or none, new
// bytes or a new alt, a page bundle made or its image changed.
func (s *fakeSite) imageStep(k int) (string, []string) {
	picture := func(name string) string {
		format := "png"
		if strings.HasSuffix(name, ".jpg") {
			format = "jpeg"
		}
		// Small, so that resizing stays quick: 500 or 700 px wide.
		w := 500 + 200*s.r.IntN(2)
		return s.write(name, string(pictureBytes(s.t, w, 100+50*s.r.IntN(3), color.RGBA{uint8(s.r.IntN(256)), 0, uint8(s.r.IntN(256)), 255}, format)))
	}
	name := fmt.Sprintf("static/foto/%d.jpg", s.r.IntN(2))
	switch {
	case k < 3:
		a := s.articles[s.pick()]
		a.Image, a.Alt = strings.TrimPrefix(name, "static"), ""
		if s.r.IntN(2) == 0 {
			a.Alt = "Foto " + s.gen.Words(2)
		}
		paths := []string{s.save(a)}
		if _, err := os.Stat(filepath.Join(s.dir, name)); err != nil {
			paths = append(paths, picture(name))
		}
		return "give " + a.File + " the image " + name, paths
	case k < 5:
		if _, err := os.Stat(filepath.Join(s.dir, name)); err != nil {
			return "nothing", nil
		}
		return "new bytes for " + name, []string{picture(name)}
	case k < 7:
		for _, rel := range sortedKeys(s.articles) {
			if a := s.articles[rel]; a.Image != "" && !s.broken[rel] {
				a.Alt = "Gambar " + s.gen.Words(2)
				if s.r.IntN(3) == 0 {
					a.Image = ""
				}
				return "new alt or no image for " + rel, []string{s.save(a)}
			}
		}
		return "nothing", nil
	case k < 9:
		a := s.gen.Next()
		a.File = fmt.Sprintf("bundel-%d/index.md", s.r.IntN(3))
		a.Image, a.Alt = "gambar.png", "Gambar bundel"
		paths := []string{s.save(a), picture("content/" + path.Dir(a.File) + "/gambar.png")}
		if s.r.IntN(2) == 0 {
			paths = append(paths, s.write("content/"+path.Dir(a.File)+"/catatan.txt", s.gen.Words(4)))
		}
		return "make the bundle " + a.File, paths
	case k < 11:
		dir := fmt.Sprintf("content/bundel-%d", s.r.IntN(3))
		if _, err := os.Stat(filepath.Join(s.dir, dir, "gambar.png")); err != nil {
			return "nothing", nil
		}
		return "new bytes for " + dir + "/gambar.png", []string{picture(dir + "/gambar.png")}
	default:
		dir := fmt.Sprintf("content/bundel-%d", s.r.IntN(3))
		if _, err := os.Stat(filepath.Join(s.dir, dir, "catatan.txt")); err != nil {
			return "nothing", nil
		}
		return "remove " + dir + "/catatan.txt", []string{s.remove(dir + "/catatan.txt")}
	}
}

// linkLine starts the body of an article that links to another.
const linkLine = "Lihat juga [artikel lain]("

func unlinked(body string) string {
	if strings.HasPrefix(body, linkLine) {
		_, rest, _ := strings.Cut(body, "\n\n")
		return rest
	}
	return body
}

// dangling returns an article whose link leads to no article, or to
// more than one, or to one held back: what a build refuses.
func (s *fakeSite) dangling() string {
	for _, rel := range sortedKeys(s.articles) {
		body := s.articles[rel].Body
		if !strings.HasPrefix(body, linkLine) {
			continue
		}
		line, _, _ := strings.Cut(body, "\n")
		n, held := 0, false
		for _, o := range s.articles {
			if strings.Contains(line, `"/`+o.File+`"`) || strings.Contains(line, "post_url "+strings.TrimSuffix(path.Base(o.File), ".md")+" ") {
				n++
				held = held || o.Date.After(testNow)
			}
		}
		if n != 1 || held {
			return rel
		}
	}
	return ""
}

// hostileTheme is a whole theme that reads site-wide data from every page
// kind, in as many ways of the template language as it can: ranges over
// all articles with index, slice, break and continue, functions and fmt
// given whole articles, comparisons of views, cards of neighbours,
// fragments that read each page's title, a template that calls itself.
var hostileTheme = map[string]string{
	"base.html": `<!DOCTYPE html><html><head><title>{{.Title}}</title>{{.Fragment "partials/head.html"}}</head><body>
{{.Fragment "partials/nav.html"}}
<p>{{printf "%v|%s|%d" .Site . (len .Site.Articles)}} {{with index .Site.Days 0}}{{.Path}} {{len .Articles}}{{end}}</p>
{{range $i, $a := .Site.Articles}}{{if lt $i 3}}<a href="{{relURL $a.Path}}">{{$a}}</a>{{else}}{{break}}{{end}}{{end}}
<main>{{block "main" .}}{{end}}</main>
<footer>{{len .Site.Tags}} {{range slice .Site.Sources 0 1}}{{.Name}}:{{.Count}}{{end}} {{template "partials/rec.html" .Site.Sections}}</footer></body></html>`,
	"partials/head.html": `<meta name="x" content="{{.Title}} {{.Kind}} {{with .Term}}{{.Name}}{{end}}">{{range .Site.Sources}}<link rel="alternate" href="{{relURL .FeedPath}}">{{end}}`,
	"partials/nav.html":  `<nav>{{range .Site.Sections}}<a href="{{relURL .Path}}"{{if eq $.Term .}} aria-current="page"{{end}}>{{.Name}} ({{len .Articles}})</a>{{end}}{{with .Article}}{{.Section}}{{end}}</nav>`,
	"partials/rec.html":  `{{if .}}{{(index . 0).Name}} {{template "partials/rec.html" slice . 1}}{{end}}`,
	"partials/card.html": `<div class="card">{{.Title}} {{with .SectionTerm}}{{.Name}} {{.Count}}{{end}} {{.Params.source}} {{.Day.Path}} {{.Day.Count}}</div>`,
	"home.html":          `{{define "main"}}{{range .Groups}}<h2>{{.Day.Path}}</h2>{{range .Articles}}{{.Card}}{{end}}{{end}}{{range .Site.Articles}}{{if eq .Section "Dunia"}}{{.Title}}{{continue}}{{end}}{{end}}{{with .Pager}}{{.Number}}/{{.Next}}{{end}}{{end}}`,
	"article.html": `{{define "main"}}{{with .Article}}<h1>{{.}}</h1>{{.Content}} {{printf "%v %v" .Older .Newer}} {{if eq .Older .Newer}}same{{end}}
{{with .Newer}}{{.Card}}{{end}}{{range .Related}}{{.Card}}{{end}}
{{range .TagTerms}}{{.Name}} {{len .Articles}} {{range .Articles}}{{.Title}}{{break}}{{end}}{{end}} {{.Day.Count}} {{.ReadingTime}} {{.Words}}
{{range $k, $v := .Params}}{{$k}}={{$v}} {{end}}{{end}}{{$.Site.Intro}}{{end}}`,
	"list.html":    `{{define "main"}}<h1>{{.Term.Name}}</h1>{{range .Articles}}{{.Card}}{{end}}{{range .Term.Articles}}{{.Path}} {{end}}{{(index .Site.Years 0).Count}}{{range .Site.Months}}{{len .Days}}{{end}}{{end}}`,
	"edition.html": `{{define "main"}}{{range .BySection}}{{with .Term}}{{.Name}}{{end}}{{range .Articles}}{{.Card}}{{end}}{{end}}{{.Day.Articles | len}} {{range .Site.Days}}{{if eq . $.Day}}here{{end}}{{end}}{{end}}`,
	"archive.html": `{{define "main"}}{{range .Site.Days}}{{.Path}}:{{.Count}} {{end}}{{with .Month}}{{range .Days}}{{range .Articles}}{{.Title}}{{end}}{{end}}{{end}}{{with .Year}}{{range .Months}}{{.Count}}{{end}}{{end}}{{end}}`,
	"tags.html":    `{{define "main"}}{{range .Terms}}{{.Name}}{{range .Articles}}{{truncate 10 .Summary}}{{end}}{{end}}{{end}}`,
	"404.html":     `{{define "main"}}{{.Site.Articles | len}} {{with index .Site.Articles 0}}{{.Card}}{{end}}{{end}}`,
}

// themes are the whole themes a step may install, or a seed start with.
var themes = map[string]map[string]string{
	"hostile":     hostileTheme,
	"titles-only": titleTheme,
	"collections": collectionsTheme,
}

// newName names a generated article so that its URL differs from the
// first articles'.
// articlePath is where the built-in permalink puts a generated article.
func articlePath(a testsite.Article) string {
	slug := strings.TrimSuffix(filepath.Base(a.File), ".md")
	if len(slug) > 11 && slug[4] == '-' && slug[10] == '-' {
		slug = slug[11:]
	}
	return "/" + day(a) + "/" + slug + "/"
}

// day is an article's day in the site's time zone, as the theme's IDs
// and edition paths write it.
func day(a testsite.Article) string {
	jakarta, _ := time.LoadLocation("Asia/Jakarta")
	return a.Date.In(jakarta).Format("2006-01-02")
}

func newName(a testsite.Article) string {
	return a.Date.Format("2006-01-02") + "-baru-" + strings.TrimPrefix(filepath.Base(a.File), a.Date.Format("2006-01-02")+"-")
}

// readOutput reads every file below dir into a map, by slash path.
func readOutput(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = data
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// cleanBuild builds the site afresh, as the build command does, into
// opt.OutDir (a new folder when empty), and reads the output back, marker
// aside.
func cleanBuild(t *testing.T, opt Options) (map[string][]byte, error) {
	t.Helper()
	if opt.OutDir == "" {
		opt.OutDir = filepath.Join(t.TempDir(), "clean")
	}
	opt.Fresh = true // whatever a build into the same folder saved
	if _, err := Build(opt); err != nil {
		return nil, err
	}
	out := readOutput(t, opt.OutDir)
	delete(out, output.Marker)
	return out, nil
}

// sameOutput reports how two output trees differ.
func sameOutput(got, want map[string][]byte) []string {
	var diffs []string
	for _, name := range sortedKeys(want) {
		g, ok := got[name]
		switch {
		case !ok:
			diffs = append(diffs, "missing "+name)
		case !bytes.Equal(g, want[name]):
			diffs = append(diffs, "differs "+name)
		}
	}
	for _, name := range sortedKeys(got) {
		if _, ok := want[name]; !ok {
			diffs = append(diffs, "extra "+name)
		}
	}
	return diffs
}

// TestBuilderMatchesCleanBuild applies random sequences of edits,
// creations, renames, deletions, template, static and config changes to a
// site, rebuilds incrementally after each, and compares the output with a
// clean build of the same files, byte for byte.
func TestBuilderMatchesCleanBuild(t *testing.T) {
	steps := 32
	if testing.Short() {
		steps = 20
	}
	// Seeds 1 to 3 start with the built-in theme, the others with one of
	// the whole themes of the steps.
	for seed, theme := range []string{"built-in", "built-in", "built-in", "hostile", "hostile", "titles-only", "collections"} {
		seed := uint64(seed + 1)
		t.Run(fmt.Sprintf("seed=%d,theme=%s", seed, theme), func(t *testing.T) {
			s := newFakeSite(t, seed, 24)
			if theme != "built-in" {
				s.writeTheme(themes[theme])
			}
			incOut := filepath.Join(t.TempDir(), "inc")
			b, err := NewBuilder(Options{SiteDir: s.dir, OutDir: incOut, Now: testNow})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := b.Build(nil); err != nil {
				t.Fatal(err)
			}
			cleanOut := filepath.Join(t.TempDir(), "clean")
			var want map[string][]byte
			var history []string
			for i := range steps {
				name, paths := "start", []string(nil)
				if i > 0 {
					name, paths = s.step()
				}
				history = append(history, name)
				b.opt.Now = s.now
				rb, incErr := b.Build(paths)
				res, cleanErr := Build(Options{SiteDir: s.dir, OutDir: cleanOut, Now: s.now, Fresh: true})
				var clean map[string][]byte
				if cleanErr == nil {
					clean = readOutput(t, cleanOut)
					delete(clean, output.Marker)
					if g, w := fmt.Sprint(rb.Links), fmt.Sprint(res.Links); g != w {
						t.Fatalf("after %q the broken links are\n%s\nnot the clean build's\n%s\nsteps: %s", name, g, w, strings.Join(history, "; "))
					}
				}
				if (incErr == nil) != (cleanErr == nil) {
					t.Fatalf("after %q: the rebuild says %v, a clean build %v\nsteps: %s", name, incErr, cleanErr, strings.Join(history, "; "))
				}
				if cleanErr == nil {
					want = clean
					if !hasSearchIndex(want) {
						t.Fatalf("after %q the clean build has no search index, which this comparison must cover", name)
					}
				}
				got := readOutput(t, incOut)
				delete(got, output.Marker)
				if diffs := sameOutput(got, want); len(diffs) > 0 {
					t.Fatalf("after %q the output is not the clean build's: %s\nsteps: %s", name, strings.Join(diffs[:min(10, len(diffs))], ", "), strings.Join(history, "; "))
				}
				if testing.Verbose() {
					t.Logf("%-40s full=%-5v parsed=%-3d rendered=%-4d changed=%-4d pages=%d broken=%d err=%v", name, rb.Full, rb.Parsed, rb.Rendered, len(rb.Changed), rb.Pages, len(rb.Links), incErr)
				}
			}
		})
	}
}

// hasSearchIndex reports whether an output holds the search index's
// manifest, a term shard and a result chunk.
func hasSearchIndex(out map[string][]byte) bool {
	var shard, chunk bool
	for name := range out {
		shard = shard || strings.HasPrefix(name, search.Dir+"t-")
		chunk = chunk || strings.HasPrefix(name, search.Dir+"m-")
	}
	_, manifest := out[search.ManifestName]
	return shard && chunk && manifest
}

// TestBuilderDoesLittle checks that each kind of change does only its
// share of the work.
func TestBuilderDoesLittle(t *testing.T) {
	s := newFakeSite(t, 9, 60)
	b, err := NewBuilder(Options{SiteDir: s.dir, OutDir: filepath.Join(t.TempDir(), "out"), Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	rb, err := b.Build(nil)
	if err != nil {
		t.Fatal(err)
	}
	if !rb.Full || rb.Parsed != 60 {
		t.Fatalf("first build: full %v, parsed %d; want a full build of 60 articles", rb.Full, rb.Parsed)
	}
	total := rb.Pages
	build := func(paths ...string) Rebuild {
		t.Helper()
		rb, err := b.Build(paths)
		if err != nil {
			t.Fatal(err)
		}
		if rb.Full {
			t.Fatalf("%v: a full rebuild", paths)
		}
		return rb
	}
	keys := sortedKeys(s.articles)
	a := s.articles[keys[len(keys)/2]]
	jakarta, err := time.LoadLocation("Asia/Jakarta")
	if err != nil {
		t.Fatal(err)
	}
	pageOf := func(a testsite.Article) string {
		slug := strings.TrimSuffix(filepath.Base(a.File)[len("2006-01-02-"):], ".md")
		return a.Date.In(jakarta).Format("2006/01/02/") + slug + "/index.html"
	}

	// The last paragraph is not the summary: only the article's own page
	// shows it.
	a.Body += "\nSatu kalimat lagi di akhir.\n"
	rb = build(s.save(a))
	if rb.Parsed != 1 || !rb.Kept || rb.Rendered != 1 {
		t.Errorf("body edit: parsed %d articles, rendered %d pages or feeds, kept the model %v; want 1, 1, true", rb.Parsed, rb.Rendered, rb.Kept)
	}
	// Of the search index, the manifest and the term shards that hold
	// the new words; no result chunk, as the summary stayed.
	var pagesChanged, shards []string
	for _, c := range rb.Changed {
		switch {
		case strings.HasPrefix(c, search.Dir+"t-"):
			shards = append(shards, c)
		case c == search.ManifestName:
		default:
			pagesChanged = append(pagesChanged, c)
		}
	}
	if !slices.Equal(pagesChanged, []string{pageOf(a)}) || len(shards) == 0 || len(shards) > 6 || !slices.Contains(rb.Changed, search.ManifestName) {
		t.Errorf("body edit: changed %v, want only %s, the search manifest and a few term shards", rb.Changed, pageOf(a))
	}

	// A new title shows on the neighbours' pages, in lists and feeds, but
	// most pages stay.
	a.Title = "Judul yang benar-benar baru"
	rb = build(s.save(a))
	if rb.Parsed != 1 || rb.Rendered == 0 || rb.Rendered > total/3 || !rb.Kept {
		t.Errorf("title edit: parsed %d, rendered %d of %d pages, kept the model %v", rb.Parsed, rb.Rendered, total, rb.Kept)
	}
	for _, want := range []string{pageOf(a), "feed.xml", "sitemap-1.xml"} {
		if !slices.Contains(rb.Changed, want) && want != "sitemap-1.xml" {
			t.Errorf("title edit: %s not rewritten; changed %v", want, rb.Changed)
		}
		if slices.Contains(rb.Changed, want) && want == "sitemap-1.xml" {
			t.Errorf("title edit: the sitemap, which shows no titles, was rewritten")
		}
	}
	if !slices.ContainsFunc(rb.Changed, func(c string) bool { return c == "index.html" || strings.HasPrefix(c, "page/") }) {
		t.Errorf("title edit: no page of the front page's list rewritten; changed %v", rb.Changed)
	}

	// A template change parses nothing.
	rb = build(s.write("templates/partials/card.html", `<p class="card">{{.Title}}</p>`))
	if rb.Parsed != 0 || rb.Rendered == 0 {
		t.Errorf("template change: parsed %d, rendered %d", rb.Parsed, rb.Rendered)
	}
	if slices.Contains(rb.Changed, pageOf(a)) {
		t.Errorf("a change to the card template rewrote an article page, which shows no card")
	}

	// A static change copies that file.
	rb = build(s.write("static/css/extra.css", "p { margin: 0 }\n"))
	if rb.Parsed != 0 || rb.Rendered != 0 || !slices.Equal(rb.Changed, []string{"css/extra.css"}) {
		t.Errorf("static change: parsed %d, rendered %d, changed %v", rb.Parsed, rb.Rendered, rb.Changed)
	}

	// Saving a file unchanged changes nothing.
	rb = build(s.save(a))
	if rb.Parsed != 0 || len(rb.Changed) != 0 {
		t.Errorf("unchanged save: parsed %d, changed %v", rb.Parsed, rb.Changed)
	}

	// A config change rebuilds everything.
	rb, err = b.Build([]string{s.write("site.yaml", "title: Lain\nper_page: 5\n")})
	if err != nil {
		t.Fatal(err)
	}
	if !rb.Full || rb.Parsed != 60 {
		t.Errorf("config change: full %v, parsed %d", rb.Full, rb.Parsed)
	}
}

// TestBuilderBulk removes, then brings back, a folder of 150 articles,
// reported file by file as a watcher sees a checkout, and compares the
// output with a clean build each time.
func TestBuilderBulk(t *testing.T) {
	s := newFakeSite(t, 5, 10)
	out := filepath.Join(t.TempDir(), "out")
	b, err := NewBuilder(Options{SiteDir: s.dir, OutDir: out, Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	var saved []testsite.Article
	for range 150 {
		a := s.gen.Next()
		a.File = "massal/" + newName(a)
		files = append(files, s.save(a))
		saved = append(saved, a)
	}
	check := func(what string, paths []string, parsed int) {
		t.Helper()
		rb, err := b.Build(paths)
		if err != nil {
			t.Fatal(err)
		}
		if rb.Parsed != parsed {
			t.Errorf("%s: parsed %d articles, want %d", what, rb.Parsed, parsed)
		}
		clean, err := cleanBuild(t, Options{SiteDir: s.dir, Now: testNow})
		if err != nil {
			t.Fatal(err)
		}
		got := readOutput(t, out)
		delete(got, output.Marker)
		if diffs := sameOutput(got, clean); len(diffs) > 0 {
			t.Errorf("%s: not the clean build: %v", what, diffs[:min(5, len(diffs))])
		}
	}
	check("first build", nil, 160)
	os.RemoveAll(filepath.Join(s.dir, "content", "massal"))
	check("folder removed", append(slices.Clone(files), filepath.Join(s.dir, "content", "massal")), 0)
	for _, a := range saved {
		s.save(a)
	}
	check("folder back", files, 150)
}

// TestWarnsWhenEveryPageReadsEveryArticle: a theme that shows
// .Site.Articles on every page makes every page depend on every article;
// the build says so once, naming the template, and the built-in theme
// gets no such warning.
func TestWarnsWhenEveryPageReadsEveryArticle(t *testing.T) {
	s := newFakeSite(t, 11, 12)
	b, err := NewBuilder(Options{SiteDir: s.dir, OutDir: filepath.Join(t.TempDir(), "out"), Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	rb, err := b.Build(nil)
	if err != nil || len(rb.Warnings) != 0 {
		t.Fatalf("built-in theme: %v, warnings %q", err, rb.Warnings)
	}
	rb, err = b.Build([]string{s.write("templates/article.html", `{{define "main"}}{{range .Site.Articles}}{{.Title}}{{end}}{{end}}`)})
	if err != nil {
		t.Fatal(err)
	}
	if len(rb.Warnings) != 1 || rb.Warnings[0].File != "templates/article.html" || rb.Warnings[0].Severity != diag.Warning || !strings.Contains(rb.Warnings[0].Message, ".Site.Articles") {
		t.Fatalf("warnings %q; want one naming templates/article.html", rb.Warnings)
	}
	// Said once: an article edit renders those pages again, silently.
	a := s.articles[s.pick()]
	a.Title = "Judul lain"
	rb, err = b.Build([]string{s.save(a)})
	if err != nil || len(rb.Warnings) != 0 {
		t.Fatalf("second build: %v, warnings %q", err, rb.Warnings)
	}
	if rb.Rendered < 12 {
		t.Errorf("a title edit rendered %d pages; every article page shows every title", rb.Rendered)
	}
}

// TestFailedBuildForgetsNothing: the changes of a build that failed are
// still done by the next one, even when it is only told of another file.
func TestFailedBuildForgetsNothing(t *testing.T) {
	s := newFakeSite(t, 13, 10)
	out := filepath.Join(t.TempDir(), "out")
	b, err := NewBuilder(Options{SiteDir: s.dir, OutDir: out, Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Build(nil); err != nil {
		t.Fatal(err)
	}
	// One batch: a new article, an edited one, and a broken template.
	added := s.gen.Next()
	added.File = "baru/" + newName(added)
	edited := s.articles[s.pick()]
	edited.Body = "Paragraf baru yang lain.\n\n" + edited.Body
	paths := []string{s.save(added), s.save(edited), s.write("templates/article.html", `{{define "main"}}{{.Article.NoSuchField}}{{end}}`)}
	if _, err := b.Build(paths); err == nil {
		t.Fatal("a broken template built")
	}
	// The fix names the template alone.
	if _, err := b.Build([]string{s.remove("templates")}); err != nil {
		t.Fatal(err)
	}
	want, err := cleanBuild(t, Options{SiteDir: s.dir, Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	got := readOutput(t, out)
	delete(got, output.Marker)
	if diffs := sameOutput(got, want); len(diffs) > 0 {
		t.Errorf("after the fix the output is not the clean build's: %v", diffs[:min(5, len(diffs))])
	}
}

// A new article changes the front page of each list it joins and the
// newest page or two behind it, not every page of the list: the pages
// behind are numbered from the oldest and keep their stories, and the
// built-in theme shows a list's count on its front page only.
func TestNewArticleRendersFewListPages(t *testing.T) {
	s := newFakeSite(t, 11, 240)
	b, err := NewBuilder(Options{SiteDir: s.dir, OutDir: filepath.Join(t.TempDir(), "out"), Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	b.listRendered = true
	if _, err := b.Build(nil); err != nil {
		t.Fatal(err)
	}
	var newest testsite.Article
	for _, a := range s.articles {
		if a.Date.After(newest.Date) {
			newest = a
		}
	}
	for i := range 6 {
		a := s.gen.Next()
		a.Date = newest.Date.Add(time.Duration(i+1) * time.Minute)
		a.File = fmt.Sprintf("baru/%d.md", i)
		a.Section, a.Source, a.Tags = newest.Section, newest.Source, newest.Tags[:1]
		rb, err := b.Build([]string{s.save(a)})
		if err != nil {
			t.Fatal(err)
		}
		lists := map[string]int{}
		for _, p := range rb.rendered {
			if base, _, ok := strings.Cut(p, "page/"); ok {
				lists[base]++
			} else if strings.HasSuffix(p, "/index.html") && strings.Count(p, "/") <= 2 {
				lists[strings.TrimSuffix(p, "index.html")]++
			}
		}
		for _, base := range []string{"", "sections/" + site.TermSlug(a.Section) + "/", "tags/" + site.TermSlug(a.Tags[0]) + "/", "sources/" + site.TermSlug(a.Source) + "/"} {
			// The front page, the newest page behind it and, when that
			// page is new, the three before it, whose pagers link to it
			// or now leave out a page before it.
			if n := lists[base]; n == 0 || n > 5 {
				t.Errorf("new article %d: %d pages of the list /%s rendered; want the front page and at most four more", i, n, base)
			}
		}
		want, err := cleanBuild(t, Options{SiteDir: s.dir, Now: testNow})
		if err != nil {
			t.Fatal(err)
		}
		got := readOutput(t, b.opt.OutDir)
		delete(got, output.Marker)
		if diffs := sameOutput(got, want); len(diffs) > 0 {
			t.Fatalf("new article %d: the output is not the clean build's: %s", i, strings.Join(diffs[:min(10, len(diffs))], ", "))
		}
	}
}
