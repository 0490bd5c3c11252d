package feeds

import (
	"encoding/xml"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/kabar-news/kabar/generator/content"
	"github.com/kabar-news/kabar/generator/site"
)

// newsDoc reads a news sitemap by its namespaces, as Google does.
type newsDoc struct {
	XMLName xml.Name `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
	URLs    []struct {
		Loc  string `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 loc"`
		News struct {
			Name     string `xml:"http://www.google.com/schemas/sitemap-news/0.9 publication>name"`
			Language string `xml:"http://www.google.com/schemas/sitemap-news/0.9 publication>language"`
			Date     string `xml:"http://www.google.com/schemas/sitemap-news/0.9 publication_date"`
			Title    string `xml:"http://www.google.com/schemas/sitemap-news/0.9 title"`
		} `xml:"http://www.google.com/schemas/sitemap-news/0.9 news"`
	} `xml:"url"`
}

func TestNewsSitemap(t *testing.T) {
	c := testConfig(t)
	now := time.Date(2025, 4, 29, 12, 0, 0, 0, jakarta)
	inside := article("baru", "Rupiah <menguat> & \"stabil\"", "", now.Add(-2*time.Hour))
	english := article("english", "Batam data centre", "", now.Add(-47*time.Hour))
	english.Lang = "en-GB"
	s := testSite(t, c,
		article("besok", "Besok", "", now.Add(time.Minute)), // after now: not yet
		inside, english,
		// The window is two days, written out here rather than taken from
		// NewsWindow, so that a change to it fails this test.
		article("hampir", "Hampir", "", now.Add(-48*time.Hour+time.Minute)), // a minute short of two days: in
		article("lama", "Lama", "", now.Add(-48*time.Hour)),                 // two days ago exactly: out
		article("dulu", "Dulu", "", now.Add(-72*time.Hour)),
	)
	news := NewsArticles(s.Articles, now)
	data, err := NewsSitemap(c, news)
	if err != nil {
		t.Fatal(err)
	}
	var doc newsDoc
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("the news sitemap does not parse: %v\n%s", err, data)
	}
	var got []string
	for _, u := range doc.URLs {
		got = append(got, strings.Join([]string{u.Loc, u.News.Name, u.News.Language, u.News.Date, u.News.Title}, " | "))
	}
	want := []string{
		"https://example.github.io/kabar/2025/04/29/baru/ | Kabar Harian | id | 2025-04-29T10:00:00+07:00 | Rupiah <menguat> & \"stabil\"",
		"https://example.github.io/kabar/2025/04/27/english/ | Kabar Harian | en | 2025-04-27T13:00:00+07:00 | Batam data centre",
		"https://example.github.io/kabar/2025/04/27/hampir/ | Kabar Harian | id | 2025-04-27T12:01:00+07:00 | Hampir",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("news sitemap =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if !strings.Contains(string(data), `xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"`) || !strings.Contains(string(data), "<news:publication_date>") {
		t.Errorf("not in the news: namespace:\n%s", data)
	}
	if !strings.Contains(string(data), "Rupiah &lt;menguat&gt; &amp;") {
		t.Errorf("the title is not escaped:\n%s", data)
	}

	// Nothing in the window a month later: the build then writes no
	// news sitemap at all.
	if later := NewsArticles(s.Articles, now.Add(30*24*time.Hour)); len(later) != 0 {
		t.Errorf("a month later the news sitemap would hold %d articles", len(later))
	}
}

func TestNewsSitemapLimit(t *testing.T) {
	c := testConfig(t)
	now := time.Date(2025, 4, 29, 12, 0, 0, 0, jakarta)
	var list []*content.Article
	for i := range NewsLimit + 200 {
		list = append(list, article(fmt.Sprintf("a%d", i), fmt.Sprintf("Berita %d", i), "", now.Add(-time.Duration(i)*time.Minute)))
	}
	s := testSite(t, c, list...)
	news := NewsArticles(s.Articles, now)
	if len(news) != NewsLimit || news[0].Title != "Berita 0" || news[NewsLimit-1].Title != fmt.Sprintf("Berita %d", NewsLimit-1) {
		t.Errorf("%d articles, from %q to %q; want the newest %d", len(news), news[0].Title, news[len(news)-1].Title, NewsLimit)
	}
}

func TestNewsLanguage(t *testing.T) {
	for in, want := range map[string]string{"id": "id", "en-US": "en", "EN_gb": "en", "zh-Hans": "zh-cn", "zh-TW": "zh-tw", "zh-Hant-HK": "zh-tw", "jv": "jv"} {
		if got := NewsLanguage(in); got != want {
			t.Errorf("NewsLanguage(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestCorrectionInFeeds: a corrected article comes first in the feeds,
// with the correction's date as its <updated>, while the site keeps it
// in its place by date; an updated one likewise.
func TestCorrectionInFeeds(t *testing.T) {
	c := testConfig(t)
	old := article("lama", "Lama", "", mon.Add(-72*time.Hour))
	old.Corrections = []content.Correction{{Date: mon.Add(5 * time.Hour), Text: "Nama salah."}}
	updated := article("diperbarui", "Diperbarui", "", mon.Add(-48*time.Hour))
	updated.Updated = mon.Add(2 * time.Hour)
	list := []*content.Article{old, updated}
	for i := range Limit + 5 {
		list = append(list, article(fmt.Sprintf("a%d", i), fmt.Sprintf("Berita %d", i), "", mon.Add(-time.Duration(i)*time.Minute)))
	}
	s := testSite(t, c, list...)
	if s.Articles[0].Title != "Berita 0" {
		t.Fatalf("the site's order changed: %q first", s.Articles[0].Title)
	}
	var revised []*site.Article
	for _, a := range s.Articles {
		if a.Modified().After(a.Date) {
			revised = append(revised, a)
		}
	}
	latest := Latest(s.Articles, revised)
	if len(latest) != Limit || latest[0].Title != "Lama" || latest[1].Title != "Diperbarui" || latest[2].Title != "Berita 0" {
		t.Fatalf("feed order: %d articles, %q, %q, %q", len(latest), latest[0].Title, latest[1].Title, latest[2].Title)
	}
	var doc atomDoc
	if err := xml.Unmarshal(feed(t, c, Atom, c.Title, "/", latest), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Updated != "2025-04-28T19:30:00+07:00" || doc.Entries[0].Updated != "2025-04-28T19:30:00+07:00" || doc.Entries[1].Updated != "2025-04-28T16:30:00+07:00" || doc.Entries[2].Updated != "2025-04-28T14:30:00+07:00" {
		t.Errorf("Atom updated: feed %s, entries %s %s %s", doc.Updated, doc.Entries[0].Updated, doc.Entries[1].Updated, doc.Entries[2].Updated)
	}
	// Without revised articles, a feed is the newest by date.
	if l := Latest(s.Articles, nil); l[0].Title != "Berita 0" || len(l) != Limit {
		t.Errorf("Latest without revisions starts with %q", l[0].Title)
	}
}
