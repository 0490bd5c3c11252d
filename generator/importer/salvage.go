package importer

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/mmcdole/gofeed"
)

// A feed is read whole by gofeed; when that fails, or gives fewer items
// than the feed holds (a stray end tag in one item can end the feed there
// without an error), the feed is read again item by item, so that one
// broken item costs only itself, and is named.

// parseFeed parses data, item by item when it must; skipped says which
// items were left out and why.
func parseFeed(data []byte) (feed *gofeed.Feed, skipped []string, err error) {
	feed, err = gofeed.NewParser().Parse(bytes.NewReader(data))
	if gofeed.DetectFeedType(bytes.NewReader(data)) == gofeed.FeedTypeJSON {
		if err == nil {
			return feed, nil, nil
		}
		return parseJSONItems(data, err)
	}
	spans := itemSpans(data)
	if len(spans) == 0 || (err == nil && len(feed.Items) == len(spans)) {
		return feed, nil, err
	}
	head, tail := data[:spans[0][0]], data[spans[len(spans)-1][1]:]
	if err != nil {
		// The feed's own fields, without its items.
		if feed, err = gofeed.NewParser().Parse(bytes.NewReader(join(head, nil, tail))); err != nil {
			return nil, nil, err
		}
	}
	feed.Items = nil
	for n, s := range spans {
		chunk := data[s[0]:s[1]]
		what := describeItem(n+1, chunk)
		if err := wellFormed(chunk); err != nil {
			why := ": " + err.Error()
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				why = fmt.Sprintf(" on line %d: %s", bytes.Count(data[:s[0]], []byte("\n"))+se.Line, se.Msg)
			}
			skipped = append(skipped, fmt.Sprintf("%s: broken XML%s", what, why))
			continue
		}
		one, err := gofeed.NewParser().Parse(bytes.NewReader(join(head, chunk, tail)))
		if err != nil || len(one.Items) != 1 {
			skipped = append(skipped, fmt.Sprintf("%s: could not be read: %v", what, orNoItem(err)))
			continue
		}
		feed.Items = append(feed.Items, one.Items[0])
	}
	return feed, skipped, nil
}

// parseJSONItems reads a JSON Feed item by item, after reading it whole
// failed with err: an item with a field of the wrong type (a string for
// the list of tags) costs only itself.
func parseJSONItems(data []byte, err error) (*gofeed.Feed, []string, error) {
	var top map[string]json.RawMessage
	var items []json.RawMessage
	if json.Unmarshal(data, &top) != nil || json.Unmarshal(top["items"], &items) != nil {
		return nil, nil, err // the feed itself is broken, not one item
	}
	with := func(items ...json.RawMessage) []byte {
		top["items"], _ = json.Marshal(items)
		b, _ := json.Marshal(top)
		return b
	}
	feed, err := gofeed.NewParser().Parse(bytes.NewReader(with()))
	if err != nil {
		return nil, nil, err
	}
	var skipped []string
	for n, raw := range items {
		one, err := gofeed.NewParser().Parse(bytes.NewReader(with(raw)))
		if err != nil || len(one.Items) != 1 {
			var named struct{ Title, URL any }
			json.Unmarshal(raw, &named)
			var parts []string
			if t, ok := named.Title.(string); ok && plainText(t) != "" {
				parts = append(parts, fmt.Sprintf("%q", truncate(plainText(t), 80)))
			}
			if u, ok := named.URL.(string); ok && u != "" {
				parts = append(parts, u)
			}
			what := fmt.Sprintf("item %d", n+1)
			if len(parts) > 0 {
				what += " (" + strings.Join(parts, ", ") + ")"
			}
			skipped = append(skipped, fmt.Sprintf("%s: could not be read: %v", what, orNoItem(err)))
			continue
		}
		feed.Items = append(feed.Items, one.Items[0])
	}
	return feed, skipped, nil
}

func join(head, chunk, tail []byte) []byte {
	return bytes.Join([][]byte{head, chunk, tail}, nil)
}

func orNoItem(err error) error {
	if err == nil {
		return errors.New("it holds no item")
	}
	return err
}

