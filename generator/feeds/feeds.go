// Package feeds writes the machine-read files of a site: RSS, Atom and
// JSON feeds, the sitemap and robots.txt. All URLs in them are absolute,
// built from the base URL, and no value depends on the time of the build.
package feeds

import (
	"bytes"
	"cmp"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"html"
	"slices"
	"strings"
	"time"

	"github.com/gorilla/feeds"

	"github.com/kabar-news/kabar/generator/config"
	"github.com/kabar-news/kabar/generator/site"
)

// Limit is how many of the newest articles a feed carries.
const Limit = 50

// Kind names a feed format.
type Kind int

// The feed formats.
const (
	RSS Kind = iota
	Atom
	JSON
)

// Feed renders a feed of articles (newest first) in the given format.
// path is the site path of the page the feed stands for.
func Feed(cfg *config.Config, kind Kind, title, path string, articles []*site.Article) ([]byte, error) {
	f := &feeds.Feed{
		Title:       title,
		Link:        &feeds.Link{Href: cfg.AbsURL(path)},
		Description: cfg.Description,
		Author:      author(cfg.Author),
		Id:          cfg.AbsURL(path),
	}
	if len(articles) > Limit {
		articles = articles[:Limit]
	}
	for _, a := range articles {
		item := &feeds.Item{
			Title:       a.Title,
			Link:        &feeds.Link{Href: cfg.AbsURL(a.Path)},
			Id:          cfg.AbsURL(a.Path),
			Description: a.Summary,
			Created:     a.Date,
		}
		if m := a.Modified(); m.After(a.Date) {
			item.Updated = m // an update or a correction
		}
		if kind != RSS {
			// RSS 2.0 wants an e-mail address in <author>; a name alone
			// makes the feed invalid, so RSS items go without.
			item.Author = author(strings.Join(a.Authors, ", "))
		}
		f.Items = append(f.Items, item)
		if t := a.Modified(); t.After(f.Updated) {
			f.Updated = t
		}
	}
	f.Created = f.Updated
	if f.Updated.IsZero() {
		// An empty feed still needs a fixed date to stay byte-identical.
		f.Updated = time.Unix(0, 0).UTC()
		f.Created = f.Updated
	}
	var (
		s   string
		err error
	)
	switch kind {
	case RSS:
		// Readers show an RSS description as HTML, and a summary is
		// plain text: escape it, so "<b>" in a summary stays text.
		for _, item := range f.Items {
			item.Description = html.EscapeString(item.Description)
		}
		rss := (&feeds.Rss{Feed: f}).RssFeed()
		// managingEditor must be an e-mail address; there is none.
		rss.ManagingEditor = ""
		s, err = feeds.ToXML(rss)
	case Atom:
		atom := (&feeds.Atom{Feed: f}).AtomFeed()
		for _, e := range atom.Entries {
			if e.Summary != nil {
				e.Summary.Type = "text" // plain text, not HTML
			}
		}
		s, err = feeds.ToXML(atom)
	case JSON:
		// JSON Feed requires "items", even when there are none.
		jf := (&feeds.JSON{Feed: f}).JSONFeed()
		items := jf.Items
		if items == nil {
			items = []*feeds.JSONItem{}
		}
		var b []byte
		b, err = json.MarshalIndent(struct {
			*feeds.JSONFeed
			Items []*feeds.JSONItem `json:"items"`
		}{jf, items}, "", "  ")
		s = string(b)
	}
	if err != nil {
		return nil, fmt.Errorf("feed %s: %w", path, err)
	}
	return []byte(s), nil
}

// Latest is the articles of a feed: of list (newest first), the Limit
// that changed last, last change first, so that a correction or an
// update brings an article back to the top. revised holds the articles
// of list that changed after they were published: only they can be
// among the Limit without being among list's first Limit.
func Latest(list, revised []*site.Article) []*site.Article {
	out := slices.Clone(list[:min(len(list), Limit)])
	if len(revised) == 0 {
		return out
	}
	in := make(map[*site.Article]bool, len(out))
	for _, a := range out {
		in[a] = true
	}
	for _, a := range revised {
		if !in[a] {
			out = append(out, a)
		}
	}
	slices.SortFunc(out, func(a, b *site.Article) int {
		if c := b.Modified().Compare(a.Modified()); c != 0 {
			return c
		}
		if c := b.Date.Compare(a.Date); c != 0 {
			return c
		}
		return cmp.Or(strings.Compare(a.Title, b.Title), strings.Compare(a.File, b.File))
	})
	return out[:min(len(out), Limit)]
}

