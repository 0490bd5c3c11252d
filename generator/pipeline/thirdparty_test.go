package pipeline

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"net/url"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// The built-in theme makes no request to another host: every resource a
// page loads (scripts, styles, fonts, images, icons, frames, media) comes
// from the site. Links a reader follows, such as an article's source, may
// go anywhere. Every file of the output is read, by its kind.
func TestNoThirdPartyRequests(t *testing.T) {
	const base = "https://user.github.io/repo/"
	out := filepath.Join(t.TempDir(), "public")
	build(t, Options{SiteDir: repoRoot(t), OutDir: out, BaseURL: base})
	kinds := map[string]int{}
	for name, data := range readTree(t, out) {
		kind, loads, err := thirdParty(base, name, data)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		kinds[kind]++
		for _, l := range loads {
			t.Errorf("%s: %s", name, l)
		}
	}
	if kinds["html"] < 50 || kinds["css"] < 1 || kinds["feed"] < 3 {
		t.Fatalf("files checked by kind: %v; want the pages, the stylesheet and the feeds", kinds)
	}
}

// TestThirdPartyCheck shows the check above catching each way a theme
// could load from another host, and passing what loads nothing.
func TestThirdPartyCheck(t *testing.T) {
	const base = "https://user.github.io/repo/"
	for _, c := range []struct {
		name, file, data string
		loads            bool
	}{
		{"script", "a.html", `<script src="https://cdn.example/x.js"></script>`, true},
		{"fetch in a script", "js/a.js", `fetch("https://cdn.example/data.json")`, true},
		{"fetch of the site's own", "js/a.js", `fetch(dir + file, { cache: 'no-cache' })`, false},
		{"scheme-relative", "a.html", `<img src="//cdn.example/x.png">`, true},
		{"srcset", "a.html", `<img src="/repo/a.png" srcset="/repo/a2.png 2x, https://cdn.example/a3.png 3x">`, true},
		{"srcset of source", "a.html", `<picture><source srcset="https://cdn.example/a.webp"></picture>`, true},
		{"poster", "a.html", `<video src="/repo/v.mp4" poster="https://cdn.example/p.jpg"></video>`, true},
		{"object data", "a.html", `<object data="https://cdn.example/x.svg"></object>`, true},
		{"inline style", "a.html", `<div style="background: url(https://cdn.example/bg.png)"></div>`, true},
		{"style element", "a.html", `<style>@import "https://fonts.googleapis.com/css2?family=Inter";</style>`, true},
		{"lazy data-src", "a.html", `<img data-src="https://cdn.example/x.png">`, true},
		{"stylesheet", "a.html", `<link rel="stylesheet" href="https://fonts.googleapis.com/css2">`, true},
		{"alternate stylesheet", "a.html", `<link rel="alternate stylesheet" href="https://cdn.example/dark.css">`, true},
		{"preconnect", "a.html", `<link rel="preconnect" href="https://fonts.gstatic.com">`, true},
		{"css @import url", "css/s.css", `@import url("https://fonts.googleapis.com/css2?family=Inter");`, true},
		{"css @import string", "css/s.css", `@import 'https://fonts.googleapis.com/css2';`, true},
		{"css font", "css/s.css", `@font-face { src: url( https://fonts.gstatic.com/a.woff2 ) format("woff2") }`, true},
		{"svg image", "i.svg", `<svg xmlns="http://www.w3.org/2000/svg"><image href="https://cdn.example/x.png"/></svg>`, true},
		{"feed logo", "atom.xml", `<feed xmlns="http://www.w3.org/2005/Atom"><logo>https://cdn.example/logo.png</logo></feed>`, true},
		{"image in a feed's content", "feed.xml", `<rss><channel><item><description>&lt;img src="https://cdn.example/x.png"&gt;</description></item></channel></rss>`, true},
		{"json feed icon", "feed.json", `{"icon":"https://cdn.example/i.png","items":[]}`, true},
		{"json feed content", "feed.json", `{"items":[{"content_html":"<img src=\"https://cdn.example/x.png\">"}]}`, true},

		{"links are followed, not loaded", "a.html", `<a href="https://www.riau24.com/berita/x">sumber</a><link rel="canonical" href="https://elsewhere.example/"><link rel="alternate" type="application/rss+xml" href="https://user.github.io/repo/feed.xml">`, false},
		{"the site's own", "a.html", `<img src="/repo/a.png" srcset="a.png 1x, https://user.github.io/repo/b.png 2x"><div style="background:url('/repo/bg.png')"></div><style>@import "s.css";</style>`, false},
		{"data: and fragments", "a.html", `<img src="data:image/png;base64,AAAA"><svg><use href="#i"></use></svg>`, false},
		{"css relative", "css/s.css", `body { background: url(../img/bg.png) } @import "print.css";`, false},
		{"a feed's links", "feed.xml", `<rss><channel><link>https://user.github.io/repo/</link><item><link>https://www.riau24.com/x</link><description>&lt;a href="https://www.riau24.com/x"&gt;x&lt;/a&gt;</description></item></channel></rss>`, false},
		{"json feed links", "feed.json", `{"home_page_url":"https://user.github.io/repo/","items":[{"url":"https://user.github.io/repo/x/","external_url":"https://www.riau24.com/x"}]}`, false},
		{"manifest icon", "manifest.webmanifest", `{"icons":[{"src":"https://cdn.example/i.png"}]}`, true},
		{"manifest's own icons", "manifest.webmanifest", `{"start_url":"./","icons":[{"src":"icon-192.png"},{"src":"/repo/favicon.svg"}]}`, false},
		{"robots", "robots.txt", "Sitemap: https://user.github.io/repo/sitemap.xml\n", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, loads, err := thirdParty(base, c.file, c.data)
			if err != nil {
				t.Fatal(err)
			}
			if got := len(loads) > 0; got != c.loads {
				t.Errorf("%s %q: loads %q, want a load from another host: %v", c.file, c.data, loads, c.loads)
			}
		})
	}
	if _, _, err := thirdParty(base, "app.wasm", "fetch('https://x')"); err == nil {
		t.Error("a file of a kind the check does not read passed unread")
	}
}

