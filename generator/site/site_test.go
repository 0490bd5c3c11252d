package site

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // Asia/Jakarta without a zoneinfo database

	"github.com/kabar-news/kabar/generator/config"
	"github.com/kabar-news/kabar/generator/content"
)

var jakarta = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Jakarta")
	if err != nil {
		panic(err)
	}
	return loc
}()

// cfg returns the default config with changes applied.
func cfg(t *testing.T, change func(c *config.Config)) *config.Config {
	t.Helper()
	c := config.Default()
	if change != nil {
		change(c)
	}
	return c
}

// art is an article in content/<file> whose slug is the file's base name.
func art(file, title, date string, tags ...string) *content.Article {
	d, err := content.ParseDate(date, jakarta)
	if err != nil {
		panic(err)
	}
	slug := file[strings.LastIndexByte(file, '/')+1:]
	slug = strings.TrimSuffix(slug, ".md")
	return &content.Article{File: file, Title: title, Date: d, Slug: slug, Tags: tags}
}

func mustNew(t *testing.T, c *config.Config, list ...*content.Article) *Site {
	t.Helper()
	s, err := New(c, "", list)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return s
}

func paths[T any](list []T, path func(T) string) []string {
	out := make([]string, len(list))
	for i, x := range list {
		out[i] = path(x)
	}
	return out
}

func articlePaths(list []*Article) []string {
	return paths(list, func(a *Article) string { return a.Path })
}
func articleFiles(list []*Article) []string {
	return paths(list, func(a *Article) string { return a.File })
}

func TestPermalinks(t *testing.T) {
	withSection := func(a *content.Article, section string) *content.Article { a.Section = section; return a }
	tests := []struct {
		pattern string
		a       *content.Article
		want    string
	}{
		{"", art("ekonomi/rupiah-menguat.md", "x", "2025-04-28 14:30"), "/2025/04/28/rupiah-menguat/"},
		{"/:year/:month/:slug/", art("a/b.md", "x", "2025-01-05"), "/2025/01/b/"},
		{"/:section/:slug/", withSection(art("a/b.md", "x", "2025-01-05"), "Ekonomi & Bisnis"), "/ekonomi-and-bisnis/b/"},
		{"/:section/:slug/", art("a/b.md", "x", "2025-01-05"), "/artikel/b/"},
		{"/:section/:slug/", withSection(art("a/b.md", "x", "2025-01-05"), "../.."), "/t-" + hash8("../..") + "/b/"},
		{"/berita/:slug.html/", art("a/b.md", "x", "2025-01-05"), "/berita/b.html/"},
		// 23:30 UTC on 28 April is already 29 April in Jakarta.
		{"", art("a/malam.md", "x", "2025-04-28T23:30:00Z"), "/2025/04/29/malam/"},
		{"", art("a/tahun-baru.md", "x", "2024-12-31T17:00:00Z"), "/2025/01/01/tahun-baru/"},
	}
	for _, tt := range tests {
		c := cfg(t, func(c *config.Config) {
			if tt.pattern != "" {
				c.Permalink = tt.pattern
			}
		})
		s := mustNew(t, c, tt.a)
		if got := s.Articles[0].Path; got != tt.want {
			t.Errorf("%s with %q: Path = %q, want %q", tt.a.File, c.Permalink, got, tt.want)
		}
	}
}

func hash8(name string) string {
	s := TermSlug(name)
	return strings.TrimPrefix(s, "t-")
}

func TestSortOrder(t *testing.T) {
	list := []*content.Article{
		art("a/lama.md", "Lama", "2025-04-27 09:00"),
		art("b/sama.md", "Sama", "2025-04-28 10:00"),
		art("a/sama.md", "Sama", "2025-04-28 10:00"),
		art("a/beta.md", "Beta", "2025-04-28 10:00"),
		art("a/alfa.md", "Alfa", "2025-04-28T03:00:00Z"), // 10:00 in Jakarta: the same instant
		art("a/baru.md", "Baru", "2025-04-28 11:00"),
	}
	want := []string{"a/baru.md", "a/alfa.md", "a/beta.md", "a/sama.md", "b/sama.md", "a/lama.md"}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 20 {
		shuffled := append([]*content.Article(nil), list...)
		rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		// a/sama.md and b/sama.md would share one URL; give them a section each.
		c := cfg(t, func(c *config.Config) { c.Permalink = "/:section/:slug/" })
		for _, a := range shuffled {
			a.Section = a.File[:1]
		}
		s := mustNew(t, c, shuffled...)
		if got := articleFiles(s.Articles); !reflect.DeepEqual(got, want) {
			t.Fatalf("shuffle %d: order = %v, want %v", i, got, want)
		}
	}
}