func author(name string) *feeds.Author {
	if name == "" {
		return nil
	}
	return &feeds.Author{Name: name}
}

// SitemapLimit is the most URLs one sitemap file may hold (sitemaps.org).
const SitemapLimit = 50000

// URL is one sitemap entry.
type URL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

// SitemapNames are the files Sitemap writes for n URLs: the index
// "sitemap.xml", and "sitemap-1.xml", "sitemap-2.xml", ... of at most
// SitemapLimit URLs each. The index lists NewsName too, when there is one.
func SitemapNames(n int) []string {
	names := []string{"sitemap.xml"}
	for i := 0; i == 0 || i*SitemapLimit < n; i++ {
		names = append(names, fmt.Sprintf("sitemap-%d.xml", i+1))
	}
	return names
}

// Sitemap makes the sitemap files for the given pages, the files
// SitemapNames lists, and hands each to write as it is made.
func Sitemap(cfg *config.Config, pages []*site.Page, news bool, write func(name string, data []byte) error) error {
	var urls []URL
	for _, p := range pages {
		if p.Kind == "404" || p.Kind == "search" {
			continue // not pages a search engine should list
		}
		u := URL{Loc: cfg.AbsURL(p.Path)}
		if p.Article != nil {
			u.LastMod = p.Article.Modified().Format(time.RFC3339)
		}
		urls = append(urls, u)
	}
	var index []URL
	for i := 0; i == 0 || i*SitemapLimit < len(urls); i++ {
		name := fmt.Sprintf("sitemap-%d.xml", i+1)
		b, err := urlset(urls[i*SitemapLimit : min(len(urls), (i+1)*SitemapLimit)])
		if err != nil {
			return err
		}
		if err := write(name, b); err != nil {
			return err
		}
		index = append(index, URL{Loc: cfg.AbsURL("/" + name)})
	}
	if news {
		index = append(index, URL{Loc: cfg.AbsURL("/" + NewsName)})
	}
	b, err := encodeXML(struct {
		XMLName xml.Name `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 sitemapindex"`
		Maps    []URL    `xml:"sitemap"`
	}{Maps: index})
	if err != nil {
		return err
	}
	return write("sitemap.xml", b)
}

// urlset is encodeXML's file of urls, written directly: encoding/xml's
// reflection took a third of a second for 165,000 URLs, on every build
// that changes a page. TestURLSetIsEncodeXMLs holds the two together.
func urlset(urls []URL) ([]byte, error) {
	n := len(xml.Header) + 80
	for _, u := range urls {
		n += len(u.Loc) + len(u.LastMod) + 64
	}
	b := bytes.NewBuffer(make([]byte, 0, n))
	b.WriteString(xml.Header)
	b.WriteString(`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`)
	for _, u := range urls {
		b.WriteString("\n  <url>\n    <loc>")
		if err := xml.EscapeText(b, []byte(u.Loc)); err != nil {
			return nil, err
		}
		b.WriteString("</loc>")
		if u.LastMod != "" {
			b.WriteString("\n    <lastmod>")
			if err := xml.EscapeText(b, []byte(u.LastMod)); err != nil {
				return nil, err
			}
			b.WriteString("</lastmod>")
		}
		b.WriteString("\n  </url>")
	}
	if len(urls) > 0 {
		b.WriteString("\n")
	}
	b.WriteString("</urlset>\n")
	return b.Bytes(), nil
}

// encodeXML is v as an indented XML file.
func encodeXML(v any) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	err := enc.Encode(v)
	buf.WriteByte('\n')
	return buf.Bytes(), err
}

// Robots returns robots.txt, pointing crawlers at the sitemap index and,
// when there is one, at the news sitemap, which news crawlers look for on
// its own.
func Robots(cfg *config.Config, news bool) []byte {
	s := "User-agent: *\nAllow: /\n\nSitemap: " + cfg.AbsURL("/sitemap.xml") + "\n"
	if news {
		s += "Sitemap: " + cfg.AbsURL("/"+NewsName) + "\n"
	}
	return []byte(s)
}
