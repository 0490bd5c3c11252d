package pipeline

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kabar-news/kabar/generator/content"
	"github.com/kabar-news/kabar/generator/internal/testsite"
	"github.com/kabar-news/kabar/generator/markdown"
	"github.com/kabar-news/kabar/generator/site"
)

// repoRoot is the sample site: the repository root, two folders up.
func repoRoot(t testing.TB) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "content")); err != nil {
		t.Fatalf("the sample site is not at %s: %v", dir, err)
	}
	return dir
}

// copySite copies the sample site's sources into a fresh folder, for tests
// that change them.
func copySite(t *testing.T) string {
	t.Helper()
	dst := t.TempDir()
	if err := testsite.CopySample(repoRoot(t), dst); err != nil {
		t.Fatal(err)
	}
	return dst
}

// readTree reads every file below dir, dotfiles included.
func readTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	tree := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		tree[filepath.ToSlash(rel)] = string(data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return tree
}

// sameTree reports the differences between two trees, at most a few.
func sameTree(t *testing.T, what string, got, want map[string]string) {
	t.Helper()
	names := slices.Sorted(maps.Keys(want))
	for n := range got {
		if _, ok := want[n]; !ok {
			names = append(names, n)
		}
	}
	bad := 0
	for _, n := range names {
		g, gok := got[n]
		w, wok := want[n]
		switch {
		case !gok:
			t.Errorf("%s: %s is missing", what, n)
		case !wok:
			t.Errorf("%s: %s is new", what, n)
		case g != w:
			t.Errorf("%s: %s differs", what, n)
		default:
			continue
		}
		if bad++; bad == 10 {
			t.Fatalf("%s: more differences left out", what)
		}
	}
}

func build(t *testing.T, opt Options) Result {
	t.Helper()
	res, err := Build(opt)
	if err != nil {
		t.Fatalf("build %s: %v", opt.SiteDir, err)
	}
	return res
}

