package search

import (
	"html"
	"strings"
)

// HTMLText is the text of a rendered body: the tags dropped, entities
// decoded, a space where a tag was so that words do not run together.
// The body is the Markdown converter's well-formed output, so a scan for
// < and > is enough.
func HTMLText(body string) string {
	var b strings.Builder
	b.Grow(len(body))
	for len(body) > 0 {
		i := strings.IndexByte(body, '<')
		if i < 0 {
			b.WriteString(body)
			break
		}
		b.WriteString(body[:i])
		b.WriteByte(' ')
		j := strings.IndexByte(body[i:], '>')
		if j < 0 {
			break
		}
		body = body[i+j+1:]
	}
	text := b.String()
	if strings.IndexByte(text, '&') >= 0 {
		text = html.UnescapeString(text)
	}
	return text
}

// MaxExcerpt bounds the body text a search result carries besides its
// summary, in bytes: what a result can show when a word is found in the
// body, within the bytes a query may fetch.
const MaxExcerpt = 400

// Excerpt is the text of a body (as HTMLText gives it) that a result can
// show when the words searched for are not in its summary: its
// sentences, in order, leaving out those the summary already holds, at
// most MaxExcerpt bytes, cut at a word.
func Excerpt(summary, text string) string {
	var b strings.Builder
	for s := strings.Join(strings.Fields(text), " "); s != "" && b.Len() < MaxExcerpt; {
		end := sentenceEnd(s)
		one := s[:end]
		s = strings.TrimSpace(s[end:])
		if strings.Contains(summary, one) {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(one)
	}
	return cutText(b.String(), MaxExcerpt)
}

// sentenceEnd is where the first sentence of s ends: after a ., ! or ?
// followed by a space, or at the end.
func sentenceEnd(s string) int {
	for i := 0; i+1 < len(s); i++ {
		if (s[i] == '.' || s[i] == '!' || s[i] == '?') && s[i+1] == ' ' {
			return i + 1
		}
	}
	return len(s)
}
