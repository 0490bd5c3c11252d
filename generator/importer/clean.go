package importer

import (
	"html"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/JohannesKaufmann/html-to-markdown/v2/converter"
	"github.com/JohannesKaufmann/html-to-markdown/v2/plugin/base"
	"github.com/JohannesKaufmann/html-to-markdown/v2/plugin/commonmark"
	"github.com/JohannesKaufmann/html-to-markdown/v2/plugin/strikethrough"
	"github.com/JohannesKaufmann/html-to-markdown/v2/plugin/table"
	"github.com/microcosm-cc/bluemonday"
	xhtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Both policies and the converter are made once and are safe to share
// between goroutines.
var (
	// bodyPolicy keeps what a story's text needs (paragraphs, emphasis,
	// lists, quotes, tables, links, images) and drops scripts, styles,
	// frames, forms, event handlers and every address that is not a web
	// or mail address.
	bodyPolicy = func() *bluemonday.Policy {
		p := bluemonday.UGCPolicy()
		p.AllowURLSchemes("http", "https", "mailto")
		p.RequireParseableURLs(true)
		p.AllowRelativeURLs(true) // resolved against the feed below
		return p
	}()
	textPolicy = bluemonday.StrictPolicy()
	toMD       = converter.NewConverter(converter.WithPlugins(
		base.NewBasePlugin(), commonmark.NewCommonmarkPlugin(), table.NewTablePlugin(), strikethrough.NewStrikethroughPlugin()))
)

// markdownOf turns a feed's HTML into Markdown: sanitised first, then
// relative addresses resolved against base (when known), tracking pixels
// dropped, then converted. Images stay links to their original address.
func markdownOf(src string, base *url.URL) (string, error) {
	if strings.TrimSpace(src) == "" {
		return "", nil
	}
	doc, err := xhtml.Parse(strings.NewReader(bodyPolicy.Sanitize(src)))
	if err != nil {
		return "", err
	}
	fixNodes(doc, base)
	md, err := toMD.ConvertNode(doc)
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(md)), nil
}

// fixNodes resolves links and image sources against base and removes
// tracking pixels and images without a usable address.
func fixNodes(n *xhtml.Node, base *url.URL) {
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		if c.Type == xhtml.ElementNode {
			switch c.DataAtom {
			case atom.Img:
				if src, ok := resolve(attr(c, "src"), base); ok && !isPixel(c) {
					setAttr(c, "src", src)
					delAttr(c, "srcset")
					// What follows an image, such as the text of a link
					// whose address was removed, must not stick to its
					// Markdown: "![Beras](…) klik", not "![Beras](…)klik".
					if next != nil && !(next.Type == xhtml.TextNode && startsWithSpace(next.Data)) {
						n.InsertBefore(&xhtml.Node{Type: xhtml.TextNode, Data: " "}, next)
					}
				} else {
					n.RemoveChild(c)
					c = next
					continue
				}
			case atom.A:
				if href, ok := resolve(attr(c, "href"), base); ok {
					setAttr(c, "href", href)
				} else {
					delAttr(c, "href")
				}
			}
		}
		fixNodes(c, base)
		c = next
	}
}

func startsWithSpace(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsSpace(r)
}

// resolve makes ref absolute against base; it reports false when the
// result is not an http(s) or mailto address.
func resolve(ref string, base *url.URL) (string, bool) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return "", false
	}
	u, err := url.Parse(ref)
	if err != nil {
		return "", false
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	switch {
	case u.Scheme == "mailto":
		return u.String(), true
	case (u.Scheme == "http" || u.Scheme == "https") && u.Host != "":
		return u.String(), true
	}
	return "", false
}

// isPixel reports an image of at most 1x1 pixels: a tracker, not a picture.
func isPixel(n *xhtml.Node) bool {
	small := func(key string) bool {
		v := strings.TrimSuffix(strings.TrimSpace(attr(n, key)), "px")
		i, err := strconv.Atoi(v)
		return err == nil && i <= 1
	}
	return small("width") || small("height")
}

func attr(n *xhtml.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func setAttr(n *xhtml.Node, key, val string) {
	for i := range n.Attr {
		if n.Attr[i].Key == key {
			n.Attr[i].Val = val
			return
		}
	}
	n.Attr = append(n.Attr, xhtml.Attribute{Key: key, Val: val})
}

func delAttr(n *xhtml.Node, key string) {
	out := n.Attr[:0]
	for _, a := range n.Attr {
		if a.Key != key {
			out = append(out, a)
		}
	}
	n.Attr = out
}

// plainText is HTML (or text) as one line of plain text: tags dropped
// with scripts' and styles' contents, entities decoded, white space
// collapsed, control characters removed.
func plainText(s string) string {
	if strings.ContainsAny(s, "<&") {
		s = html.UnescapeString(textPolicy.Sanitize(spaceBlocks(s)))
	}
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r)
	}), " ")
}

// blocks are the elements that stand apart from the text around them: a
// browser shows their words apart, so plain text keeps a space there
// ("…per kilogram. Pedagang…", not "…per kilogram.Pedagang…").
var blocks = map[atom.Atom]bool{
	atom.Address: true, atom.Article: true, atom.Aside: true, atom.Blockquote: true, atom.Br: true,
	atom.Caption: true, atom.Dd: true, atom.Div: true, atom.Dl: true, atom.Dt: true,
	atom.Figcaption: true, atom.Figure: true, atom.Footer: true, atom.H1: true, atom.H2: true,
	atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true, atom.Header: true, atom.Hr: true,
	atom.Img: true, atom.Li: true, atom.Main: true, atom.Nav: true, atom.Ol: true, atom.P: true,
	atom.Pre: true, atom.Section: true, atom.Table: true, atom.Td: true, atom.Th: true,
	atom.Tr: true, atom.Ul: true,
}

// spaceBlocks puts a space before every start and end tag of a block in
// s, leaving the rest as it is.
func spaceBlocks(s string) string {
	var b strings.Builder
	z := xhtml.NewTokenizer(strings.NewReader(s))
	for {
		tt := z.Next()
		if tt == xhtml.ErrorToken {
			return b.String()
		}
		if tt == xhtml.StartTagToken || tt == xhtml.EndTagToken || tt == xhtml.SelfClosingTagToken {
			if name, _ := z.TagName(); blocks[atom.Lookup(name)] {
				b.WriteByte(' ')
			}
		}
		b.Write(z.Raw())
	}
}

// truncate cuts s to at most n characters, at a word, ending it with "…".
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)[:n-1]
	cut := string(r)
	if i := strings.LastIndexByte(cut, ' '); i > len(cut)/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,;:.-–—") + "…"
}