// itemSpans finds the byte ranges of an XML feed's <item>s (RSS) or
// <entry>s (Atom) by their tags, passing over CDATA sections and
// comments, which may hold anything.
func itemSpans(data []byte) [][2]int {
	var spans [][2]int
	open, start := "", 0
	for i := 0; i < len(data); i++ {
		if data[i] != '<' {
			continue
		}
		rest := data[i:]
		switch {
		case bytes.HasPrefix(rest, []byte("<![CDATA[")):
			i += skipTo(rest, "]]>")
		case bytes.HasPrefix(rest, []byte("<!--")):
			i += skipTo(rest, "-->")
		case open == "":
			for _, name := range []string{"item", "entry"} {
				if tagIs(rest[1:], name) {
					open, start = name, i
				}
			}
		case rest[1] == '/' && tagIs(rest[2:], open):
			end := i + skipTo(rest, ">") + 1
			spans = append(spans, [2]int{start, min(end, len(data))})
			open = ""
		}
	}
	return spans
}

// tagIs reports whether b starts with the tag name, then its end or an
// attribute.
func tagIs(b []byte, name string) bool {
	return bytes.HasPrefix(b, []byte(name)) && len(b) > len(name) && strings.IndexByte(" \t\r\n>/", b[len(name)]) >= 0
}

// skipTo is the offset of the end of the first sep in b, or len(b).
func skipTo(b []byte, sep string) int {
	if j := bytes.Index(b, []byte(sep)); j >= 0 {
		return j + len(sep) - 1
	}
	return len(b)
}

// wellFormed checks an item's tags: each element closed by its own end
// tag. Its text is not judged (gofeed reads control characters, stray
// ampersands, HTML entities and other encodings that XML refuses).
func wellFormed(chunk []byte) error {
	clean := bytes.Map(func(r rune) rune {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' {
			return ' '
		}
		return r
	}, bytes.ToValidUTF8(chunk, []byte("?")))
	clean = bytes.ReplaceAll(clean, []byte("&"), []byte("&amp;"))
	d := xml.NewDecoder(bytes.NewReader(clean))
	d.Strict = true
	for {
		if _, err := d.Token(); err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
	}
}

var (
	titleTag = regexp.MustCompile(`(?s)<title[^>]*>(.*?)</title>`)
	linkTag  = regexp.MustCompile(`(?s)<link>([^<]+)</link>|<link[^>]*\shref=["']([^"']+)`)
)

// describeItem names an item by its position, and its title and link as
// far as they can be read.
func describeItem(n int, chunk []byte) string {
	var named []string
	if m := titleTag.FindSubmatch(chunk); m != nil {
		t := strings.NewReplacer("<![CDATA[", "", "]]>", "").Replace(string(m[1]))
		if t = plainText(string(bytes.ToValidUTF8([]byte(t), []byte("\uFFFD")))); t != "" {
			named = append(named, fmt.Sprintf("%q", truncate(t, 80)))
		}
	}
	if m := linkTag.FindSubmatch(chunk); m != nil {
		named = append(named, strings.TrimSpace(string(bytes.ToValidUTF8(append(m[1], m[2]...), nil))))
	}
	if len(named) == 0 {
		return fmt.Sprintf("item %d", n)
	}
	return fmt.Sprintf("item %d (%s)", n, strings.Join(named, ", "))
}

var xmlEncoding = regexp.MustCompile(`^\s*<\?xml[^>]*\sencoding\s*=\s*["']([A-Za-z0-9._-]+)["']`)

// validUTF8 replaces what is not UTF-8 in a feed that is meant to be (one
// that names no other encoding) by U+FFFD, and says so: one bad byte
// should not cost the whole feed.
func validUTF8(data []byte) ([]byte, string) {
	if utf8.Valid(data) {
		return data, ""
	}
	if m := xmlEncoding.FindSubmatch(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))); m != nil {
		if enc := strings.ToLower(string(m[1])); enc != "utf-8" && enc != "utf8" {
			return data, "" // gofeed converts it
		}
	}
	bad, line := 0, 0
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size == 1 {
			if bad == 0 {
				line = bytes.Count(data[:i], []byte("\n")) + 1
			}
			bad++
		}
		i += size
	}
	what := fmt.Sprintf("%d bytes that are not UTF-8 (the first on line %d) are", bad, line)
	if bad == 1 {
		what = fmt.Sprintf("a byte that is not UTF-8 (on line %d) is", line)
	}
	return bytes.ToValidUTF8(data, []byte("\uFFFD")), what + " shown as \uFFFD: the feed is not quite the UTF-8 it says it is"
}
