package importer

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/kabar-news/kabar/generator/config"
	"github.com/kabar-news/kabar/generator/content"
	"github.com/kabar-news/kabar/generator/markdown"
)

// The test feeds, in testdata/:
//   - cp1252.xml: RSS 2.0 declared as Windows-1252 and written in it (é is
//     byte 0xE9, the curly quotes 0x93 and 0x94), with content:encoded
//     holding a relative image and link and a tracking pixel, an
//     undeclared HTML entity, a control character, a wire dateline and an
//     item without a date;
//   - atom.xml: Atom with relative links and no dates at all;
//   - feed.json: JSON Feed 1.1, its author a news agency;
//   - scripts.xml: a script, a handler or a javascript: address in every
//     field.
func testdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func gz(b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

// feedServer serves the test feeds on 127.0.0.1.
func feedServer(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	serve := func(path, ctype string, body []byte) {
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", ctype)
			w.Write(body)
		})
	}
	atomFeed, jsonFeed := testdata(t, "atom.xml"), testdata(t, "feed.json")
	serve("/cp1252.xml", "application/rss+xml", testdata(t, "cp1252.xml"))
	serve("/atom.xml", "application/atom+xml", atomFeed)
	serve("/feed.json", "application/feed+json", jsonFeed)
	serve("/scripts.xml", "application/rss+xml", testdata(t, "scripts.xml"))
	serve("/page.html", "text/html", []byte("<!DOCTYPE html><html><head><title>Beranda</title></head><body><p>Bukan feed</p></body></html>"))
	serve("/atom.xml.gz", "application/gzip", gz(atomFeed)) // packed, and not said so
	mux.HandleFunc("/gzip.json", func(w http.ResponseWriter, r *http.Request) {
		if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			t.Errorf("the client does not ask for gzip")
		}
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(gz(jsonFeed))
	})
	mux.HandleFunc("/moved", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/lagi", http.StatusMovedPermanently)
	})
	mux.HandleFunc("/lagi", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/atom.xml", http.StatusFound)
	})
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/loop", http.StatusFound)
	})
	mux.HandleFunc("/hang", func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done() // never answers; the client gives up
	})
	mux.HandleFunc("/slow.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Write(atomFeed[:100]) // a start, then nothing
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	})
	mux.HandleFunc("/huge.xml", func(w http.ResponseWriter, r *http.Request) {
		// 50 MB, streamed without a length, so only reading tells.
		w.Write([]byte(`<?xml version="1.0"?><rss version="2.0"><channel><title>Besar</title><description>`))
		chunk := bytes.Repeat([]byte("berita "), 1<<16)
		for n := 0; n < 50<<20; n += len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	mux.HandleFunc("/huge-declared.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", fmt.Sprint(50<<20))
		w.WriteHeader(http.StatusOK)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// newSite makes an empty site with a config.
func newSite(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "site.yaml"), []byte("timezone: Asia/Jakarta\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

var now = time.Date(2025, 4, 29, 3, 0, 0, 0, time.UTC) // 10.00 in Jakarta

func run(t *testing.T, site string, opt Options, feeds ...string) []*Result {
	t.Helper()
	opt.SiteDir = site
	opt.Now = now
	if opt.Timeout == 0 {
		opt.Timeout = 2 * time.Second
	}
	for _, f := range feeds {
		opt.Feeds = append(opt.Feeds, config.Feed{URL: f})
	}
	res, err := Run(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// articles reads every file under the site's content/.
func articles(t *testing.T, site string) map[string]string {
	t.Helper()
	out := map[string]string{}
	root := filepath.Join(site, "content")
	filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			b, _ := os.ReadFile(p)
			rel, _ := filepath.Rel(site, p)
			out[filepath.ToSlash(rel)] = string(b)
		}
		return nil
	})
	return out
}

func names(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// parse reads an imported file as the build does.
func parse(t *testing.T, file, data string) *content.Article {
	t.Helper()
	loc, _ := time.LoadLocation("Asia/Jakarta")
	a, err := content.Parse(strings.TrimPrefix(file, "content/"), file, []byte(data), content.Options{Location: loc, Markdown: markdown.New(false)})
	if err != nil {
		t.Fatalf("%s does not build: %v\n%s", file, err, data)
	}
	return a
}

func TestWindows1252RSS(t *testing.T) {
	srv := feedServer(t)
	site := newSite(t)
	res := run(t, site, Options{}, srv.URL+"/cp1252.xml")
	if res[0].Err != nil || len(res[0].New) != 2 || res[0].Name != "Warta Café" {
		t.Fatalf("result %+v", res[0])
	}
	files := articles(t, site)
	want := []string{"content/warta-cafe/2025/04/28/harga-kopi-naik-di-pasar-cafe-lama.md", "content/warta-cafe/2025/04/28/pedagang-pasar-lama-minta-bantuan.md"}
	if got := names(files); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("files %q, want %q", got, want)
	}
	data := files[want[0]]
	a := parse(t, want[0], data)
	if a.Title != "Harga Kopi “Naik” di Pasar Café\u00a0Lama" && a.Title != "Harga Kopi “Naik” di Pasar Café Lama" {
		t.Errorf("title %q", a.Title)
	}
	checks := map[string]any{
		"date":       a.Date.Format(time.RFC3339) == "2025-04-28T07:15:00+07:00",
		"source":     a.Source == "Warta Café",
		"source_url": a.SourceURL == "https://warta.example/berita/harga-kopi-naik",
		"via":        a.Via == "Antara",
		"tags":       strings.Join(a.Tags, ",") == "Ekonomi,Kopi",
		"summary":    a.Summary == "Jakarta (ANTARA) - Harga kopi di pasar tradisional naik… pedagang mengeluh.",
		"draft":      a.Draft,
		"source_id":  a.Params["source_id"] == "warta-1001",
	}
	for k, ok := range checks {
		if !ok.(bool) {
			t.Errorf("%s is wrong in\n%s", k, data)
		}
	}
	for _, s := range []string{
		"Harga **kopi** naik tajam pekan ini.",
		"![Biji kopi](https://warta.example/img/kopi.jpg)",
		"[berita sebelumnya](https://warta.example/berita/sebelumnya)",
	} {
		if !strings.Contains(data, s) {
			t.Errorf("the body lacks %q:\n%s", s, data)
		}
	}
	if strings.Contains(data, "track.example") || strings.Contains(data, "\x0b") {
		t.Errorf("a tracking pixel or control character survived:\n%s", data)
	}
	// The item without a date has the feed's, and says so.
	second := files[want[1]]
	if !strings.Contains(second, "2025-04-28T09:00:00+07:00\" # the feed gives no date for this item: this is the feed's own date") {
		t.Errorf("undated item:\n%s", second)
	}
	parse(t, want[1], second)
}

func TestAtomRelativeLinksNoDates(t *testing.T) {
	srv := feedServer(t)
	site := newSite(t)
	// Reached through two redirects: links are read against the feed's
	// final address.
	res := run(t, site, Options{Section: "Daerah"}, srv.URL+"/moved")
	if res[0].Err != nil || len(res[0].New) != 1 {
		t.Fatalf("result %+v", res[0])
	}
	file := "content/kabar-pesisir/2025/04/29/nelayan-kembali-melaut.md"
	data, ok := articles(t, site)[file]
	if !ok {
		t.Fatalf("no %s: %q", file, names(articles(t, site)))
	}
	a := parse(t, file, data)
	if a.SourceURL != srv.URL+"/berita/nelayan-kembali-melaut" || a.Section != "Daerah" || a.Params["source_id"] != "urn:kabar-pesisir:1" {
		t.Errorf("source_url %q, section %q, source_id %v", a.SourceURL, a.Section, a.Params["source_id"])
	}
	if !strings.Contains(data, "date: \"2025-04-29T10:00:00+07:00\" # the feed gives no date for this item: this is when it was imported") &&
		!strings.Contains(data, "date: 2025-04-29T10:00:00+07:00 # the feed gives no date for this item: this is when it was imported") {
		t.Errorf("date:\n%s", data)
	}
	if !strings.Contains(data, "[Prakiraan]("+srv.URL+"/berita/cuaca/senin)") {
		t.Errorf("relative link in the text not resolved:\n%s", data)
	}
}

func TestJSONFeedAndGzip(t *testing.T) {
	srv := feedServer(t)
	for _, path := range []string{"/feed.json", "/gzip.json"} {
		site := newSite(t)
		res := run(t, site, Options{Publish: true}, srv.URL+path)
		if res[0].Err != nil || len(res[0].New) != 1 {
			t.Fatalf("%s: result %+v", path, res[0])
		}
		file := "content/suara-kota/2025/04/27/taman-kota-dibuka.md"
		data := articles(t, site)[file]
		a := parse(t, file, data)
		if a.Draft || a.Via != "Reuters" || strings.Join(a.Tags, ",") != "Kota,Taman" || a.SourceURL != "https://suara.example/7" {
			t.Errorf("%s:\n%s", path, data)
		}
	}
	site := newSite(t)
	if res := run(t, site, Options{}, srv.URL+"/atom.xml.gz"); res[0].Err != nil || len(res[0].New) != 1 {
		t.Fatalf("gzip without a header: %+v", res[0])
	}
}

func TestScriptsInEveryField(t *testing.T) {
	srv := feedServer(t)
	site := newSite(t)
	res := run(t, site, Options{}, srv.URL+"/scripts.xml")
	if res[0].Err != nil || len(res[0].New) != 1 {
		t.Fatalf("result %+v", res[0])
	}
	files := articles(t, site)
	if len(files) != 1 {
		t.Fatalf("files %q", names(files))
	}
	for file, data := range files {
		if strings.Contains(file, "script") || strings.Contains(file, "alert") {
			t.Errorf("file name %s", file)
		}
		low := strings.ToLower(data)
		for _, bad := range []string{"alert(", "<script", "onclick", "onerror", "onmouseover", "javascript:", "<iframe", "<style", "display:none", "data:image", "<form", "<input"} {
			if strings.Contains(low, bad) {
				t.Errorf("%q survived in %s:\n%s", bad, file, data)
			}
		}
		a := parse(t, file, data)
		if a.SourceURL != "" || a.Title != "Judul Tebal" || a.Source != "Portal Jahat" || strings.Join(a.Tags, ",") != "Politik" {
			t.Errorf("title %q, source %q, source_url %q, tags %q", a.Title, a.Source, a.SourceURL, a.Tags)
		}
		for _, s := range []string{"Isi berita.", "[tautan](https://aman.example/x)"} {
			if !strings.Contains(data, s) {
				t.Errorf("the body lacks %q:\n%s", s, data)
			}
		}
	}
}

func TestFeedsThatFail(t *testing.T) {
	srv := feedServer(t)
	site := newSite(t)
	// The two that hang get a short timeout; the others a long one, so
	// that a loaded machine reading 16 MB does not look like a hang.
	hung := run(t, site, Options{Timeout: 500 * time.Millisecond}, srv.URL+"/hang", srv.URL+"/slow.xml")
	res := run(t, site, Options{Timeout: time.Minute},
		srv.URL+"/huge.xml", srv.URL+"/huge-declared.xml", srv.URL+"/page.html",
		srv.URL+"/loop", srv.URL+"/missing.xml", srv.URL+"/atom.xml", "ftp://x.example/rss", filepath.Join(site, "nope.xml"))
	res = append(hung, res...)
	want := []string{
		"no answer within 500ms",
		"did not arrive whole within 500ms",
		"larger than 16 MB",
		"larger than 16 MB",
		`not a feed: the answer is neither RSS, Atom nor JSON Feed (it starts "<!DOCTYPE html><html><head><title>Berand"): check the address`,
		"more than 5 redirects",
		"the server answered 404 Not Found",
		"",
		"neither an http(s) address nor a file",
		"no such file",
	}
	for i, w := range want {
		r := res[i]
		switch {
		case w == "" && r.Err != nil:
			t.Errorf("%s: %v", r.Feed, r.Err)
		case w != "" && (r.Err == nil || !strings.Contains(r.Err.Error(), w)):
			t.Errorf("%s: error %v, want %q", r.Feed, r.Err, w)
		}
	}
	// The good feed among them is still imported, and nothing else.
	if got := names(articles(t, site)); len(got) != 1 || !strings.Contains(got[0], "nelayan-kembali-melaut") {
		t.Errorf("files %q", got)
	}
}

func TestReimportIsSafe(t *testing.T) {
	srv := feedServer(t)
	site := newSite(t)
	feeds := []string{srv.URL + "/cp1252.xml", srv.URL + "/atom.xml", srv.URL + "/feed.json"}
	first := run(t, site, Options{}, feeds...)
	before := articles(t, site)
	if len(before) != 4 {
		t.Fatalf("first import: %q", names(before))
	}
	// An editor changes one draft, title and all.
	edited := "content/warta-cafe/2025/04/28/harga-kopi-naik-di-pasar-cafe-lama.md"
	changed := strings.Replace(before[edited], "draft: true", "draft: false", 1)
	changed = strings.Replace(changed, "title: ", "title: Diedit ", 1)
	os.WriteFile(filepath.Join(site, edited), []byte(changed), 0o644)

	second := run(t, site, Options{}, feeds...)
	for i, r := range second {
		if r.Err != nil || len(r.New) != 0 || r.Already != len(first[i].New) {
			t.Errorf("second import of %s: %+v", r.Feed, r)
		}
	}
	after := articles(t, site)
	if len(after) != len(before) || after[edited] != changed {
		t.Errorf("the second import changed the site: %q", names(after))
	}
}

func TestDuplicates(t *testing.T) {
	srv := feedServer(t)
	site := newSite(t)
	run(t, site, Options{}, srv.URL+"/cp1252.xml")
	// The same story, in another feed, under another GUID and a link that
	// differs only in case, scheme, slash and tracking.
	other := filepath.Join(t.TempDir(), "lain.xml")
	os.WriteFile(other, []byte(`<rss version="2.0"><channel><title>Warta Café</title>
<item><title>Harga Kopi Naik</title><guid>baru-77</guid>
<link>http://WARTA.example/berita/harga-kopi-naik/?utm_campaign=x</link><pubDate>Mon, 28 Apr 2025 08:00:00 +0700</pubDate></item>
<item><title>Berita Tanpa Tautan</title><pubDate>Mon, 28 Apr 2025 08:30:00 +0700</pubDate></item>
</channel></rss>`), 0o644)
	res := run(t, site, Options{}, other)
	if res[0].Err != nil || len(res[0].New) != 1 || res[0].Already != 1 {
		t.Fatalf("result %+v", res[0])
	}
	// The item with neither GUID nor link is known by its title and date.
	res = run(t, site, Options{}, other)
	if len(res[0].New) != 0 || res[0].Already != 2 {
		t.Fatalf("again: %+v", res[0])
	}

	// A story whose GUID and link both changed is known by its title and
	// date; a new story under an old GUID, with its own link, is new.
	os.WriteFile(other, []byte(`<rss version="2.0"><channel><title>Warta Café</title>
<item><title>Pedagang Pasar Lama Minta Bantuan</title><guid>pindah-1</guid>
<link>https://warta.example/2025/pedagang-pasar-minta-bantuan</link><pubDate>Mon, 28 Apr 2025 09:00:00 +0700</pubDate></item>
<item><title>Harga Kopi Turun Lagi</title><guid isPermaLink="false">warta-1001</guid>
<link>https://warta.example/berita/harga-kopi-turun</link><pubDate>Wed, 30 Apr 2025 08:00:00 +0700</pubDate></item>
</channel></rss>`), 0o644)
	res = run(t, site, Options{}, other)
	if len(res[0].New) != 1 || res[0].Already != 1 || !strings.Contains(res[0].New[0], "harga-kopi-turun-lagi") {
		t.Fatalf("moved and reused: %+v", res[0])
	}
}

func TestLimitAndSlugs(t *testing.T) {
	// A Jekyll name with a one-digit month gives the slug without the
	// date, as the build reads it.
	for _, name := range []string{"2025-04-20-harga-kopi-naik-di-pasar-cafe-lama.md", "2025-4-20-harga-kopi-naik-di-pasar-cafe-lama.md"} {
		t.Run(name, func(t *testing.T) { limitAndSlugs(t, name) })
	}
}

func limitAndSlugs(t *testing.T, name string) {
	srv := feedServer(t)
	site := newSite(t)
	// A hand-written article already takes the slug of the first item.
	os.MkdirAll(filepath.Join(site, "content", "ekonomi"), 0o755)
	os.WriteFile(filepath.Join(site, "content", "ekonomi", name),
		[]byte("---\ntitle: Lain\ndate: 2025-04-20\n---\nTeks.\n"), 0o644)
	res := run(t, site, Options{Limit: 1}, srv.URL+"/cp1252.xml")
	if len(res[0].New) != 1 || res[0].New[0] != "content/warta-cafe/2025/04/28/harga-kopi-naik-di-pasar-cafe-lama-2.md" {
		t.Fatalf("result %+v", res[0])
	}
	data := articles(t, site)[res[0].New[0]]
	if a := parse(t, res[0].New[0], data); a.Slug != "harga-kopi-naik-di-pasar-cafe-lama-2" {
		t.Errorf("slug %q", a.Slug)
	}
	// The next run takes the one left.
	res = run(t, site, Options{Limit: 1}, srv.URL+"/cp1252.xml")
	if len(res[0].New) != 1 || res[0].Already != 1 || !strings.Contains(res[0].New[0], "pedagang") {
		t.Fatalf("second run %+v", res[0])
	}
}

func TestNormalLink(t *testing.T) {
	same := []string{
		"https://Warta.Example/berita/x",
		"http://warta.example/berita/x/",
		"https://warta.example:443/berita/x?utm_source=rss&utm_medium=feed#atas",
	}
	for _, s := range same {
		if got := normalLink(s); got != "//warta.example/berita/x" {
			t.Errorf("normalLink(%q) = %q", s, got)
		}
	}
	if a, b := normalLink("https://warta.example/b?id=1"), normalLink("https://warta.example/b?id=2"); a == b {
		t.Errorf("different queries share %q", a)
	}
	if got := normalLink("javascript:alert(1)"); got != "" {
		t.Errorf("javascript: gives %q", got)
	}
}

func TestTruncate(t *testing.T) {
	long := strings.Repeat("kata ", 100)
	got := truncate(long, MaxSummary)
	if n := len([]rune(got)); n > MaxSummary || !strings.HasSuffix(got, "kata…") {
		t.Errorf("truncate: %d characters, %q", n, got[len(got)-20:])
	}
	if truncate("pendek", 300) != "pendek" {
		t.Error("a short text changed")
	}
}

// TestWriteFails: when an article cannot be written, the feed fails with
// the reason, and nothing half-written is left.
func TestWriteFails(t *testing.T) {
	srv := feedServer(t)
	site := newSite(t)
	os.MkdirAll(filepath.Join(site, "content"), 0o755)
	// A file where the source's folder must go (a read-only folder would
	// not stop root).
	os.WriteFile(filepath.Join(site, "content", "warta-cafe"), []byte("bukan folder"), 0o644)
	res := run(t, site, Options{}, srv.URL+"/cp1252.xml", srv.URL+"/feed.json")
	if res[0].Err == nil || !strings.Contains(res[0].Err.Error(), "could not be written") || len(res[0].New) != 0 {
		t.Errorf("blocked feed: %+v", res[0])
	}
	if res[1].Err != nil || len(res[1].New) != 1 {
		t.Errorf("the other feed: %+v", res[1])
	}
	if got := names(articles(t, site)); len(got) != 2 {
		t.Errorf("files %q", got)
	}
}

// TestOldRSS: RSS 0.91 in ISO-8859-1 and RSS 1.0 (RDF) with Dublin Core.
func TestOldRSS(t *testing.T) {
	site := newSite(t)
	dir, _ := filepath.Abs("testdata")
	res := run(t, site, Options{}, filepath.Join(dir, "rss091.xml"), filepath.Join(dir, "rss10.rdf"))
	for _, r := range res {
		if r.Err != nil || len(r.New) != 1 {
			t.Fatalf("%s: %+v", r.Feed, r)
		}
	}
	files := articles(t, site)
	old := files["content/buletin-lama/2025/04/29/jembatan-desa-selesai-dibangun.md"]
	if a := parse(t, "content/buletin-lama/x.md", old); a.SourceURL != "https://buletin.example/jembatan.html" || a.Source != "Buletin Lama" {
		t.Errorf("RSS 0.91:\n%s", old)
	}
	rdf := files["content/lintas-daerah/2025/04/26/panen-jagung-melimpah.md"]
	a := parse(t, "content/lintas-daerah/x.md", rdf)
	if a.Via != "Antara" || strings.Join(a.Tags, ",") != "Pertanian" || a.Date.Format(time.RFC3339) != "2025-04-26T16:00:00+07:00" || a.Params["source_id"] != "https://lintas.example/panen" {
		t.Errorf("RSS 1.0:\n%s", rdf)
	}
}

// bigFeed writes an RSS feed of n items to a file and returns its path.
func bigFeed(t *testing.T, n int) string {
	t.Helper()
	var b strings.Builder
	b.WriteString(`<rss version="2.0"><channel><title>Banjir Berita</title>`)
	for i := range n {
		fmt.Fprintf(&b, "<item><title>Berita nomor %d</title><link>https://banjir.example/%d</link><pubDate>Mon, 28 Apr 2025 08:00:00 +0700</pubDate><description>Isi %d.</description></item>\n", i, i, i)
	}
	b.WriteString("</channel></rss>")
	p := filepath.Join(t.TempDir(), "banjir.xml")
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestDefaultLimit: a feed of 250 items gives 100 new articles a run
// unless its config or the run says otherwise, and the result says how
// many are left.
func TestDefaultLimit(t *testing.T) {
	feed := bigFeed(t, 250)
	site := newSite(t)
	for i, want := range []struct{ fresh, already, left int }{{100, 0, 150}, {100, 100, 50}, {50, 200, 0}} {
		r := run(t, site, Options{}, feed)[0]
		if r.Err != nil || len(r.New) != want.fresh || r.Already != want.already || r.Left != want.left || r.Limit != DefaultLimit {
			t.Fatalf("run %d: %d new, %d already, %d left, limit %d, err %v; want %+v", i+1, len(r.New), r.Already, r.Left, r.Limit, r.Err, want)
		}
	}
	if n := len(articles(t, site)); n != 250 {
		t.Errorf("%d files, want 250", n)
	}

	// The feed's own limit, and the run's over it.
	site = newSite(t)
	r := run(t, site, Options{Feeds: []config.Feed{{URL: feed, Limit: 30}}})[0]
	if len(r.New) != 30 || r.Left != 220 || r.Limit != 30 {
		t.Errorf("limit: 30 in the config: %d new, %d left, limit %d", len(r.New), r.Left, r.Limit)
	}
	r = run(t, site, Options{Limit: 5, Feeds: []config.Feed{{URL: feed, Limit: 30}}})[0]
	if len(r.New) != 5 || r.Already != 30 || r.Left != 215 || r.Limit != 5 {
		t.Errorf("--limit 5 over limit: 30: %d new, %d already, %d left, limit %d", len(r.New), r.Already, r.Left, r.Limit)
	}
}

// TestBrokenItems: a stray end tag in the first item costs that item
// alone, named in the result; a byte that is not UTF-8 is replaced, with a
// warning, and costs nothing.
func TestBrokenItems(t *testing.T) {
	dir := t.TempDir()
	stray := filepath.Join(dir, "stray.xml")
	os.WriteFile(stray, []byte(`<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Warta Rusak</title>
<item><title>Satu</title><link>https://rusak.example/1</link><category>Eko</b>nomi</category><pubDate>Mon, 28 Apr 2025 08:00:00 +0700</pubDate></item>
<item><title>Dua</title><link>https://rusak.example/2</link><description><![CDATA[<p>Isi </item> dua.</p>]]></description><pubDate>Mon, 28 Apr 2025 09:00:00 +0700</pubDate></item>
<item><title>Tiga & Empat&nbsp;Lima</title><link>https://rusak.example/3</link><category>Kota</category><pubDate>Mon, 28 Apr 2025 10:00:00 +0700</pubDate></item>
</channel></rss>`), 0o644)
	bad := filepath.Join(dir, "bad.xml")
	os.WriteFile(bad, []byte("<rss version=\"2.0\"><channel><title>Warta Bocor</title>\n"+
		"<item><title>Harga Ga\xffam</title><link>https://bocor.example/1</link><pubDate>Mon, 28 Apr 2025 08:00:00 +0700</pubDate></item>\n"+
		"<item><title>Dua</title><link>https://bocor.example/2</link><pubDate>Mon, 28 Apr 2025 09:00:00 +0700</pubDate></item>\n</channel></rss>"), 0o644)
	site := newSite(t)
	res := run(t, site, Options{}, stray, bad)
	r := res[0]
	if r.Err != nil || len(r.New) != 2 || len(r.Skipped) != 1 {
		t.Fatalf("stray </b>: %+v", r)
	}
	if !strings.Contains(strings.Join(r.New, " "), "tiga") {
		t.Errorf("new %q", r.New)
	}
	if want := `item 1 ("Satu", https://rusak.example/1): broken XML on line 3: element <category> closed by </b>`; r.Skipped[0] != want {
		t.Errorf("skipped %q\nwant    %q", r.Skipped[0], want)
	}
	files := articles(t, site)
	dua := files["content/warta-rusak/2025/04/28/dua.md"]
	if a := parse(t, "content/warta-rusak/2025/04/28/dua.md", dua); !strings.Contains(dua, "Isi dua.") || a.SourceURL != "https://rusak.example/2" {
		t.Errorf("the item after the broken one:\n%s", dua)
	}
	if a := parse(t, "x.md", files["content/warta-rusak/2025/04/28/tiga-and-empat-lima.md"]); strings.Join(a.Tags, ",") != "Kota" || a.Title != "Tiga & Empat Lima" {
		t.Errorf("the last item: %q, %q", a.Title, a.Tags)
	}

	// In a JSON Feed, an item with a field of the wrong type.
	js := filepath.Join(dir, "feed.json")
	os.WriteFile(js, []byte(`{"version":"https://jsonfeed.org/version/1.1","title":"Warta J","items":[
{"id":"1","url":"https://j.example/1","title":"Satu","tags":"bukan daftar","date_published":"2025-04-28T08:00:00+07:00"},
{"id":"2","url":"https://j.example/2","title":"Dua Lagi","date_published":"2025-04-28T08:00:00+07:00"}]}`), 0o644)
	rj := run(t, site, Options{}, js)[0]
	if rj.Err != nil || len(rj.New) != 1 || len(rj.Skipped) != 1 || !strings.HasPrefix(rj.Skipped[0], `item 1 ("Satu", https://j.example/1): could not be read: json: cannot unmarshal string`) {
		t.Errorf("JSON Feed: %+v", rj)
	}

	r = res[1]
	if r.Err != nil || len(r.New) != 2 || len(r.Warnings) != 1 || r.Warnings[0] != "a byte that is not UTF-8 (on line 2) is shown as \uFFFD: the feed is not quite the UTF-8 it says it is" {
		t.Fatalf("invalid UTF-8: %+v", r)
	}
	if a := parse(t, "x.md", files["content/warta-bocor/2025/04/28/harga-gaam.md"]); a.Title != "Harga Ga\uFFFDam" {
		t.Errorf("title %q; files %q", a.Title, names(files))
	}
}

// TestBlocksStayApart: paragraphs, line breaks and images keep a space
// between their words in the summary and the text; inline tags add none.
func TestBlocksStayApart(t *testing.T) {
	feed := filepath.Join(t.TempDir(), "beras.xml")
	os.WriteFile(feed, []byte(`<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Warta Beras</title>
<item><title>Harga Beras Turun</title><link>https://beras.example/turun</link><pubDate>Mon, 28 Apr 2025 08:00:00 +0700</pubDate>
<description>&lt;p&gt;Harga beras turun Rp500 per kilogram.&lt;/p&gt;&lt;p&gt;Pedagang &lt;b&gt;menyambut&lt;/b&gt;, baik.&lt;br&gt;Pembeli senang.&lt;/p&gt;</description>
<content:encoded><![CDATA[<p>Harga beras turun.</p><p><img src="https://beras.example/b.jpg" alt="Beras"><a href="javascript:alert(1)">klik</a></p>]]></content:encoded>
</item></channel></rss>`), 0o644)
	site := newSite(t)
	if r := run(t, site, Options{}, feed)[0]; r.Err != nil || len(r.New) != 1 {
		t.Fatalf("%+v", r)
	}
	file := "content/warta-beras/2025/04/28/harga-beras-turun.md"
	data := articles(t, site)[file]
	a := parse(t, file, data)
	if want := "Harga beras turun Rp500 per kilogram. Pedagang menyambut, baik. Pembeli senang."; a.Summary != want {
		t.Errorf("summary %q\nwant    %q", a.Summary, want)
	}
	if !strings.Contains(data, "![Beras](https://beras.example/b.jpg) klik") {
		t.Errorf("the link's text sticks to the image:\n%s", data)
	}
}

// TestSameStoryTwoFeeds: one story in two feeds of one run, under other
// GUIDs and its link written in other ways (www., escapes in another case
// or none), is imported once, from the first feed.
func TestSameStoryTwoFeeds(t *testing.T) {
	dir := t.TempDir()
	feed := func(name, title, guid, link string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(`<rss version="2.0"><channel><title>`+title+`</title>
<item><title>Harga Kopi Naik</title><guid isPermaLink="false">`+guid+`</guid><link>`+link+`</link><pubDate>Mon, 28 Apr 2025 08:00:00 +0700</pubDate></item>
</channel></rss>`), 0o644)
		return p
	}
	a := feed("a.xml", "Warta A", "a-1", "https://www.warta.example/berita/kopi-%e2%80%9cnaik%e2%80%9d")
	b := feed("b.xml", "Warta B", "b-9", "https://warta.example/berita/kopi-“naik”")
	c := feed("c.xml", "Warta C", "c-3", "http://WARTA.example/berita/kopi-%E2%80%9Cnaik%E2%80%9D/?utm_source=c")
	site := newSite(t)
	res := run(t, site, Options{}, a, b, c)
	if len(res[0].New) != 1 || len(res[1].New) != 0 || res[1].Already != 1 || len(res[2].New) != 0 || res[2].Already != 1 {
		t.Errorf("new %q %q %q", res[0].New, res[1].New, res[2].New)
	}
	if got := names(articles(t, site)); len(got) != 1 {
		t.Errorf("files %q", got)
	}
	// A different path is a different story.
	if k1, k2 := normalLink("https://warta.example/berita/a%2Fb"), normalLink("https://warta.example/berita/a/b"); k1 == k2 {
		t.Errorf("two stories share %q", k1)
	}
}

// TestLeftovers: the temporary file of an article left by an import that
// was killed is removed by the next import, and said so; one that may be
// in use (written a moment ago), and other hidden files, are kept.
func TestLeftovers(t *testing.T) {
	site := newSite(t)
	day := filepath.Join(site, "content", "warta-cafe", "2025", "04", "28")
	os.MkdirAll(day, 0o755)
	temp := func(pattern string, age time.Duration) string {
		f, err := os.CreateTemp(day, pattern) // as atomicfile.Create names them
		if err != nil {
			t.Fatal(err)
		}
		f.WriteString("---\ntitle: Setengah")
		f.Close()
		old := time.Now().Add(-age)
		os.Chtimes(f.Name(), old, old)
		return f.Name()
	}
	stale := temp(".harga-kopi-naik.md.tmp-*", time.Hour)
	fresh := temp(".harga-kopi-turun.md.tmp-*", 0)
	other := []string{temp(".catatan.txt.tmp-*", time.Hour), temp(".harga.md.tmp-*.bak", time.Hour), temp(".catatan.md", time.Hour)}
	var removed []string
	feed, _ := filepath.Abs(filepath.Join("testdata", "atom.xml"))
	res := run(t, site, Options{Removed: func(f string) { removed = append(removed, f) }}, feed)
	if res[0].Err != nil {
		t.Fatal(res[0].Err)
	}
	if len(removed) != 1 || removed[0] != stale {
		t.Errorf("removed %q, want %q", removed, stale)
	}
	if _, err := os.Lstat(stale); err == nil {
		t.Errorf("%s is still there", stale)
	}
	for _, f := range append(other, fresh) {
		if _, err := os.Lstat(f); err != nil {
			t.Errorf("%s was removed", f)
		}
	}
}
