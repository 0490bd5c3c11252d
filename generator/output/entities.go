package output

import (
	"bytes"
	"io"

	"github.com/tdewolff/minify/v2/html"
	"github.com/tdewolff/minify/v2/xml"
	"github.com/tdewolff/parse/v2"
	phtml "github.com/tdewolff/parse/v2/html"
	pxml "github.com/tdewolff/parse/v2/xml"
)

// The HTML and XML minifiers rewrite each character reference they
// shorten in a text (&quot; to ", &#34; to ", &#60; to &lt;) in place,
// moving the whole rest of the text each time: a text of n bytes dense
// with them costs n²/2 byte moves, minutes for an article of 200,000 ""
// pairs or its feed entries. So texts are first rewritten the minifier's
// way, by the minifier's own rules, one reference at a time (each a piece
// from one & to the next, so no move is longer than a piece): what the
// minifier then meets is already in the form it keeps, and it moves
// nothing.

// canonicalHTML returns page with its texts' references rewritten, or
// page itself when it has none. The texts of <pre>, <textarea> and the
// raw-text elements stay as written, as the minifier keeps them.
func canonicalHTML(page []byte) []byte {
	if fewRefs(page) {
		return page
	}
	out := make([]byte, 0, len(page))
	z := phtml.NewLexer(parse.NewInputBytes(page))
	keep := 0 // depth inside elements whose text stays as written
	for {
		tt, data := z.Next()
		switch tt {
		case phtml.ErrorToken:
			if z.Err() != io.EOF {
				return page // the minifier reports what it cannot read
			}
			return out
		case phtml.StartTagToken:
			if keepsText(z.Text()) {
				keep++
			}
		case phtml.EndTagToken:
			if keepsText(z.Text()) && keep > 0 {
				keep--
			}
		case phtml.TextToken:
			if keep == 0 {
				out = appendReplaced(out, data, html.EntitiesMap, html.TextRevEntitiesMap)
				continue
			}
		}
		out = append(out, data...)
	}
}

// fewRefs reports whether the minifier may meet a document's references
// as written: its moves cost at most their number times the document's
// length, here 32 MB, a few milliseconds, while the rewriting pass costs a
// twentieth of a build's CPU when every page takes it (a page of 50 kB
// may hold 640 references).
func fewRefs(doc []byte) bool {
	return bytes.Count(doc, amp)*len(doc) <= refBudget
}

const refBudget = 32 << 20

var amp = []byte{'&'}

// canonicalXML is canonicalHTML for XML: feeds and sitemaps.
func canonicalXML(doc []byte) []byte {
	if fewRefs(doc) {
		return doc
	}
	out := make([]byte, 0, len(doc))
	z := pxml.NewLexer(parse.NewInputBytes(doc))
	for {
		tt, data := z.Next()
		switch tt {
		case pxml.ErrorToken:
			if z.Err() != io.EOF {
				return doc
			}
			return out
		case pxml.TextToken:
			out = appendReplaced(out, data, xml.EntitiesMap, xml.TextRevEntitiesMap)
			continue
		}
		out = append(out, data...)
	}
}

// keepsText reports whether the HTML minifier writes an element's text as
// it is: preformatted and raw text.
func keepsText(tag []byte) bool {
	switch string(bytes.ToLower(tag)) {
	case "pre", "textarea", "script", "style", "iframe", "noembed", "noframes", "noscript", "xmp", "plaintext", "title", "svg", "math":
		return true
	}
	return false
}

// appendReplaced appends text with its references rewritten as
// parse.ReplaceEntities does, piece by piece.
func appendReplaced(out, text []byte, entities map[string][]byte, rev map[byte][]byte) []byte {
	for len(text) > 0 {
		n := bytes.IndexByte(text[1:], '&') + 1
		if n == 0 {
			n = len(text)
		}
		start := len(out)
		out = append(out, text[:n]...)
		piece := parse.ReplaceEntities(out[start:], entities, rev)
		// A reference to white space (&#9;, &#10;...) stays for the
		// minifier: as a reference it keeps it, as a byte it collapses it.
		if text[0] == '&' && len(piece) > 0 && isSpace(piece[0]) {
			out = append(out[:start], text[:n]...) // as written (piece was made in place)
		} else {
			out = append(out[:start], piece...)
		}
		text = text[n:]
	}
	return out
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' }