// contentFiles lists the sample's article files, read without the
// generator's own content package.
func contentFiles(t *testing.T, root string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(filepath.Join(root, "content"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if strings.HasSuffix(p, ".md") && !strings.HasPrefix(d.Name(), "_") {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

var jekyllName = regexp.MustCompile(`^(\d{4})-(\d{2})-(\d{2})-(.+)\.md$`)

// TestSampleSite builds the sample digest and checks the real output: every
// page the model promises, links, feeds, the sitemap and one article.
func TestSampleSite(t *testing.T) {
	root := repoRoot(t)
	out := filepath.Join(t.TempDir(), "public")
	s := testModel(t, Options{SiteDir: root})
	res := build(t, Options{SiteDir: root, OutDir: out})
	tree := readTree(t, out)

	// The articles, checked against the content files themselves: one per
	// file, its URL from the file's name (the sample sets no slug).
	files := contentFiles(t, root)
	if len(s.Articles) != len(files) || res.Articles != len(files) {
		t.Fatalf("%d content files, %d articles in the model, %d built", len(files), len(s.Articles), res.Articles)
	}
	byFile := map[string]*site.Article{}
	for _, a := range s.Articles {
		byFile[a.File] = a
	}
	for _, f := range files {
		rel, _ := filepath.Rel(filepath.Join(root, "content"), f)
		a := byFile[filepath.ToSlash(rel)]
		if a == nil {
			t.Errorf("content/%s is not in the site", rel)
			continue
		}
		slug := strings.TrimSuffix(filepath.Base(f), ".md")
		if slug == "index" { // a page bundle: the folder names it
			slug = filepath.Base(filepath.Dir(f))
		}
		if m := jekyllName.FindStringSubmatch(filepath.Base(f)); m != nil {
			slug = m[4]
			if !strings.HasPrefix(a.Path, "/"+m[1]+"/"+m[2]+"/"+m[3]+"/") {
				t.Errorf("content/%s: URL %s is not under its date", rel, a.Path)
			}
		}
		if want := "/" + a.Date.In(s.Config.Location).Format("2006/01/02") + "/" + slug + "/"; a.Path != want {
			t.Errorf("content/%s: URL %s, want %s", rel, a.Path, want)
		}
	}

	want := []string{
		"index.html", "404.html", "feed.xml", "atom.xml", "feed.json", "sitemap.xml", "robots.txt",
		"css/style.css", ".nojekyll", "archive/index.html", "tags/index.html", "sections/index.html", "sources/index.html",
	}
	per := s.Config.PerPage
	pagesOf := func(base string, n int) {
		want = append(want, strings.TrimPrefix(base, "/")+"index.html")
		// The front page, then pages numbered from the oldest.
		for k := 1; k < (n+per-1)/per; k++ {
			want = append(want, strings.TrimPrefix(base, "/")+"page/"+strconv.Itoa(k)+"/index.html")
		}
	}
	pagesOf("/", len(s.Articles))
	if len(s.Articles) <= per {
		t.Fatalf("the sample has %d articles, %d per page: it no longer tests pagination", len(s.Articles), per)
	}
	for _, a := range s.Articles {
		want = append(want, strings.TrimPrefix(a.Path, "/")+"index.html")
	}
	days := map[string]int{}
	for _, a := range s.Articles {
		days[a.Date.In(s.Config.Location).Format("2006/01/02")]++
	}
	for day, n := range days {
		pagesOf("/"+day+"/", n)
		want = append(want, day[:7]+"/index.html", day[:4]+"/index.html")
	}
	if len(s.Days) != len(days) {
		t.Errorf("%d days in the model, %d in the articles", len(s.Days), len(days))
	}
	for _, terms := range [][]*site.Term{s.Sections, s.Tags, s.Sources} {
		if len(terms) < 3 {
			t.Errorf("only %d terms of a kind: the sample should have several", len(terms))
		}
		for _, term := range terms {
			pagesOf(term.Path, len(term.Articles))
			want = append(want, strings.TrimPrefix(term.FeedPath(), "/"))
		}
	}
	for _, name := range want {
		if _, ok := tree[name]; !ok {
			t.Errorf("%s is missing from the output", name)
		}
	}
	// The term names, read from the front matter directly.
	fm := regexp.MustCompile(`(?m)^(section|source)\s*[:=]\s*"?([^"\n]+?)"?\s*$`)
	for _, f := range files {
		data, _ := os.ReadFile(f)
		for _, m := range fm.FindAllStringSubmatch(string(data), -1) {
			page := map[string]string{"section": "sections/", "source": "sources/"}[m[1]] + site.TermSlug(m[2]) + "/index.html"
			if !strings.Contains(tree[page], ">"+m[2]+"<") {
				t.Errorf("%s: %s %q has no page %s naming it", f, m[1], m[2], page)
			}
		}
	}

	rep := requireLinksResolve(t, out, s.Config.BaseURL)
	for _, page := range rep.pages {
		if page != "404.html" && !rep.linked[page] {
			t.Errorf("no page links to %s", page)
		}
	}

	checkFeeds(t, tree, s.Config.BaseURL, s.Articles)
	checkKursk(t, tree)
}

// checkFeeds parses the feeds and the sitemap and checks that each lists
// every article's absolute URL.
func checkFeeds(t *testing.T, tree map[string]string, baseURL string, articles []*site.Article) {
	t.Helper()
	var rss struct {
		Channel struct {
			Link  string `xml:"link"`
			Items []struct {
				Link string `xml:"link"`
				GUID string `xml:"guid"`
			} `xml:"item"`
		} `xml:"channel"`
	}
	var atom struct {
		Entries []struct {
			Links []struct {
				Href string `xml:"href,attr"`
			} `xml:"link"`
		} `xml:"entry"`
	}
	var jsonFeed struct {
		Version string `json:"version"`
		Home    string `json:"home_page_url"`
		Items   []struct {
			URL string `json:"url"`
			ID  string `json:"id"`
		} `json:"items"`
	}
	var sitemap struct {
		URLs []struct {
			Loc string `xml:"loc"`
		} `xml:"url"`
	}
	if err := xml.Unmarshal([]byte(tree["feed.xml"]), &rss); err != nil {
		t.Fatalf("feed.xml: %v", err)
	}
	if err := xml.Unmarshal([]byte(tree["atom.xml"]), &atom); err != nil {
		t.Fatalf("atom.xml: %v", err)
	}
	if err := json.Unmarshal([]byte(tree["feed.json"]), &jsonFeed); err != nil {
		t.Fatalf("feed.json: %v", err)
	}
	if err := xml.Unmarshal([]byte(tree["sitemap-1.xml"]), &sitemap); err != nil {
		t.Fatalf("sitemap-1.xml: %v", err)
	}
	lists := map[string][]string{}
	for _, it := range rss.Channel.Items {
		lists["feed.xml"] = append(lists["feed.xml"], it.Link)
	}
	for _, e := range atom.Entries {
		for _, l := range e.Links {
			lists["atom.xml"] = append(lists["atom.xml"], l.Href)
		}
	}
	for _, it := range jsonFeed.Items {
		lists["feed.json"] = append(lists["feed.json"], it.URL)
	}
	for _, u := range sitemap.URLs {
		lists["sitemap-1.xml"] = append(lists["sitemap-1.xml"], u.Loc)
	}
	if rss.Channel.Link != baseURL || jsonFeed.Home != baseURL {
		t.Errorf("feeds link to %q and %q, want the home page %q", rss.Channel.Link, jsonFeed.Home, baseURL)
	}
	for name, urls := range lists {
		if len(urls) < len(articles) {
			t.Errorf("%s lists %d URLs for %d articles", name, len(urls), len(articles))
		}
		for _, u := range urls {
			if !strings.HasPrefix(u, baseURL) {
				t.Errorf("%s: %s is not under the base URL %s", name, u, baseURL)
			}
		}
		for _, a := range articles {
			if !slices.Contains(urls, baseURL+strings.TrimPrefix(a.Path, "/")) {
				t.Errorf("%s does not list %s", name, baseURL+strings.TrimPrefix(a.Path, "/"))
			}
		}
	}
	// The news sitemap is there only with articles of the last two days,
	// and named only then.
	_, news := tree["sitemap-news.xml"]
	for name, want := range map[string]bool{"sitemap.xml": true, "sitemap-news.xml": news} {
		if line := "Sitemap: " + baseURL + name + "\n"; strings.Contains(tree["robots.txt"], line) != want {
			t.Errorf("robots.txt = %q: a line %q there %v, want %v", tree["robots.txt"], line, !want, want)
		}
	}
	for name, want := range map[string]bool{"sitemap-1.xml": true, "sitemap-news.xml": news} {
		if loc := "<loc>" + baseURL + name + "</loc>"; strings.Contains(tree["sitemap.xml"], loc) != want {
			t.Errorf("the sitemap index lists %s: %v, want %v:\n%s", name, !want, want, tree["sitemap.xml"])
		}
	}
}

// checkKursk checks the article page of the North Korea story: its date in
// Indonesian, its source with a link, and the agency it came through.
func checkKursk(t *testing.T, tree map[string]string) {
	t.Helper()
	page := tree["2025/04/28/korea-utara-akui-kirim-pasukan-ke-rusia/index.html"]
	if page == "" {
		t.Fatal("the Kursk article page is missing")
	}
	for _, want := range []string{
		`<h1>Korea Utara Akui Kirim Pasukan ke Rusia untuk Bantu Rebut Kembali Kursk</h1>`,
		`<time datetime="2025-04-28T14:30:00+07:00">Senin, 28 April 2025`, // minified: &#43; is +
		`<a href="https://www.riau24.com/berita/baca/korea-utara-akui-kirim-pasukan-ke-rusia-bantu-rebut-kursk" rel="noopener">RIAU24.COM</a>`,
		`Antara`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the Kursk article page lacks %s", want)
		}
	}
	attribution := page[strings.Index(page, `class="attribution"`):]
	attribution = attribution[:strings.Index(attribution, "</p>")]
	if !strings.Contains(attribution, "RIAU24.COM</a>") || !strings.Contains(attribution, "Antara") {
		t.Errorf("the attribution names the source and the agency: %s", attribution)
	}
}

// TestBuildIsReproducible builds twice, into the same folder and into a
// new one: every byte of every file is the same.
func TestBuildIsReproducible(t *testing.T) {
	root := repoRoot(t)
	out := filepath.Join(t.TempDir(), "public")
	build(t, Options{SiteDir: root, OutDir: out})
	first := readTree(t, out)
	build(t, Options{SiteDir: root, OutDir: out})
	sameTree(t, "rebuilt in place", readTree(t, out), first)
	other := filepath.Join(t.TempDir(), "site")
	build(t, Options{SiteDir: root, OutDir: other})
	sameTree(t, "built elsewhere", readTree(t, other), first)
	if len(first) < 50 {
		t.Fatalf("only %d files built", len(first))
	}
}

// TestFailedBuildKeepsOutput breaks one article: the build names the file
// and the previous output stays exactly as it was, with no leftovers.
func TestFailedBuildKeepsOutput(t *testing.T) {
	siteDir := copySite(t)
	parent := t.TempDir()
	out := filepath.Join(parent, "public")
	build(t, Options{SiteDir: siteDir, OutDir: out})
	before := readTree(t, out)

	broken := filepath.Join(siteDir, "content", "dunia", "2025-04-30-rusak.md")
	if err := os.WriteFile(broken, []byte("---\ntitle: Berita Rusak\ndate: kemarin sore\n---\nIsi.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Build(Options{SiteDir: siteDir, OutDir: out})
	if err == nil {
		t.Fatal("a build with a broken date succeeded")
	}
	if !strings.Contains(err.Error(), "content/dunia/2025-04-30-rusak.md") {
		t.Errorf("the error does not name the broken file: %v", err)
	}
	sameTree(t, "after a failed build", readTree(t, out), before)
	entries, _ := os.ReadDir(parent)
	if len(entries) != 1 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("beside the output after a failed build: %v, want only public", names)
	}
}

// TestBuildRefusesSourceFolders: an --out that would replace the sources
// fails before anything is written.
func TestBuildRefusesSourceFolders(t *testing.T) {
	siteDir := copySite(t)
	before := readTree(t, siteDir)
	for _, out := range []string{
		siteDir,
		filepath.Join(siteDir, "content"),
		filepath.Join(siteDir, "templates"),
		filepath.Join(siteDir, "static"),
		filepath.Join(siteDir, "content", "dunia"),
		filepath.Dir(siteDir),
		siteDir + string(filepath.Separator) + ".",
	} {
		_, err := Build(Options{SiteDir: siteDir, OutDir: out})
		if err == nil || !strings.Contains(err.Error(), "refusing") {
			t.Errorf("--out %s: err = %v, want a refusal", out, err)
		}
	}
	sameTree(t, "the site after refused builds", readTree(t, siteDir), before)

	// A folder someone else filled is not replaced either.
	foreign := t.TempDir()
	if err := os.WriteFile(filepath.Join(foreign, "thesis.txt"), []byte("keep me"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Build(Options{SiteDir: siteDir, OutDir: foreign}); err == nil {
		t.Error("the build replaced a folder it did not write")
	}
	if got := readTree(t, foreign); len(got) != 1 || got["thesis.txt"] != "keep me" {
		t.Errorf("the foreign folder changed: %v", slices.Sorted(maps.Keys(got)))
	}
}

// TestDeletedArticleDisappears removes an article: its page, the tag only
// it had, and its sitemap entry are gone after the rebuild.
func TestDeletedArticleDisappears(t *testing.T) {
	siteDir := copySite(t)
	out := filepath.Join(t.TempDir(), "public")
	build(t, Options{SiteDir: siteDir, OutDir: out})
	const page = "2025/04/28/korea-utara-akui-kirim-pasukan-ke-rusia/index.html"
	tree := readTree(t, out)
	for _, name := range []string{page, "tags/kursk/index.html", "tags/kursk/feed.xml"} {
		if _, ok := tree[name]; !ok {
			t.Fatalf("%s is missing before the deletion", name)
		}
	}
	if err := os.Remove(filepath.Join(siteDir, "content", "dunia", "2025-04-28-korea-utara-akui-kirim-pasukan-ke-rusia.md")); err != nil {
		t.Fatal(err)
	}
	build(t, Options{SiteDir: siteDir, OutDir: out})
	tree = readTree(t, out)
	for _, name := range []string{page, "tags/kursk/index.html", "tags/kursk/feed.xml"} {
		if _, ok := tree[name]; ok {
			t.Errorf("%s is still there after its article was deleted", name)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "2025", "04", "28", "korea-utara-akui-kirim-pasukan-ke-rusia")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the deleted article's folder remains: %v", err)
	}
	for name, data := range tree {
		if strings.Contains(data, "korea-utara-akui-kirim-pasukan-ke-rusia") {
			t.Errorf("%s still links to the deleted article", name)
		}
	}
	if _, ok := tree["2025/04/28/index.html"]; !ok {
		t.Error("the edition of 28 April, which has another article, is gone")
	}
	requireLinksResolve(t, out, "https://example.github.io/kabar/")
}

// testModel reads and parses the site's articles as a build does, without
// a build, so that tests can check the output against the model.
func testModel(t *testing.T, opt Options) *site.Site {
	t.Helper()
	opt.Now = cmpOrNow(opt.Now)
	cfg, err := loadConfig(opt)
	if err != nil {
		t.Fatal(err)
	}
	md := markdown.New(cfg.UnsafeHTML)
	contentDir := filepath.Join(opt.SiteDir, "content")
	var list []*content.Article
	err = walkArticles(opt.SiteDir, contentDir, contentDir, func(rel string, linkErr error) {
		if linkErr != nil {
			t.Fatal(linkErr)
		}
		data, err := readArticle(contentDir, rel)
		if err != nil {
			t.Fatal(err)
		}
		a, err := content.Parse(rel, "content/"+rel, data, content.Options{Location: cfg.Location, Markdown: md})
		if err != nil {
			t.Fatal(err)
		}
		if included(opt, a) {
			list = append(list, a)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	intro, err := loadIntro(contentDir, md)
	if err != nil {
		t.Fatal(err)
	}
	s, err := site.New(cfg, intro, list)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func cmpOrNow(t time.Time) time.Time {
	if t.IsZero() {
		return time.Now()
	}
	return t
}
