package render

import (
	"bytes"
	"encoding/json"
	"github.com/kabar-news/kabar/generator/internal/htmlcheck"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// hostile is an article whose every field tries to get markup, script or
// a dangerous address into the page.
const hostile = `---
title: "<script>alert('judul')</script> & \"kutip\" <b>tebal</b>"
date: 2025-04-28 14:30
summary: "<img src=x onerror=alert(1)> ringkasan & <i>miring</i>"
section: "<em>Rubrik</em> & Co"
source: "<script>s()</script> \"Sumber\" & Co"
source_url: "https://example.com/?a=1&b=<x>\"y\""
via: "<b onclick=v()>Agen</b>"
tags: ["<script>t()</script>", "\"kutip\" & 'apostrof'", "../../etc"]
authors: ["<a href=javascript:x>Penulis</a>"]
image: "/img/a.jpg?x=\"><script>i()</script>"
image_alt: "\"><script>alt()</script> & foto"
---
<script>alert("badan")</script>

Teks [tautan](javascript:alert(1)) <a href="javascript:alert(2)">a</a> <img src=x onerror=alert(3)> dan ![foto](data:text/html,x).
`

const (
	hostileTitle = `<script>alert('judul')</script> & "kutip" <b>tebal</b>`
	hostileTag   = `"kutip" & 'apostrof'`
)

// walk calls fn on every node below n.
func walk(n *html.Node, fn func(*html.Node)) {
	fn(n)
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, fn)
	}
}