func TestPrevNext(t *testing.T) {
	s := mustNew(t, cfg(t, nil),
		art("a/satu.md", "Satu", "2025-04-26"),
		art("a/dua.md", "Dua", "2025-04-27"),
		art("a/tiga.md", "Tiga", "2025-04-28"),
	)
	name := func(a *Article) string {
		if a == nil {
			return "-"
		}
		return a.Title
	}
	var got []string
	for _, a := range s.Articles {
		got = append(got, fmt.Sprintf("%s<%s>%s", name(a.Newer), a.Title, name(a.Older)))
	}
	want := []string{"-<Tiga>Dua", "Tiga<Dua>Satu", "Dua<Satu>-"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("newer<article>older = %v, want %v", got, want)
	}
}

func TestDates(t *testing.T) {
	s := mustNew(t, cfg(t, nil),
		art("a/malam.md", "Malam", "2025-04-28T23:30:00Z"), // 29 April, 06:30 in Jakarta
		art("a/pagi.md", "Pagi", "2025-04-29 05:00"),
		art("a/siang.md", "Siang", "2025-04-28 12:00"),
		art("a/maret.md", "Maret", "2025-03-31 23:59"),
		art("a/lalu.md", "Lalu", "2024-12-31 23:59"),
	)
	var days []string
	for _, d := range s.Days {
		days = append(days, fmt.Sprintf("%s %s %v", d.Path, d.Date.Format(time.RFC3339), articleFiles(d.Articles)))
	}
	wantDays := []string{
		"/2025/04/29/ 2025-04-29T00:00:00+07:00 [a/malam.md a/pagi.md]",
		"/2025/04/28/ 2025-04-28T00:00:00+07:00 [a/siang.md]",
		"/2025/03/31/ 2025-03-31T00:00:00+07:00 [a/maret.md]",
		"/2024/12/31/ 2024-12-31T00:00:00+07:00 [a/lalu.md]",
	}
	if !reflect.DeepEqual(days, wantDays) {
		t.Errorf("Days =\n%s\nwant\n%s", strings.Join(days, "\n"), strings.Join(wantDays, "\n"))
	}
	var months []string
	for _, m := range s.Months {
		months = append(months, fmt.Sprintf("%s %d %v", m.Path, m.Count, paths(m.Days, func(d *Day) string { return d.Path })))
	}
	wantMonths := []string{"/2025/04/ 3 [/2025/04/29/ /2025/04/28/]", "/2025/03/ 1 [/2025/03/31/]", "/2024/12/ 1 [/2024/12/31/]"}
	if !reflect.DeepEqual(months, wantMonths) {
		t.Errorf("Months = %q, want %q", months, wantMonths)
	}
	var years []string
	for _, y := range s.Years {
		years = append(years, fmt.Sprintf("%s %d %v", y.Path, y.Count, paths(y.Months, func(m *Month) string { return m.Path })))
	}
	wantYears := []string{"/2025/ 4 [/2025/04/ /2025/03/]", "/2024/ 1 [/2024/12/]"}
	if !reflect.DeepEqual(years, wantYears) {
		t.Errorf("Years = %q, want %q", years, wantYears)
	}
	if s.Articles[0].Day != s.Days[0] {
		t.Errorf("the newest article's Day is %s, want %s", s.Articles[0].Day.Path, s.Days[0].Path)
	}
}

