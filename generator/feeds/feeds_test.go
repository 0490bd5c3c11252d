package feeds

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // Asia/Jakarta without a zoneinfo database

	"github.com/kabar-news/kabar/generator/config"
	"github.com/kabar-news/kabar/generator/content"
	"github.com/kabar-news/kabar/generator/site"
)

func testConfig(t *testing.T) *config.Config {
	t.Helper()
	c := config.Default()
	if err := c.SetBaseURL("https://example.github.io/kabar"); err != nil {
		t.Fatal(err)
	}
	c.Description = "Ringkasan berita"
	c.Author = "Redaksi Kabar"
	return c
}

func testSite(t *testing.T, c *config.Config, list ...*content.Article) *site.Site {
	t.Helper()
	s, err := site.New(c, "", list)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func article(slug, title, summary string, date time.Time, authors ...string) *content.Article {
	return &content.Article{File: "a/" + slug + ".md", Slug: slug, Title: title, Summary: summary, Date: date, Authors: authors}
}

type rssDoc struct {
	XMLName xml.Name `xml:"rss"`
	Channel struct {
		Title          string `xml:"title"`
		Link           string `xml:"link"`
		Description    string `xml:"description"`
		ManagingEditor string `xml:"managingEditor"`
		PubDate        string `xml:"pubDate"`
		Items          []struct {
			Title       string `xml:"title"`
			Link        string `xml:"link"`
			Description string `xml:"description"`
			Author      string `xml:"author"`
			GUID        string `xml:"guid"`
			PubDate     string `xml:"pubDate"`
		} `xml:"item"`
	} `xml:"channel"`
}

type atomDoc struct {
	XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	Title   string   `xml:"title"`
	ID      string   `xml:"id"`
	Updated string   `xml:"updated"`
	Link    struct {
		Href string `xml:"href,attr"`
	} `xml:"link"`
	Entries []struct {
		Title   string `xml:"title"`
		ID      string `xml:"id"`
		Updated string `xml:"updated"`
		Link    struct {
			Href string `xml:"href,attr"`
		} `xml:"link"`
		Summary struct {
			Type string `xml:"type,attr"`
			Text string `xml:",chardata"`
		} `xml:"summary"`
		Author struct {
			Name string `xml:"name"`
		} `xml:"author"`
	} `xml:"entry"`
}

type jsonDoc struct {
	Version     string `json:"version"`
	Title       string `json:"title"`
	HomePageURL string `json:"home_page_url"`
	Items       []struct {
		ID            string `json:"id"`
		URL           string `json:"url"`
		Title         string `json:"title"`
		Summary       string `json:"summary"`
		DatePublished string `json:"date_published"`
		DateModified  string `json:"date_modified"`
	} `json:"items"`
}

func feed(t *testing.T, c *config.Config, kind Kind, title, path string, articles []*site.Article) []byte {
	t.Helper()
	b, err := Feed(c, kind, title, path, articles)
	if err != nil {
		t.Fatalf("Feed(%d): %v", kind, err)
	}
	return b
}

var (
	jakarta = time.FixedZone("WIB", 7*3600)
	mon     = time.Date(2025, 4, 28, 14, 30, 0, 0, jakarta)
)

func TestRSS(t *testing.T) {
	c := testConfig(t)
	older := article("lama", "Berita Lama", "Ringkasan lama.", mon.Add(-24*time.Hour))
	older.Updated = mon.Add(time.Hour) // the newest change in the feed
	s := testSite(t, c, article("rupiah", "Rupiah Menguat", "Rupiah naik tipis.", mon, "Redaksi Kabar", "Tim Ekonomi"), older)
	data := feed(t, c, RSS, c.Title, "/", s.Articles)
	if !strings.HasPrefix(string(data), `<?xml version="1.0" encoding="UTF-8"?>`) {
		t.Errorf("no XML declaration: %.60s", data)
	}
	var doc rssDoc
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("RSS does not parse: %v\n%s", err, data)
	}
	ch := doc.Channel
	got := []string{ch.Title, ch.Link, ch.Description, ch.ManagingEditor, ch.PubDate}
	want := []string{"Kabar Harian", "https://example.github.io/kabar/", "Ringkasan berita", "", "Mon, 28 Apr 2025 15:30:00 +0700"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("channel = %q, want %q", got, want)
	}
	var items []string
	for _, it := range ch.Items {
		items = append(items, strings.Join([]string{it.Title, it.Link, it.GUID, it.Description, it.Author, it.PubDate}, "|"))
	}
	wantItems := []string{
		// No <author>: RSS 2.0 requires an e-mail address there; Atom and
		// JSON Feed carry the names.
		"Rupiah Menguat|https://example.github.io/kabar/2025/04/28/rupiah/|https://example.github.io/kabar/2025/04/28/rupiah/|Rupiah naik tipis.||Mon, 28 Apr 2025 14:30:00 +0700",
		"Berita Lama|https://example.github.io/kabar/2025/04/27/lama/|https://example.github.io/kabar/2025/04/27/lama/|Ringkasan lama.||Sun, 27 Apr 2025 14:30:00 +0700",
	}
	if !reflect.DeepEqual(items, wantItems) {
		t.Errorf("items =\n%s\nwant\n%s", strings.Join(items, "\n"), strings.Join(wantItems, "\n"))
	}
}

