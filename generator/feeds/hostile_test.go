package feeds

import (
	"encoding/json"
	"encoding/xml"
	"html"
	"strings"
	"testing"

	"github.com/kabar-news/kabar/generator/content"
)

const (
	evilTitle   = `<script>alert('judul')</script> & "kutip" ]]> <![CDATA[ x`
	evilSummary = `<img src=x onerror=alert(1)> ringkasan & <i>miring</i> ]]>`
	evilAuthor  = `<a href="javascript:x">Penulis</a> & Co`
)

func hostileSite(t *testing.T) ([]byte, []byte, []byte, *content.Article) {
	t.Helper()
	c := testConfig(t)
	a := article("berita", evilTitle, evilSummary, mon, evilAuthor)
	a.Tags = []string{"<script>t()</script>"}
	s := testSite(t, c, a)
	term := s.Tags[0]
	title := term.Name + " – " + c.Title
	return feed(t, c, RSS, title, term.Path, term.Articles), feed(t, c, Atom, title, term.Path, term.Articles),
		feed(t, c, JSON, title, term.Path, term.Articles), a
}

func TestHostileRSS(t *testing.T) {
	rss, _, _, _ := hostileSite(t)
	var doc rssDoc
	if err := xml.Unmarshal(rss, &doc); err != nil {
		t.Fatalf("RSS does not parse: %v\n%s", err, rss)
	}
	if got, want := doc.Channel.Title, "<script>t()</script> – Kabar Harian"; got != want {
		t.Errorf("channel title = %q, want %q", got, want)
	}
	it := doc.Channel.Items[0]
	if it.Title != evilTitle || it.Author != "" {
		t.Errorf("title, author = %q, %q", it.Title, it.Author)
	}
	// A reader shows the description as HTML: it must hold the summary
	// escaped, so the reader shows the text and runs nothing.
	if want := html.EscapeString(evilSummary); it.Description != want {
		t.Errorf("description = %q, want %q", it.Description, want)
	}
	if it.Link != "https://example.github.io/kabar/2025/04/28/berita/" || doc.Channel.Link != "https://example.github.io/kabar/tags/script-t-script/" {
		t.Errorf("links = %q, %q", it.Link, doc.Channel.Link)
	}
	if strings.Contains(string(rss), "<script>") || strings.Contains(string(rss), "<img") {
		t.Errorf("markup in the XML:\n%s", rss)
	}
}

func TestHostileAtom(t *testing.T) {
	_, atom, _, _ := hostileSite(t)
	var doc atomDoc
	if err := xml.Unmarshal(atom, &doc); err != nil {
		t.Fatalf("Atom does not parse: %v\n%s", err, atom)
	}
	e := doc.Entries[0]
	if e.Title != evilTitle || e.Summary.Type != "text" || e.Summary.Text != evilSummary || e.Author.Name != evilAuthor {
		t.Errorf("entry = %q, %q, %q, %q", e.Title, e.Summary.Type, e.Summary.Text, e.Author.Name)
	}
	if strings.Contains(string(atom), "<script>") {
		t.Errorf("markup in the XML:\n%s", atom)
	}
}

func TestHostileJSON(t *testing.T) {
	_, _, js, _ := hostileSite(t)
	var doc jsonDoc
	if err := json.Unmarshal(js, &doc); err != nil {
		t.Fatalf("JSON feed does not parse: %v\n%s", err, js)
	}
	if doc.Title != "<script>t()</script> – Kabar Harian" || doc.Items[0].Title != evilTitle || doc.Items[0].Summary != evilSummary {
		t.Errorf("feed = %+v", doc)
	}
	// JSON Feed fields are text; encoding/json escapes < > & for pages
	// that embed it.
	if strings.Contains(string(js), "<script>") {
		t.Errorf("raw markup in the JSON:\n%s", js)
	}
}

func TestControlCharacters(t *testing.T) {
	// Characters XML cannot hold must not make the feed unreadable.
	c := testConfig(t)
	s := testSite(t, c, article("berita", "Judul \x1b[31m merah \x0b\ufffe", "Ringkasan \x00 \x07", mon))
	for _, kind := range []Kind{RSS, Atom} {
		data := feed(t, c, kind, c.Title, "/", s.Articles)
		var v struct{}
		if err := xml.Unmarshal(data, &v); err != nil {
			t.Errorf("feed %d does not parse: %v", kind, err)
		}
	}
	var doc jsonDoc
	if err := json.Unmarshal(feed(t, c, JSON, c.Title, "/", s.Articles), &doc); err != nil {
		t.Errorf("JSON feed does not parse: %v", err)
	}
}

func TestHostileSitemap(t *testing.T) {
	c := testConfig(t)
	a := article("berita", evilTitle, evilSummary, mon)
	a.Tags, a.Section, a.Source = []string{"<script>", "../../etc", "&amp;"}, "<em>Rubrik</em>", `"Sumber" & Co`
	s := testSite(t, c, a)
	maps, err := sitemapMap(c, s.Pages())
	if err != nil {
		t.Fatal(err)
	}
	var doc urlsetDoc
	if err := xml.Unmarshal(maps["sitemap-1.xml"], &doc); err != nil {
		t.Fatalf("sitemap does not parse: %v", err)
	}
	for _, u := range doc.URLs {
		rest, ok := strings.CutPrefix(u.Loc, "https://example.github.io/kabar/")
		if !ok || strings.ContainsAny(rest, `<>"&' \`) || strings.Contains(rest, "..") {
			t.Errorf("sitemap URL %q", u.Loc)
		}
	}
	if len(doc.URLs) != 14 {
		t.Errorf("%d URLs, want 14", len(doc.URLs))
	}
}