func text(n *html.Node) string {
	var b strings.Builder
	walk(n, func(c *html.Node) {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	})
	return b.String()
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// checkSafe parses a page as a browser would and fails on any script,
// event handler or javascript:/data: address.
func checkSafe(t *testing.T, name, page string, allowScript bool) *html.Node {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	walk(doc, func(n *html.Node) {
		if n.Type != html.ElementNode {
			return
		}
		if n.Data == "script" && attr(n, "type") == "application/ld+json" {
			// A data block, never run; its text must be JSON, whole.
			if !json.Valid([]byte(text(n))) {
				t.Errorf("%s: the JSON-LD is not JSON: %s", name, text(n))
			}
		} else if n.Data == "script" && !allowScript && !(n.FirstChild == nil && htmlcheck.ThemeScript(n.Attr)) {
			t.Errorf("%s: a <script> element: %s", name, text(n))
		}
		for _, a := range n.Attr {
			v := strings.ToLower(strings.TrimSpace(a.Val))
			if strings.HasPrefix(a.Key, "on") && !allowScript {
				t.Errorf("%s: <%s %s=%q>", name, n.Data, a.Key, a.Val)
			}
			if (a.Key == "href" || a.Key == "src") && (strings.HasPrefix(v, "javascript:") || strings.HasPrefix(v, "data:")) && !allowScript {
				t.Errorf("%s: <%s %s=%q>", name, n.Data, a.Key, a.Val)
			}
		}
		if n.Data == "b" || n.Data == "i" || n.Data == "em" {
			t.Errorf("%s: markup from a field became an element: <%s>%s", name, n.Data, text(n))
		}
	})
	return doc
}

// find returns the first element for which match is true.
func find(doc *html.Node, match func(*html.Node) bool) *html.Node {
	var found *html.Node
	walk(doc, func(n *html.Node) {
		if found == nil && n.Type == html.ElementNode && match(n) {
			found = n
		}
	})
	return found
}

func TestHostileArticle(t *testing.T) {
	c := testConfig(t)
	s := build(t, c, map[string]string{"dunia/berita.md": hostile})
	tmpl := mustLoad(t, c, theme)
	var article string
	for _, p := range s.Pages() {
		out, err := renderPage(tmpl, p)
		if err != nil {
			t.Fatalf("%s: %v", p.Path, err)
		}
		checkSafe(t, p.Path, string(out), false)
		if p.Kind == "article" {
			article = string(out)
		}
	}

	doc := checkSafe(t, "article", article, false)
	// Escaping keeps the text exactly as written: not lost, not doubled.
	if h1 := find(doc, func(n *html.Node) bool { return n.Data == "h1" }); h1 == nil || text(h1) != hostileTitle {
		t.Errorf("<h1> text = %q, want %q", text(h1), hostileTitle)
	}
	if title := find(doc, func(n *html.Node) bool { return n.Data == "title" }); title == nil || text(title) != hostileTitle+" – Kabar Harian" {
		t.Errorf("<title> text = %q", text(title))
	}
	desc := find(doc, func(n *html.Node) bool { return n.Data == "meta" && attr(n, "name") == "description" })
	if got, want := attr(desc, "content"), "<img src=x onerror=alert(1)> ringkasan & <i>miring</i>"; got != want {
		t.Errorf("description = %q, want %q", got, want)
	}
	tag := find(doc, func(n *html.Node) bool {
		return n.Data == "a" && attr(n, "rel") == "tag" && strings.Contains(text(n), "kutip")
	})
	if tag == nil || text(tag) != hostileTag || attr(tag, "href") != "/kabar/tags/kutip-and-apostrof/" {
		t.Errorf("tag link = %v", tag)
	}
	src := find(doc, func(n *html.Node) bool { return n.Data == "a" && attr(n, "rel") == "noopener" })
	if src == nil || attr(src, "href") != `https://example.com/?a=1&b=<x>"y"` && attr(src, "href") != "https://example.com/?a=1&b=%3cx%3e%22y%22" {
		t.Errorf("source link = %v", src)
	}
	img := find(doc, func(n *html.Node) bool { return n.Data == "img" })
	if img == nil || attr(img, "class") != "lead-image" || !strings.HasPrefix(attr(img, "src"), "/kabar/img/a.jpg?x=") {
		t.Errorf("the only image is not the lead image: %v", img)
	}
	if got := attr(img, "alt"); got != `"><script>alt()</script> & foto` {
		t.Errorf("the lead image's alt = %q", got)
	}
	if !strings.HasPrefix(attr(img, "srcset"), "/kabar/img/a.jpg?x=") || !strings.HasSuffix(attr(img, "srcset"), " 800w") {
		t.Errorf("the lead image's srcset = %q", attr(img, "srcset"))
	}
	// The body's raw HTML is shown as text.
	body := find(doc, func(n *html.Node) bool { return n.Data == "div" && attr(n, "class") == "body" })
	for _, want := range []string{`<script>alert("badan")</script>`, `<a href="javascript:alert(2)">a</a>`, `<img src=x onerror=alert(3)>`} {
		if !strings.Contains(text(body), want) {
			t.Errorf("body text lacks %s: %q", want, text(body))
		}
	}
	for _, a := range []string{"tautan", "foto"} {
		n := find(body, func(n *html.Node) bool {
			return (n.Data == "a" && text(n) == a) || (n.Data == "img" && attr(n, "alt") == a)
		})
		if n == nil || attr(n, "href")+attr(n, "src") != "" {
			t.Errorf("the %s link kept its address: %v", a, n)
		}
	}
}

func TestUnsafeHTMLOnlyForTheBody(t *testing.T) {
	c := testConfig(t)
	c.UnsafeHTML = true
	s := build(t, c, map[string]string{"dunia/berita.md": hostile})
	tmpl := mustLoad(t, c, theme)
	out := page(t, tmpl, s, "/2025/04/28/berita/")
	doc := checkSafe(t, "article", out, true)
	var scripts []string
	walk(doc, func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "script" && attr(n, "type") != "application/ld+json" {
			scripts = append(scripts, text(n))
		}
	})
	// The body's own script passes, as configured; the title's never does.
	if strings.Join(scripts, "|") != `alert("badan")` {
		t.Errorf("scripts = %q, want only the body's", scripts)
	}
	if !bytes.Contains([]byte(out), []byte(`&lt;script&gt;alert(&#39;judul&#39;)&lt;/script&gt;`)) {
		t.Error("the title is not escaped")
	}
}