func TestAtom(t *testing.T) {
	c := testConfig(t)
	s := testSite(t, c, article("rupiah", "Rupiah Menguat", "Rupiah naik tipis.", mon, "Redaksi Kabar"))
	data := feed(t, c, Atom, "Rupiah – Kabar Harian", "/tags/rupiah/", s.Articles)
	var doc atomDoc
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("Atom does not parse: %v\n%s", err, data)
	}
	got := []string{doc.Title, doc.ID, doc.Link.Href, doc.Updated}
	want := []string{"Rupiah – Kabar Harian", "https://example.github.io/kabar/tags/rupiah/", "https://example.github.io/kabar/tags/rupiah/", "2025-04-28T14:30:00+07:00"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("feed = %q, want %q", got, want)
	}
	if len(doc.Entries) != 1 {
		t.Fatalf("%d entries, want 1", len(doc.Entries))
	}
	e := doc.Entries[0]
	gotEntry := []string{e.Title, e.ID, e.Link.Href, e.Updated, e.Summary.Type, e.Summary.Text, e.Author.Name}
	wantEntry := []string{"Rupiah Menguat", "https://example.github.io/kabar/2025/04/28/rupiah/", "https://example.github.io/kabar/2025/04/28/rupiah/",
		"2025-04-28T14:30:00+07:00", "text", "Rupiah naik tipis.", "Redaksi Kabar"}
	if !reflect.DeepEqual(gotEntry, wantEntry) {
		t.Errorf("entry = %q, want %q", gotEntry, wantEntry)
	}
}

func TestJSON(t *testing.T) {
	c := testConfig(t)
	a := article("rupiah", "Rupiah Menguat", "Rupiah naik tipis.", mon)
	a.Updated = mon.Add(2 * time.Hour)
	s := testSite(t, c, a)
	var doc jsonDoc
	if err := json.Unmarshal(feed(t, c, JSON, c.Title, "/", s.Articles), &doc); err != nil {
		t.Fatalf("JSON feed does not parse: %v", err)
	}
	if doc.Version != "https://jsonfeed.org/version/1.1" || doc.Title != "Kabar Harian" || doc.HomePageURL != "https://example.github.io/kabar/" {
		t.Errorf("feed = %+v", doc)
	}
	if len(doc.Items) != 1 {
		t.Fatalf("%d items, want 1", len(doc.Items))
	}
	it := doc.Items[0]
	got := []string{it.ID, it.URL, it.Title, it.Summary, it.DatePublished, it.DateModified}
	want := []string{"https://example.github.io/kabar/2025/04/28/rupiah/", "https://example.github.io/kabar/2025/04/28/rupiah/", "Rupiah Menguat",
		"Rupiah naik tipis.", "2025-04-28T14:30:00+07:00", "2025-04-28T16:30:00+07:00"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("item = %q, want %q", got, want)
	}
}

