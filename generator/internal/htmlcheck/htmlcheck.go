// Package htmlcheck is the rule tests hold generated HTML to, written once
// so that every test (the Markdown tests, FuzzParse, FuzzBuild) asks the
// same thing of a page:
//
// Nothing that comes from an article may run code. No <script> (but for
// a JSON-LD data block, <script type="application/ld+json">, whose text
// must be JSON whole, so that nothing in it ended the element, and the
// theme's own, an empty element loading a file of static/js/), <iframe>,
// <object>, <embed> or <base> element, no on* attribute, and no address
// (href, src, srcset, action, formaction, poster, data, cite, background)
// that a browser would run or open as a document of the writer's making:
// javascript:, vbscript: and file: are refused, and data: is allowed only
// as an image in a format that cannot hold script, data:image/png,
// data:image/gif, data:image/jpeg or data:image/webp. data:image/svg+xml is
// refused: an SVG opened on its own runs its scripts.
//
// The rule is written here by hand, apart from the code it checks, so
// that it can disagree with it.
package htmlcheck

import (
	"bytes"
	"encoding/json"
	"html"
	"strings"

	xhtml "golang.org/x/net/html"
)

// ThemeScript reports whether a script element's attributes only load
// one of the theme's files from static/js/ on the site's own host, as the
// search page's do: the one script a page may hold, whatever an article
// says, as no article can write it.
func ThemeScript(attrs []xhtml.Attribute) bool {
	src := ""
	for _, a := range attrs {
		switch a.Key {
		case "src":
			src = a.Val
		case "defer":
		default:
			return false
		}
	}
	return strings.HasPrefix(src, "/") && !strings.HasPrefix(src, "//") && strings.Contains(src, "/js/") && strings.HasSuffix(src, ".js")
}

// safeData are the data: types the rule allows.
var safeData = []string{"data:image/png", "data:image/gif", "data:image/jpeg", "data:image/webp"}

// DangerousURL reports whether an attribute's address breaks the rule, as
// the browser reads it: entities decoded, the whitespace and control
// characters it ignores dropped, the scheme in any case.
func DangerousURL(attr string) bool {
	v := strings.ToLower(strings.Map(func(r rune) rune {
		if r <= ' ' || r == 0x7f {
			return -1
		}
		return r
	}, html.UnescapeString(attr)))
	for _, scheme := range []string{"javascript:", "vbscript:", "file:"} {
		if strings.HasPrefix(v, scheme) {
			return true
		}
	}
	if !strings.HasPrefix(v, "data:") {
		return false
	}
	for _, t := range safeData {
		// The type ends at ';' or ',': data:image/pngx is another type.
		if rest, ok := strings.CutPrefix(v, t); ok && (strings.HasPrefix(rest, ";") || strings.HasPrefix(rest, ",")) {
			return false
		}
	}
	return true
}

// addressAttrs are the attributes that hold an address.
var addressAttrs = map[string]bool{"href": true, "src": true, "action": true, "formaction": true, "poster": true, "data": true, "cite": true, "background": true, "xlink:href": true}

// Live returns the first element or attribute in page that breaks the
// rule, or "" when it keeps it.
func Live(page []byte) string {
	z := xhtml.NewTokenizer(bytes.NewReader(page))
	for {
		switch z.Next() {
		case xhtml.ErrorToken:
			return ""
		case xhtml.StartTagToken, xhtml.SelfClosingTagToken:
			tok := z.Token()
			if tok.Data == "script" && ThemeScript(tok.Attr) && z.Next() == xhtml.EndTagToken {
				continue // the theme's own file, with no text of its own
			}
			if tok.Data == "script" && isJSONLD(tok) {
				if z.Next() != xhtml.TextToken || !json.Valid(z.Text()) {
					return "<script> whose JSON-LD is broken"
				}
				continue
			}
			switch tok.Data {
			case "script", "iframe", "object", "embed", "base":
				return "<" + tok.Data + ">"
			}
			for _, a := range tok.Attr {
				switch {
				case strings.HasPrefix(a.Key, "on"):
					return a.Key + "=" + a.Val
				case addressAttrs[a.Key] && DangerousURL(a.Val):
					return a.Key + "=" + a.Val
				case a.Key == "srcset" || a.Key == "imagesrcset":
					for _, cand := range strings.Split(a.Val, ",") {
						if f := strings.Fields(cand); len(f) > 0 && DangerousURL(f[0]) {
							return a.Key + "=" + a.Val
						}
					}
				}
			}
		}
	}
}

// isJSONLD reports whether a script element is a JSON-LD data block,
// which browsers never run.
func isJSONLD(tok xhtml.Token) bool {
	for _, a := range tok.Attr {
		if a.Key == "type" {
			return strings.EqualFold(strings.TrimSpace(a.Val), "application/ld+json")
		}
	}
	return false
}
