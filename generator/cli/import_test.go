package cli

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// testFeeds serves the import's test feeds on 127.0.0.1.
func testFeeds(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.FileServer(http.Dir(filepath.Join("..", "importer", "testdata"))))
	t.Cleanup(srv.Close)
	return srv
}

func TestImportCommand(t *testing.T) {
	srv := testFeeds(t)
	site := sampleCopy(t)
	file, err := filepath.Abs(filepath.Join("..", "importer", "testdata", "feed.json"))
	if err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := cli("import", "--site", site, srv.URL+"/cp1252.xml", "--section", "Ekonomi", srv.URL+"/nothing.xml", file)
	if code != 1 {
		t.Errorf("exit %d with a failed feed, want 1", code)
	}
	wantOut := "Warta Café: 2 new, 0 already here\nSuara Kota: 1 new, 0 already here\ntotal: 3 new, 0 already here, 0 skipped, 1 of 3 feeds failed\n"
	if stdout != wantOut {
		t.Errorf("stdout %q\nwant       %q", stdout, wantOut)
	}
	if want := srv.URL + "/nothing.xml: failed: the server answered 404 Not Found: check the address\n"; stderr != want {
		t.Errorf("stderr %q\nwant   %q", stderr, want)
	}
	data, err := os.ReadFile(filepath.Join(site, "content", "warta-cafe", "2025", "04", "28", "pedagang-pasar-lama-minta-bantuan.md"))
	if err != nil || !strings.Contains(string(data), "section: Ekonomi\n") || !strings.Contains(string(data), "draft: true\n") {
		t.Fatalf("imported article: %v\n%s", err, data)
	}

	// Again, every feed answering: nothing new, exit 0.
	code, stdout, stderr = cli("import", "--site", site, srv.URL+"/cp1252.xml", file)
	if code != 0 || stderr != "" || stdout != "Warta Café: 0 new, 2 already here\nSuara Kota: 0 new, 1 already here\ntotal: 0 new, 3 already here, 0 skipped\n" {
		t.Errorf("second import: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}

	// The imported drafts build.
	out := filepath.Join(t.TempDir(), "public")
	if code, stdout, stderr := cli("build", "--site", site, "--out", out, "--drafts"); code != 0 || !strings.HasPrefix(stdout, "built 19 articles") {
		t.Fatalf("build --drafts: exit %d, %q, %q", code, stdout, stderr)
	}
}

// TestImportConfigFeeds: with no FEED, the feeds: of the config are read,
// a file among them relative to the site root, with its source and section.
func TestImportConfigFeeds(t *testing.T) {
	site := t.TempDir()
	feed, _ := os.ReadFile(filepath.Join("..", "importer", "testdata", "atom.xml"))
	os.MkdirAll(filepath.Join(site, "feeds"), 0o755)
	os.WriteFile(filepath.Join(site, "feeds", "pesisir.xml"), feed, 0o644)
	os.WriteFile(filepath.Join(site, "site.yaml"), []byte("feeds:\n  - url: feeds/pesisir.xml\n    source: Pesisir\n    section: Daerah\n"), 0o644)
	code, stdout, stderr := cli("import", "--site", site, "--publish")
	if code != 0 || stdout != "Pesisir: 1 new, 0 already here\ntotal: 1 new, 0 already here, 0 skipped\n" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	matches, _ := filepath.Glob(filepath.Join(site, "content", "pesisir", "*", "*", "*", "nelayan-kembali-melaut.md"))
	if len(matches) != 1 {
		t.Fatalf("files %q", matches)
	}
	data, _ := os.ReadFile(matches[0])
	for _, s := range []string{"source: Pesisir\n", "section: Daerah\n", "draft: false\n"} {
		if !strings.Contains(string(data), s) {
			t.Errorf("lacks %q:\n%s", s, data)
		}
	}
}

// TestImportLimit: a feed's limit: in the config cuts its run, and the
// output says how many items wait for the next run.
func TestImportLimit(t *testing.T) {
	site := t.TempDir()
	var b strings.Builder
	b.WriteString(`<rss version="2.0"><channel><title>Banjir</title>`)
	for i := range 12 {
		fmt.Fprintf(&b, "<item><title>Berita %d</title><link>https://banjir.example/%d</link><pubDate>Mon, 28 Apr 2025 08:00:00 +0700</pubDate></item>", i, i)
	}
	b.WriteString("</channel></rss>")
	os.WriteFile(filepath.Join(site, "banjir.xml"), []byte(b.String()), 0o644)
	os.WriteFile(filepath.Join(site, "site.yaml"), []byte("feeds:\n  - url: banjir.xml\n    limit: 5\n"), 0o644)
	code, stdout, stderr := cli("import", "--site", site)
	want := "Banjir: 5 new, 0 already here, 7 more left for the next run (at most 5 a run: limit: in the feed's config, or --limit)\n" +
		"total: 5 new, 0 already here, 0 skipped, 7 left for the next run\n"
	if code != 0 || stdout != want || stderr != "" {
		t.Errorf("exit %d, stderr %q, stdout %q\nwant %q", code, stderr, stdout, want)
	}
	// A leftover of an import that was killed is removed, and said so.
	leftover := filepath.Join(site, "content", "banjir", "2025", "04", "28", ".berita-1.md.tmp-42")
	os.WriteFile(leftover, []byte("---\ntitle: Ber"), 0o644)
	old := time.Now().Add(-time.Hour)
	os.Chtimes(leftover, old, old)
	code, stdout, _ = cli("import", "--site", site, "--limit", "10")
	if !strings.HasPrefix(stdout, "removed "+leftover+", left by an interrupted import\n") {
		t.Errorf("leftover: %q", stdout)
	}
	stdout = strings.TrimPrefix(stdout, "removed "+leftover+", left by an interrupted import\n")
	if want := "Banjir: 7 new, 5 already here\ntotal: 7 new, 5 already here, 0 skipped\n"; code != 0 || stdout != want {
		t.Errorf("--limit 10: exit %d, stdout %q, want %q", code, stdout, want)
	}
}

// TestImportBrokenFeed: a broken item is named on its feed's line, a
// byte that is not UTF-8 is a warning on stderr, and neither fails the run.
func TestImportBrokenFeed(t *testing.T) {
	site := t.TempDir()
	feed := filepath.Join(site, "rusak.xml")
	os.WriteFile(feed, []byte("<rss version=\"2.0\"><channel><title>Rusak</title>\n"+
		"<item><title>Satu</title><category>A</b></category></item>\n"+
		"<item><title>D\xffua</title><link>https://rusak.example/2</link></item>\n</channel></rss>"), 0o644)
	code, stdout, stderr := cli("import", "--site", site, feed)
	want := "Rusak: 1 new, 0 already here, 1 skipped: item 1 (\"Satu\"): broken XML on line 2: element <category> closed by </b>\n" +
		"total: 1 new, 0 already here, 1 skipped\n"
	wantErr := "Rusak: warning: a byte that is not UTF-8 (on line 3) is shown as \uFFFD: the feed is not quite the UTF-8 it says it is\n"
	if code != 0 || stdout != want || stderr != wantErr {
		t.Errorf("exit %d\nstdout %q\nwant   %q\nstderr %q\nwant   %q", code, stdout, want, stderr, wantErr)
	}
}

func TestImportUsage(t *testing.T) {
	site := t.TempDir()
	for _, args := range [][]string{
		{"import", "--site", site},
		{"import", "--limit", "-1", "https://a.example/rss"},
		{"import", "--no-such-flag"},
		{"new", "--site", site},
		{"new", "--nope", "Judul"},
	} {
		code, stdout, stderr := cli(args...)
		if code != 2 || stdout != "" || stderr == "" {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want 2 and a message on stderr", args, code, stdout, stderr)
		}
	}
	if _, _, stderr := cli("import", "--site", site); !strings.Contains(stderr, "no feeds: name one") || !strings.Contains(stderr, "feeds: in site.yaml") {
		t.Errorf("no feeds: %q", stderr)
	}
	for _, cmd := range []string{"import", "new"} {
		if code, stdout, _ := cli(cmd, "--help"); code != 0 || !strings.HasPrefix(stdout, "Usage: kabar "+cmd) {
			t.Errorf("%s --help: exit %d, %q", cmd, code, stdout)
		}
	}
}

func TestNewCommand(t *testing.T) {
	site := sampleCopy(t)
	code, stdout, stderr := cli("new", "--site", site, "--section", "Ekonomi", "--source", "Antara", "Rupiah", "Menguat: Lagi?")
	if code != 0 || stderr != "" {
		t.Fatalf("new: exit %d, %q", code, stderr)
	}
	// The sample names its articles 2025-04-28-slug.md in section folders.
	p := strings.TrimSpace(stdout)
	if ok, _ := regexp.MatchString(`/content/ekonomi/\d{4}-\d{2}-\d{2}-rupiah-menguat-lagi\.md$`, p); !ok {
		t.Fatalf("path %q", p)
	}
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	loc, _ := time.LoadLocation("Asia/Jakarta")
	today := time.Now().In(loc).Format("2006-01-02T")
	for _, s := range []string{"title: \"Rupiah Menguat: Lagi?\"\n", "date: " + today, "+07:00\n", "slug: rupiah-menguat-lagi\n", "source: \"Antara\"", "section: \"Ekonomi\"", "source_url:", "via:", "tags: []", "summary:", "draft: true\n", "Tulis beritanya di sini."} {
		if !strings.Contains(string(data), s) {
			t.Errorf("the draft lacks %q:\n%s", s, data)
		}
	}
	// It builds with --drafts, and only then.
	out := filepath.Join(t.TempDir(), "public")
	if code, stdout, stderr := cli("build", "--site", site, "--out", out, "--drafts"); code != 0 || !strings.HasPrefix(stdout, "built 17 articles") {
		t.Fatalf("build --drafts: exit %d, %q, %q", code, stdout, stderr)
	}
	page, err := os.ReadFile(filepath.Join(out, time.Now().In(loc).Format("2006/01/02"), "rupiah-menguat-lagi", "index.html"))
	if err != nil || !strings.Contains(string(page), "Rupiah Menguat: Lagi?") {
		t.Fatalf("the draft's page: %v", err)
	}
	if code, stdout, _ := cli("build", "--site", site, "--out", out); code != 0 || !strings.HasPrefix(stdout, "built 16 articles") {
		t.Errorf("build without drafts: %q", stdout)
	}

	// A second draft of the same title would replace the first: refused.
	edited := append(data, []byte("Sudah ditulis.\n")...)
	os.WriteFile(p, edited, 0o644)
	code, stdout, stderr = cli("new", "--site", site, "--section", "ekonomi", "Rupiah Menguat: Lagi?")
	if code != 1 || stdout != "" || !strings.Contains(stderr, "rupiah-menguat-lagi.md exists already") {
		t.Errorf("second new: exit %d, %q, %q", code, stdout, stderr)
	}
	if got, _ := os.ReadFile(p); string(got) != string(edited) {
		t.Error("the existing draft was changed")
	}
}

func TestNewScaffold(t *testing.T) {
	site := t.TempDir()
	os.MkdirAll(filepath.Join(site, "templates"), 0o755)
	scaffold := "---\ntitle: {{quote .Title}}\ndate: {{.Date}}\nauthor: Meja Redaksi\ndraft: true\n---\n\nOleh {{.Source}}, {{.Time.Format \"2 Jan 2006\"}}.\n"
	os.WriteFile(filepath.Join(site, "templates", "new.md"), []byte(scaffold), 0o644)
	// The config's section is the draft's when no --section is given.
	os.WriteFile(filepath.Join(site, "site.yaml"), []byte("section: Kota\n"), 0o644)
	code, stdout, stderr := cli("new", "--site", site, "--source", "Kompas", "Jalan \"Baru\" Dibuka")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	p := strings.TrimSpace(stdout)
	if !strings.HasSuffix(p, filepath.Join("content", "kota", "jalan-baru-dibuka.md")) {
		t.Fatalf("path %q", p)
	}
	data, _ := os.ReadFile(p)
	if !strings.Contains(string(data), "title: \"Jalan \\\"Baru\\\" Dibuka\"\n") || !strings.Contains(string(data), "author: Meja Redaksi\n") || !strings.Contains(string(data), "Oleh Kompas, ") {
		t.Errorf("draft:\n%s", data)
	}

	// A broken scaffold is reported with its line, and writes nothing.
	os.WriteFile(filepath.Join(site, "templates", "new.md"), []byte("---\ntitle: {{.Title}\n---\n"), 0o644)
	code, _, stderr = cli("new", "--site", site, "Lain")
	if code != 1 || !strings.Contains(stderr, "templates/new.md:2: ") || !strings.Contains(stderr, "fix the scaffold") {
		t.Errorf("broken scaffold: exit %d, %q", code, stderr)
	}
	os.WriteFile(filepath.Join(site, "templates", "new.md"), []byte("---\ntitle: {{.Title}}\n---\n"), 0o644)
	code, _, stderr = cli("new", "--site", site, "Lain")
	if code != 1 || !strings.Contains(stderr, "templates/new.md makes an article the build cannot read") || !strings.Contains(stderr, "the date is missing") {
		t.Errorf("scaffold without date: exit %d, %q", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(site, "content", "kota", "lain.md")); err == nil {
		t.Error("a failed new wrote a file")
	}
}
