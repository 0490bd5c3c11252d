package pipeline

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kabar-news/kabar/generator/output"
)

// TestNewsSitemapFollowsNow: a rebuild later than the last one, with no
// file changed, drops from the news sitemap what is now older than two
// days, and writes nothing else; the result is a clean build's at that
// time.
func TestNewsSitemapFollowsNow(t *testing.T) {
	s := newFakeSite(t, 21, 12)
	a := s.articles[s.pick()]
	a.Date = testNow.Add(-3 * time.Hour)
	s.save(a)
	b, out := built(t, s)
	news := func() string {
		data, err := os.ReadFile(filepath.Join(out, "sitemap-news.xml"))
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	validSitemaps(t, out, true)
	if !strings.Contains(news(), "<news:title>"+a.Title+"</news:title>") {
		t.Fatalf("the news sitemap lacks the article of three hours ago:\n%s", news())
	}
	// An hour later it is still there, and nothing is written.
	b.opt.Now = testNow.Add(time.Hour)
	rb, err := b.Build([]string{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rb.Changed) != 0 {
		t.Errorf("an hour later: %v rewritten", rb.Changed)
	}
	// Two days later it is gone, and with it the news sitemap, which
	// would be empty (a urlset without a url is invalid): robots.txt and
	// the index no longer name it.
	later := testNow.Add(46 * time.Hour)
	b.opt.Now = later
	if rb, err = b.Build([]string{}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(out, "sitemap-news.xml")); err == nil {
		t.Errorf("two days later: the news sitemap is still there:\n%s", news())
	}
	if !slices.Equal(rb.Changed, []string{"robots.txt", "sitemap-news.xml", "sitemap.xml"}) {
		t.Errorf("two days later: changed %v", rb.Changed)
	}
	validSitemaps(t, out, false)
	sameAsClean(t, s, out, later)

	// A new story brings it back.
	a = s.articles[s.pick()]
	a.Date = later.Add(-time.Hour)
	if _, err := b.Build([]string{s.save(a)}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(news(), "<news:title>"+a.Title+"</news:title>") {
		t.Errorf("the news sitemap lacks the new story:\n%s", news())
	}
	validSitemaps(t, out, true)
	sameAsClean(t, s, out, later)
}

// validSitemaps checks the sitemaps of the site in out with xmllint
// against the sitemaps.org schemas (and Google's news extension), and
// that robots.txt and the index name the news sitemap exactly when there
// is one.
func validSitemaps(t *testing.T, out string, news bool) {
	t.Helper()
	schemas := filepath.Join("..", "feeds", "testdata", "schemas")
	check := map[string]string{"sitemap.xml": "siteindex.xsd", "sitemap-1.xml": "sitemap.xsd"}
	if news {
		check["sitemap-news.xml"] = "sitemap-with-news.xsd"
	}
	for file, schema := range check {
		cmd := exec.Command("xmllint", "--noout", "--nonet", "--schema", filepath.Join(schemas, schema), filepath.Join(out, file))
		if msg, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("xmllint %s against %s (apt-get install libxml2-utils): %v\n%s", file, schema, err, msg)
		}
	}
	for _, file := range []string{"robots.txt", "sitemap.xml"} {
		data, _ := os.ReadFile(filepath.Join(out, file))
		if strings.Contains(string(data), "sitemap-news.xml") != news {
			t.Errorf("%s names the news sitemap: %v, want %v:\n%s", file, !news, news, data)
		}
	}
}

// TestCorrectionRebuild: a correction to an old article keeps the model,
// renders its page and the feeds, puts it first in the feeds, and leaves
// the front page as it was.
func TestCorrectionRebuild(t *testing.T) {
	s := newFakeSite(t, 22, 30)
	b, out := built(t, s)
	keys := sortedKeys(s.articles)
	a := s.articles[keys[3]]
	at := testNow.Add(-time.Hour)
	a.Front = fmt.Sprintf("correction:\n  - date: %s\n    text: \"Angka yang benar 12, bukan 21.\"\n", at.Format(time.RFC3339))
	rb, err := b.Build([]string{s.save(a)})
	if err != nil {
		t.Fatal(err)
	}
	if !rb.Kept || rb.Parsed != 1 {
		t.Errorf("kept the model %v, parsed %d", rb.Kept, rb.Parsed)
	}
	for _, name := range []string{"feed.xml", "atom.xml", "feed.json", "sitemap-1.xml"} {
		if !slices.Contains(rb.Changed, name) {
			t.Errorf("%s not rewritten; changed %v", name, rb.Changed)
		}
	}
	if slices.Contains(rb.Changed, "index.html") {
		t.Errorf("the front page was rewritten: a correction does not move an article there")
	}
	tree := readTree(t, out)
	page := ""
	for name, data := range tree {
		if strings.HasSuffix(name, "/index.html") && strings.Contains(data, "Angka yang benar 12") {
			page = data
		}
	}
	if !strings.Contains(page, `<aside class="correction"`) || !strings.Contains(page, `"dateModified":"`+at.In(b.cfg.Location).Format(time.RFC3339)+`"`) {
		t.Errorf("the article page lacks the notice or the dateModified")
	}
	atom := tree["atom.xml"]
	first := atom[strings.Index(atom, "<entry>"):]
	if !strings.Contains(first[:strings.Index(first, "</entry>")], a.Title) {
		t.Errorf("the corrected article is not the first entry of the Atom feed")
	}
	sameAsClean(t, s, out, testNow)
}

// built is a Builder that has built s at testNow, and its output folder.
func built(t *testing.T, s *fakeSite) (*Builder, string) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "out")
	b, err := NewBuilder(Options{SiteDir: s.dir, OutDir: out, Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Build(nil); err != nil {
		t.Fatal(err)
	}
	return b, out
}

// sameAsClean fails unless out holds what a clean build at now writes.
func sameAsClean(t *testing.T, s *fakeSite, out string, now time.Time) {
	t.Helper()
	want, err := cleanBuild(t, Options{SiteDir: s.dir, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	got := readOutput(t, out)
	delete(got, output.Marker)
	if diffs := sameOutput(got, want); len(diffs) > 0 {
		t.Errorf("not the clean build: %v", diffs)
	}
}