func TestFeedLimitAndEmpty(t *testing.T) {
	c := testConfig(t)
	var list []*content.Article
	for i := range Limit + 7 {
		list = append(list, article(fmt.Sprintf("berita-%d", i), fmt.Sprintf("Berita %d", i), "", mon.Add(time.Duration(i)*time.Minute)))
	}
	s := testSite(t, c, list...)
	var doc rssDoc
	if err := xml.Unmarshal(feed(t, c, RSS, c.Title, "/", s.Articles), &doc); err != nil {
		t.Fatal(err)
	}
	if n := len(doc.Channel.Items); n != Limit || doc.Channel.Items[0].Title != fmt.Sprintf("Berita %d", Limit+6) {
		t.Errorf("%d items, first %q; want the newest %d", n, doc.Channel.Items[0].Title, Limit)
	}
	// An empty feed is valid and does not depend on the time of the build.
	for _, kind := range []Kind{RSS, Atom, JSON} {
		a := feed(t, c, kind, c.Title, "/", nil)
		b := feed(t, c, kind, c.Title, "/", nil)
		fixed := strings.Contains(string(a), "1970")
		if kind == JSON {
			fixed = strings.Contains(string(a), `"items": []`) // JSON Feed has no feed date, and items is required
		}
		if string(a) != string(b) || !fixed {
			t.Errorf("empty feed %d is not fixed:\n%s", kind, a)
		}
	}
}

type urlsetDoc struct {
	XMLName xml.Name `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
	URLs    []URL    `xml:"url"`
}

func TestSitemap(t *testing.T) {
	c := testConfig(t)
	a := article("rupiah", "Rupiah", "", mon)
	a.Updated = mon.Add(time.Hour)
	s := testSite(t, c, a)
	maps, err := sitemapMap(c, s.Pages())
	if err != nil || len(maps) != 2 {
		t.Fatalf("Sitemap = %d files, %v; want the index and one sitemap", len(maps), err)
	}
	checkIndex(t, maps["sitemap.xml"], "sitemap-1.xml", NewsName)
	var doc urlsetDoc
	if err := xml.Unmarshal(maps["sitemap-1.xml"], &doc); err != nil {
		t.Fatalf("sitemap does not parse: %v", err)
	}
	var got []string
	for _, u := range doc.URLs {
		got = append(got, strings.TrimSpace(u.Loc+" "+u.LastMod))
	}
	want := []string{
		"https://example.github.io/kabar/",
		"https://example.github.io/kabar/2025/04/28/rupiah/ 2025-04-28T15:30:00+07:00",
		"https://example.github.io/kabar/2025/04/28/",
		"https://example.github.io/kabar/2025/04/",
		"https://example.github.io/kabar/2025/",
		"https://example.github.io/kabar/archive/",
		"https://example.github.io/kabar/tags/",
		"https://example.github.io/kabar/sections/",
		"https://example.github.io/kabar/sources/",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("sitemap =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestSitemapIndex(t *testing.T) {
	c := testConfig(t)
	pages := make([]*site.Page, SitemapLimit+2)
	for i := range pages {
		pages[i] = &site.Page{Kind: "tag", Path: fmt.Sprintf("/tags/t%d/", i)}
	}
	maps, err := sitemapMap(c, pages)
	if err != nil {
		t.Fatal(err)
	}
	if len(maps) != 3 {
		t.Fatalf("files = %d, want sitemap.xml, sitemap-1.xml, sitemap-2.xml", len(maps))
	}
	checkIndex(t, maps["sitemap.xml"], "sitemap-1.xml", "sitemap-2.xml", NewsName)
	for name, n := range map[string]int{"sitemap-1.xml": SitemapLimit, "sitemap-2.xml": 2} {
		var doc urlsetDoc
		if err := xml.Unmarshal(maps[name], &doc); err != nil || len(doc.URLs) != n {
			t.Errorf("%s: %d URLs, %v; want %d", name, len(doc.URLs), err, n)
		}
	}
}

// checkIndex checks that a sitemap index lists exactly the given files.
func checkIndex(t *testing.T, data []byte, names ...string) {
	t.Helper()
	var index struct {
		XMLName xml.Name `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 sitemapindex"`
		Maps    []URL    `xml:"sitemap"`
	}
	if err := xml.Unmarshal(data, &index); err != nil {
		t.Fatalf("the index does not parse: %v", err)
	}
	var got []string
	for _, m := range index.Maps {
		got = append(got, strings.TrimPrefix(m.Loc, "https://example.github.io/kabar/"))
	}
	if !reflect.DeepEqual(got, names) {
		t.Errorf("the index lists %q, want %q", got, names)
	}
}

