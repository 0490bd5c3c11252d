package feeds

import (
	"cmp"
	"encoding/xml"
	"sort"
	"strings"
	"time"

	"github.com/kabar-news/kabar/generator/config"
	"github.com/kabar-news/kabar/generator/site"
)

// NewsName is the news sitemap, in Google's News sitemap format.
const NewsName = "sitemap-news.xml"

// NewsWindow is how far back the news sitemap reaches from the build's
// "now", and NewsLimit how many articles it may hold: Google News reads
// the articles of the last two days, at most 1,000.
const (
	NewsWindow = 48 * time.Hour
	NewsLimit  = 1000
)

// NewsArticles is the part of list (newest first) that the news sitemap
// holds: published in the NewsWindow up to now, not after it, the newest
// NewsLimit of them. It looks only at those articles, however long the
// list.
func NewsArticles(list []*site.Article, now time.Time) []*site.Article {
	lo := sort.Search(len(list), func(i int) bool { return !list[i].Date.After(now) })
	from := now.Add(-NewsWindow)
	hi := lo
	for hi < len(list) && hi-lo < NewsLimit && list[hi].Date.After(from) {
		hi++
	}
	return list[lo:hi]
}

type newsURL struct {
	Loc  string   `xml:"loc"`
	News newsItem `xml:"news:news"`
}

type newsItem struct {
	Publication struct {
		Name     string `xml:"news:name"`
		Language string `xml:"news:language"`
	} `xml:"news:publication"`
	Date  string `xml:"news:publication_date"`
	Title string `xml:"news:title"`
}

// NewsSitemap is the news sitemap of articles, as NewsArticles picks
// them. With none it would be an empty urlset, which the schema refuses:
// the build writes it only when there are some.
func NewsSitemap(cfg *config.Config, articles []*site.Article) ([]byte, error) {
	urls := make([]newsURL, len(articles))
	for i, a := range articles {
		u := &urls[i]
		u.Loc = cfg.AbsURL(a.Path)
		u.News.Publication.Name = cfg.Title
		u.News.Publication.Language = NewsLanguage(cmp.Or(a.Lang, cfg.Language))
		u.News.Date = a.Date.In(cfg.Location).Format(time.RFC3339)
		u.News.Title = a.Title
	}
	return encodeXML(struct {
		XMLName xml.Name  `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
		News    string    `xml:"xmlns:news,attr"`
		URLs    []newsURL `xml:"url"`
	}{News: "http://www.google.com/schemas/sitemap-news/0.9", URLs: urls})
}

// NewsLanguage is a language tag as Google News wants it: the ISO 639
// code alone (id, en), except zh-cn and zh-tw.
func NewsLanguage(tag string) string {
	tag = strings.ToLower(strings.ReplaceAll(tag, "_", "-"))
	switch {
	case tag == "zh-cn" || tag == "zh-hans" || strings.HasPrefix(tag, "zh-hans-"):
		return "zh-cn"
	case tag == "zh-tw" || tag == "zh-hant" || strings.HasPrefix(tag, "zh-hant-"):
		return "zh-tw"
	}
	base, _, _ := strings.Cut(tag, "-")
	return base
}