func TestTerms(t *testing.T) {
	a := art("a/satu.md", "Satu", "2025-04-28", "Rupiah", "Bank Indonesia")
	a.Section, a.Source = "Ekonomi", "ANTARA"
	b := art("a/dua.md", "Dua", "2025-04-27", "rupiah", "BANK INDONESIA", "Dolar AS")
	b.Section, b.Source = "ekonomi", "Antara"
	c := art("a/tiga.md", "Tiga", "2025-04-26", "!!!", "..")
	c.Section, c.Source = "Dunia", "Reuters"
	s := mustNew(t, cfg(t, nil), a, b, c)

	describe := func(terms []*Term) []string {
		var out []string
		for _, t := range terms {
			out = append(out, fmt.Sprintf("%s %s %s %v", t.Kind, t.Name, t.Path, articleFiles(t.Articles)))
		}
		return out
	}
	wantTags := []string{
		"tag !!! /tags/t-" + hash8("!!!") + "/ [a/tiga.md]",
		"tag .. /tags/t-" + hash8("..") + "/ [a/tiga.md]",
		"tag Bank Indonesia /tags/bank-indonesia/ [a/satu.md a/dua.md]",
		"tag Dolar AS /tags/dolar-as/ [a/dua.md]",
		"tag Rupiah /tags/rupiah/ [a/satu.md a/dua.md]",
	}
	if got := describe(s.Tags); !reflect.DeepEqual(got, wantTags) {
		t.Errorf("Tags =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(wantTags, "\n"))
	}
	wantSections := []string{"section Dunia /sections/dunia/ [a/tiga.md]", "section Ekonomi /sections/ekonomi/ [a/satu.md a/dua.md]"}
	if got := describe(s.Sections); !reflect.DeepEqual(got, wantSections) {
		t.Errorf("Sections = %q, want %q", got, wantSections)
	}
	wantSources := []string{"source ANTARA /sources/antara/ [a/satu.md a/dua.md]", "source Reuters /sources/reuters/ [a/tiga.md]"}
	if got := describe(s.Sources); !reflect.DeepEqual(got, wantSources) {
		t.Errorf("Sources = %q, want %q", got, wantSources)
	}
	dua := s.Articles[1]
	if got := paths(dua.TagTerms, func(t *Term) string { return t.Name }); !reflect.DeepEqual(got, []string{"Rupiah", "Bank Indonesia", "Dolar AS"}) {
		t.Errorf("dua's TagTerms = %v", got)
	}
	if dua.SectionTerm.Name != "Ekonomi" || dua.SourceTerm.Name != "ANTARA" {
		t.Errorf("dua's section, source = %s, %s", dua.SectionTerm.Name, dua.SourceTerm.Name)
	}
	if got := s.Tags[4].FeedPath(); got != "/tags/rupiah/feed.xml" {
		t.Errorf("FeedPath = %q", got)
	}
}

func TestTermSlug(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Bank Indonesia", "bank-indonesia"},
		{"BANK indonesia", "bank-indonesia"},
		{"Pemilu 2024", "pemilu-2024"},
		{"Ekonomi & Bisnis", "ekonomi-and-bisnis"},
		{"Корея", "koreia"},
		{"../../etc", "etc"},
	}
	for _, tt := range tests {
		if got := TermSlug(tt.in); got != tt.want {
			t.Errorf("TermSlug(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	// Names with no letters or digits get distinct, stable, safe slugs.
	seen := map[string]string{}
	for _, name := range []string{"!!!", "...", "..", "/", "🙂", "🙃"} {
		s := TermSlug(name)
		if !strings.HasPrefix(s, "t-") || len(s) != 10 || strings.ContainsAny(s, "./") || TermSlug(name) != s {
			t.Errorf("TermSlug(%q) = %q", name, s)
		}
		if other, ok := seen[s]; ok {
			t.Errorf("TermSlug(%q) = TermSlug(%q) = %q", name, other, s)
		}
		seen[s] = name
	}
}

func TestRelated(t *testing.T) {
	s := mustNew(t, cfg(t, nil),
		art("a/pusat.md", "Pusat", "2025-04-28", "x", "y", "z"),
		art("a/dua-tag.md", "Dua tag", "2025-04-20", "x", "y"),
		art("a/satu-dekat.md", "Satu dekat", "2025-04-27", "z"),
		art("a/satu-jauh.md", "Satu jauh", "2025-04-01", "x"),
		art("a/tiga-tag.md", "Tiga tag", "2025-03-01", "x", "y", "z"),
		art("a/lain.md", "Lain", "2025-04-28 01:00", "w"),
		art("a/satu-lagi.md", "Satu lagi", "2025-04-26", "y"),
	)
	var pusat *Article
	for _, a := range s.Articles {
		if a.File == "a/pusat.md" {
			pusat = a
		}
	}
	want := []string{"a/tiga-tag.md", "a/dua-tag.md", "a/satu-dekat.md", "a/satu-lagi.md"}
	if got := articleFiles(pusat.Related); !reflect.DeepEqual(got, want) {
		t.Errorf("Related = %v, want %v", got, want)
	}
	for _, a := range s.Articles {
		if a.File == "a/lain.md" && len(a.Related) != 0 {
			t.Errorf("an article sharing no tag has Related %v", articleFiles(a.Related))
		}
	}
}

func TestURLClash(t *testing.T) {
	_, err := New(cfg(t, nil), "", []*content.Article{
		art("ekonomi/rupiah.md", "Rupiah A", "2025-04-28 09:00"),
		art("dunia/rupiah.md", "Rupiah B", "2025-04-28 15:00"),
		art("dunia/lain.md", "Lain", "2025-04-28 15:00"),
	})
	want := "content/ekonomi/rupiah.md: has the URL /2025/04/28/rupiah/, as content/dunia/rupiah.md does: give one of them another slug (add slug: ... to its front matter)"
	if err == nil || err.Error() != want {
		t.Errorf("error = %v\nwant    %s", err, want)
	}
}

func TestCheckClashes(t *testing.T) {
	c := cfg(t, func(c *config.Config) { c.Permalink = "/:slug/" })
	s := mustNew(t, c, art("a/archive.md", "Arsip", "2025-04-28"), art("a/feed.md", "Umpan", "2025-04-27"))
	err := CheckClashes(s.Pages(), map[string]string{"css/style.css": "static/css/style.css", "Archive/index.html": "static/Archive/index.html"})
	want := []string{
		"content/a/archive.md: writes archive/index.html, as the archive page /archive/ does: rename one of them",
		"static/Archive/index.html: writes Archive/index.html, as content/a/archive.md does: rename one of them",
	}
	if err == nil || !reflect.DeepEqual(strings.Split(err.Error(), "\n"), want) {
		t.Errorf("error =\n%v\nwant\n%s", err, strings.Join(want, "\n"))
	}
	s = mustNew(t, cfg(t, nil), art("a/archive.md", "Arsip", "2025-04-28"))
	if err := CheckClashes(s.Pages(), map[string]string{"feed.xml": "the generated feed.xml"}); err != nil {
		t.Errorf("no clash: %v", err)
	}
}

func TestPagePath(t *testing.T) {
	tests := []struct {
		base string
		n    int
		want string
	}{
		{"/", 0, "/"}, {"/", 1, "/page/1/"}, {"/", 2, "/page/2/"},
		{"/tags/rupiah/", 0, "/tags/rupiah/"}, {"/tags/rupiah/", 12, "/tags/rupiah/page/12/"},
	}
	for _, tt := range tests {
		if got := PagePath(tt.base, tt.n); got != tt.want {
			t.Errorf("PagePath(%q, %d) = %q, want %q", tt.base, tt.n, got, tt.want)
		}
	}
}

func TestSpans(t *testing.T) {
	tests := []struct {
		name   string
		cut    func(n, per int) []span
		n, per int
		want   []span
	}{
		{"empty", byAge, 0, 10, []span{{0, 0, 0}}},
		{"one page", byAge, 10, 10, []span{{0, 0, 10}}},
		{"a short page behind", byAge, 16, 10, []span{{0, 0, 10}, {1, 10, 16}}},
		{"full pages", byAge, 30, 10, []span{{0, 0, 10}, {2, 10, 20}, {1, 20, 30}}},
		{"the newest page short", byAge, 31, 10, []span{{0, 0, 10}, {3, 10, 11}, {2, 11, 21}, {1, 21, 31}}},
		{"edition", inOrder, 450, 200, []span{{0, 0, 200}, {2, 200, 400}, {3, 400, 450}}},
		{"empty edition", inOrder, 0, 200, []span{{0, 0, 0}}},
	}
	for _, tt := range tests {
		if got := tt.cut(tt.n, tt.per); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: %d by %d = %v, want %v", tt.name, tt.n, tt.per, got, tt.want)
		}
	}
}

func TestWindow(t *testing.T) {
	links := func(n int) []PageLink {
		out := make([]PageLink, n)
		for i := range out {
			out[i].Number = i
		}
		return out
	}
	// describe is the window's numbers, the current one starred and a
	// gap as "…".
	describe := func(ls []PageLink) string {
		var out []string
		for _, l := range ls {
			if l.Gap {
				out = append(out, "…")
			}
			s := strconv.Itoa(l.Number)
			if l.Current {
				s += "*"
			}
			out = append(out, s)
		}
		return strings.Join(out, " ")
	}
	tests := []struct {
		i, total int
		want     string
	}{
		{0, 1, "0*"},
		{0, 2, "0* 1"},
		{0, 10, "0* 1 2 … 9"},
		{5, 10, "0 … 3 4 5* 6 7 … 9"},
		{9, 10, "0 … 7 8 9*"},
		{3, 10, "0 1 2 3* 4 5 … 9"},
		{2500, 5000, "0 … 2498 2499 2500* 2501 2502 … 4999"},
	}
	for _, tt := range tests {
		if got := describe(window(links(tt.total), tt.i)); got != tt.want {
			t.Errorf("window of %d on %d = %q, want %q", tt.total, tt.i, got, tt.want)
		}
	}
}

// describePager is "number prev next [links]", the current link starred.
func describePager(p *Pager) string {
	var links []string
	for _, l := range p.Links {
		s := l.Label + ":" + l.Path
		if l.Current {
			s += "*"
		}
		links = append(links, s)
	}
	return fmt.Sprintf("%d %q %q %v", p.Number, p.Prev, p.Next, links)
}

func TestPagination(t *testing.T) {
	var list []*content.Article
	for i := range 5 {
		a := art(fmt.Sprintf("a/berita-%d.md", i), fmt.Sprintf("Berita %d", i), fmt.Sprintf("2025-04-%02d", 20+i), "Rupiah")
		list = append(list, a)
	}
	s := mustNew(t, cfg(t, func(c *config.Config) { c.PerPage = 2 }), list...)
	var got []string
	for _, p := range s.Pages() {
		if p.Kind == "home" || p.Kind == "tag" {
			got = append(got, fmt.Sprintf("%s %s %s %v", p.Kind, p.Path, describePager(p.Pager), articleFiles(p.Articles)))
		}
	}
	want := []string{
		`home / 0 "" "/page/2/" [Terbaru:/* 2:/page/2/ 1:/page/1/] [a/berita-4.md a/berita-3.md]`,
		`home /page/2/ 2 "/" "/page/1/" [Terbaru:/ 2:/page/2/* 1:/page/1/] [a/berita-2.md]`,
		`home /page/1/ 1 "/page/2/" "" [Terbaru:/ 2:/page/2/ 1:/page/1/*] [a/berita-1.md a/berita-0.md]`,
		`tag /tags/rupiah/ 0 "" "/tags/rupiah/page/2/" [Terbaru:/tags/rupiah/* 2:/tags/rupiah/page/2/ 1:/tags/rupiah/page/1/] [a/berita-4.md a/berita-3.md]`,
		`tag /tags/rupiah/page/2/ 2 "/tags/rupiah/" "/tags/rupiah/page/1/" [Terbaru:/tags/rupiah/ 2:/tags/rupiah/page/2/* 1:/tags/rupiah/page/1/] [a/berita-2.md]`,
		`tag /tags/rupiah/page/1/ 1 "/tags/rupiah/page/2/" "" [Terbaru:/tags/rupiah/ 2:/tags/rupiah/page/2/ 1:/tags/rupiah/page/1/*] [a/berita-1.md a/berita-0.md]`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("pages =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// An archive page keeps its address, its stories and its pager as newer
// articles arrive, but for the newest pages: a link to page 3 of a topic
// shows the same stories next year, and a build after an import renders
// a few pages of each list, not all of them.
func TestOldPagesStayAsTheListGrows(t *testing.T) {
	const per = 3
	pagesOf := func(n int) map[string]string {
		var list []*content.Article
		for i := range n {
			list = append(list, art(fmt.Sprintf("a/b-%02d.md", i), fmt.Sprintf("B %d", i), fmt.Sprintf("2025-04-%02d", 1+i), "Rupiah"))
		}
		s := mustNew(t, cfg(t, func(c *config.Config) { c.PerPage = per }), list...)
		out := map[string]string{}
		for _, p := range s.Pages() {
			if p.Kind == "tag" {
				out[p.Path] = describePager(p.Pager) + fmt.Sprint(articleFiles(p.Articles))
			}
		}
		return out
	}
	before := pagesOf(20)
	for n := 21; n <= 28; n++ {
		after := pagesOf(n)
		changed := 0
		for path, was := range before {
			if after[path] != was {
				changed++
			}
		}
		// The front page, the page the front page's oldest story moves
		// to and, when that page is new, the two pages whose pagers now
		// also link to it.
		if changed > 3 {
			t.Errorf("%d articles: %d of %d pages changed; want the front page and at most two more", n, changed, len(before))
		}
		for _, path := range []string{"/tags/rupiah/page/1/", "/tags/rupiah/page/2/", "/tags/rupiah/page/3/"} {
			if was := before[path]; after[path] != was {
				t.Errorf("%d articles: %s changed:\n%s\nwas\n%s", n, path, after[path], was)
			}
		}
		before = after
	}
}

func TestEmptySite(t *testing.T) {
	s := mustNew(t, cfg(t, nil))
	var got []string
	for _, p := range s.Pages() {
		got = append(got, p.Kind+" "+p.File())
		if p.Kind == "home" && (p.Pager.Next != "" || p.Pager.Number != 0 || len(p.Articles) != 0) {
			t.Errorf("empty home pager = %s", describePager(p.Pager))
		}
	}
	want := []string{"home index.html", "archive archive/index.html", "tags tags/index.html", "sections sections/index.html", "sources sources/index.html", "search search/index.html", "404 404.html"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("pages = %q, want %q", got, want)
	}
}

func TestPages(t *testing.T) {
	a := art("ekonomi/rupiah.md", "Rupiah Menguat", "2025-04-28 14:30", "Rupiah")
	a.Section, a.Source = "Ekonomi", "Antara"
	s := mustNew(t, cfg(t, nil), a, art("dunia/asean.md", "ASEAN", "2025-04-27 09:00"))
	var got []string
	for _, p := range s.Pages() {
		got = append(got, fmt.Sprintf("%s %s %s %q %s", p.Kind, p.Template, p.File(), p.Title, p.Feed))
	}
	want := []string{
		`home home.html index.html "Kabar Harian" /feed.xml`,
		`article article.html 2025/04/28/rupiah/index.html "Rupiah Menguat" /feed.xml`,
		`article article.html 2025/04/27/asean/index.html "ASEAN" /feed.xml`,
		`section list.html sections/ekonomi/index.html "Ekonomi" /sections/ekonomi/feed.xml`,
		`tag list.html tags/rupiah/index.html "Rupiah" /tags/rupiah/feed.xml`,
		`source list.html sources/antara/index.html "Antara" /sources/antara/feed.xml`,
		`edition edition.html 2025/04/28/index.html "Senin, 28 April 2025" /feed.xml`,
		`edition edition.html 2025/04/27/index.html "Minggu, 27 April 2025" /feed.xml`,
		`month archive.html 2025/04/index.html "April 2025" /feed.xml`,
		`year archive.html 2025/index.html "2025" /feed.xml`,
		`archive archive.html archive/index.html "Arsip" /feed.xml`,
		`tags tags.html tags/index.html "Topik" /feed.xml`,
		`sections tags.html sections/index.html "Rubrik" /feed.xml`,
		`sources tags.html sources/index.html "Sumber" /feed.xml`,
		`search search.html search/index.html "Cari" /feed.xml`,
		`404 404.html 404.html "Halaman tidak ditemukan" `,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("pages =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestGroups(t *testing.T) {
	s := mustNew(t, cfg(t, nil),
		art("a/satu.md", "Satu", "2025-04-28 10:00"),
		art("a/dua.md", "Dua", "2025-04-28 09:00"),
		art("a/tiga.md", "Tiga", "2025-04-27 09:00"),
	)
	p := &Page{Articles: s.Articles}
	var got []string
	for _, g := range p.Groups() {
		got = append(got, fmt.Sprintf("%s %v", g.Day.Path, articleFiles(g.Articles)))
	}
	want := []string{"/2025/04/28/ [a/satu.md a/dua.md]", "/2025/04/27/ [a/tiga.md]"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Groups = %q, want %q", got, want)
	}
}