// thirdParty reads one output file, named by its path in the output, and
// returns what kind of file it took it for and a line for every resource
// in it that a browser or feed reader would load from a host other than
// base's. A file of a kind it does not know is an error, so that a new
// kind of output is not left unchecked.
func thirdParty(base, name, data string) (kind string, loads []string, err error) {
	page, err := url.Parse(base + name)
	if err != nil {
		return "", nil, err
	}
	home, _ := url.Parse(base)
	check := func(where, ref string) {
		ref = strings.TrimSpace(ref)
		if ref == "" || strings.HasPrefix(ref, "#") || strings.HasPrefix(ref, "data:") {
			return
		}
		u, err := page.Parse(ref)
		if err != nil {
			loads = append(loads, where+" has an address that does not parse: "+ref)
			return
		}
		if u.Host != home.Host || u.Scheme != home.Scheme {
			loads = append(loads, where+" loads "+ref+" from another host")
		}
	}
	switch ext := path.Ext(name); {
	case ext == ".html" || ext == ".svg":
		kind = "html"
		checkHTML(data, check)
	case ext == ".css":
		kind = "css"
		checkCSS("the stylesheet", data, check)
	case name == "feed.json":
		kind = "feed"
		err = checkJSONFeed(data, check)
	case ext == ".webmanifest":
		kind = "manifest"
		err = checkManifest(data, check)
	case ext == ".xml":
		kind = "feed"
		if name == "sitemap.xml" {
			kind = "sitemap"
		}
		err = checkXMLFeed(data, check)
	case strings.HasPrefix(name, "search/") && ext == ".bin":
		kind = "search index" // data for search.js: terms, numbers and site paths
	case ext == ".js":
		// The theme's scripts fetch what the page names (data-index), on
		// its host: no address of another host may be written in them.
		kind = "script"
		if m := absoluteURL.FindString(data); m != "" {
			loads = append(loads, "the script holds the address "+m)
		}
	case name == "js/porter2.LICENSE":
		kind = "text"
	case name == "robots.txt" || name == "CNAME" || name == ".nojekyll" || name == ".kabar-output":
		kind = "text" // read by crawlers, GitHub and the generator; they load nothing
	case ext == ".png" || ext == ".jpg" || ext == ".jpeg":
		kind = "image" // raster images refer to nothing
	default:
		return "", nil, errNotChecked
	}
	return kind, loads, err
}

var absoluteURL = regexp.MustCompile(`(?i)(https?:)?//[a-z0-9.-]+\.[a-z]{2,}/`)

var errNotChecked = errors.New("this kind of file is not checked: teach thirdParty what it loads")

// navigation are the attributes whose address a reader follows rather
// than one the browser loads with the page: every other attribute that
// holds an address counts as a load.
var navigation = map[string]bool{"a.href": true, "area.href": true, "form.action": true, "blockquote.cite": true, "q.cite": true, "del.cite": true, "ins.cite": true}

// followedRels are link relations that load nothing: the browser only
// knows of them.
var followedRels = map[string]bool{"canonical": true, "alternate": true, "next": true, "prev": true, "author": true, "license": true, "me": true, "search": true}