func TestRobots(t *testing.T) {
	want := "User-agent: *\nAllow: /\n\nSitemap: https://example.github.io/kabar/sitemap.xml\nSitemap: https://example.github.io/kabar/sitemap-news.xml\n"
	if got := string(Robots(testConfig(t), true)); got != want {
		t.Errorf("robots.txt =\n%s\nwant\n%s", got, want)
	}
	// Without a news sitemap, robots.txt names none.
	want = "User-agent: *\nAllow: /\n\nSitemap: https://example.github.io/kabar/sitemap.xml\n"
	if got := string(Robots(testConfig(t), false)); got != want {
		t.Errorf("robots.txt without news =\n%s\nwant\n%s", got, want)
	}
}

// TestSitemapIndexWithoutNews: with no news sitemap, the index does not
// list one.
func TestSitemapIndexWithoutNews(t *testing.T) {
	c := testConfig(t)
	s := testSite(t, c, article("rupiah", "Rupiah", "", mon))
	out := map[string][]byte{}
	if err := Sitemap(c, s.Pages(), false, func(name string, data []byte) error { out[name] = data; return nil }); err != nil {
		t.Fatal(err)
	}
	checkIndex(t, out["sitemap.xml"], "sitemap-1.xml")
}

// sitemapMap collects what Sitemap writes, checking that it writes the
// files SitemapNames says, each once.
func sitemapMap(c *config.Config, pages []*site.Page) (map[string][]byte, error) {
	out := map[string][]byte{}
	err := Sitemap(c, pages, true, func(name string, data []byte) error {
		if _, ok := out[name]; ok {
			return fmt.Errorf("%s written twice", name)
		}
		out[name] = data
		return nil
	})
	n := 0
	for _, p := range pages {
		if p.Kind != "404" {
			n++
		}
	}
	if names := SitemapNames(n); err == nil && len(names) != len(out) {
		return nil, fmt.Errorf("SitemapNames says %v, Sitemap wrote %d files", names, len(out))
	}
	return out, err
}

// The sitemap's files, written by hand, are what encoding/xml makes of
// the same URLs, escapes and all.
func TestURLSetIsEncodeXMLs(t *testing.T) {
	for _, urls := range [][]URL{
		nil,
		{{Loc: "https://example.org/"}},
		{{Loc: "https://example.org/2025/04/28/rupiah-menguat/", LastMod: "2025-04-28T10:00:00+07:00"}, {Loc: "https://example.org/cari?q=a&b=<c>\"'\t\n\r\u00e9\x7f"}},
	} {
		got, err := urlset(urls)
		if err != nil {
			t.Fatal(err)
		}
		want, err := encodeXML(struct {
			XMLName xml.Name `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
			URLs    []URL    `xml:"url"`
		}{URLs: urls})
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("urlset:\n%s\nencoding/xml:\n%s", got, want)
		}
	}
}