// checkHTML calls check with every address an HTML or SVG document loads:
// in any attribute (srcset's list, style's CSS included), in <style>
// elements, and in the HTML inside feeds.
func checkHTML(doc string, check func(where, ref string)) {
	z := html.NewTokenizer(strings.NewReader(doc))
	inStyle := false
	for tt := z.Next(); tt != html.ErrorToken; tt = z.Next() {
		switch tt {
		case html.TextToken:
			if inStyle {
				checkCSS("a <style> element", string(z.Text()), check)
			}
			continue
		case html.EndTagToken:
			inStyle = false
			continue
		case html.StartTagToken, html.SelfClosingTagToken:
		default:
			continue
		}
		tok := z.Token()
		inStyle = tok.Data == "style" && tt == html.StartTagToken
		rel := ""
		for _, a := range tok.Attr {
			if a.Key == "rel" {
				rel = a.Val
			}
		}
		for _, a := range tok.Attr {
			where := "<" + tok.Data + " " + a.Key + ">"
			key := strings.TrimPrefix(a.Key, "xlink:")
			switch {
			case navigation[tok.Data+"."+key]:
			case tok.Data == "link" && key == "href":
				loaded := false
				for _, r := range strings.Fields(strings.ToLower(rel)) {
					loaded = loaded || !followedRels[r]
				}
				if loaded || rel == "" {
					check(where, a.Val)
				}
			case key == "srcset" || key == "imagesrcset":
				for _, cand := range strings.Split(a.Val, ",") {
					if f := strings.Fields(cand); len(f) > 0 {
						check(where, f[0])
					}
				}
			case key == "style":
				checkCSS(where, a.Val, check)
			case tok.Data == "meta" || key == "content" || key == "datetime" || key == "xmlns" || strings.HasPrefix(key, "xmlns:"):
				// Words about the page (og:image is for other sites to
				// load, if they choose) and XML names, not loads.
			case looksLikeAddress(a.Val):
				check(where, a.Val)
			case key == "src" || key == "href" || key == "poster" || key == "data" || key == "background" || strings.HasPrefix(key, "data-"):
				check(where, a.Val)
			}
		}
	}
}

// looksLikeAddress reports whether an attribute value is an absolute or
// scheme-relative address, whatever the attribute is called.
func looksLikeAddress(v string) bool {
	v = strings.ToLower(strings.TrimSpace(v))
	return strings.HasPrefix(v, "//") || strings.HasPrefix(v, "http://") || strings.HasPrefix(v, "https://")
}

var (
	cssComment = regexp.MustCompile(`(?s)/\*.*?\*/`)
	// cssURL is url(...) with or without quotes, and @import's string.
	cssURL = regexp.MustCompile(`(?i)url\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s]*))\s*\)|@import\s+(?:"([^"]*)"|'([^']*)')`)
)

// checkCSS calls check with every url() and @import of a stylesheet.
func checkCSS(where, css string, check func(where, ref string)) {
	css = cssComment.ReplaceAllString(css, "")
	for _, m := range cssURL.FindAllStringSubmatch(css, -1) {
		check(where, m[1]+m[2]+m[3]+m[4]+m[5])
	}
}

// checkXMLFeed reads RSS, Atom and the sitemap: the images a feed reader
// shows (logo, icon, image), enclosures it may fetch, and the HTML of
// every entry, escaped in the XML.
func checkXMLFeed(doc string, check func(where, ref string)) error {
	d := xml.NewDecoder(strings.NewReader(doc))
	var stack []string
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			stack = append(stack, tok.Name.Local)
			for _, a := range tok.Attr {
				switch {
				case a.Name.Local == "url": // enclosure, media:content
					check("<"+tok.Name.Local+" url>", a.Value)
				case tok.Name.Local == "link" && a.Name.Local == "href":
					for _, r := range tok.Attr {
						if r.Name.Local == "rel" && r.Value == "enclosure" {
							check("<link rel=enclosure>", a.Value)
						}
					}
				}
			}
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) == 0 {
				continue
			}
			el, parent := stack[len(stack)-1], ""
			if len(stack) > 1 {
				parent = stack[len(stack)-2]
			}
			switch {
			case el == "logo" || el == "icon" || el == "url" && parent == "image":
				check("<"+el+">", string(tok))
			case el == "description" || el == "encoded" || el == "content" || el == "summary":
				checkHTML(string(tok), func(where, ref string) { check("<"+el+"> "+where, ref) })
			}
		}
	}
}

// checkJSONFeed reads a JSON Feed: its icons and images, attachments,
// and the HTML of every item.
// checkManifest reads a web app manifest: its icons and screenshots are
// loaded by the browser that installs the site; start_url and scope are
// places, not loads.
func checkManifest(doc string, check func(where, ref string)) error {
	var m struct {
		Icons, Screenshots []struct{ Src string }
	}
	if err := json.Unmarshal([]byte(doc), &m); err != nil {
		return err
	}
	for _, i := range append(m.Icons, m.Screenshots...) {
		check("the manifest's icon", i.Src)
	}
	return nil
}

func checkJSONFeed(doc string, check func(where, ref string)) error {
	var feed struct {
		Icon, Favicon string
		Items         []struct {
			Image       string
			BannerImage string `json:"banner_image"`
			ContentHTML string `json:"content_html"`
			Attachments []struct{ URL string }
		}
	}
	if err := json.Unmarshal([]byte(doc), &feed); err != nil {
		return err
	}
	check("icon", feed.Icon)
	check("favicon", feed.Favicon)
	for _, it := range feed.Items {
		check("an item's image", it.Image)
		check("an item's banner_image", it.BannerImage)
		for _, a := range it.Attachments {
			check("an attachment", a.URL)
		}
		checkHTML(it.ContentHTML, func(where, ref string) { check("content_html "+where, ref) })
	}
	return nil
}
