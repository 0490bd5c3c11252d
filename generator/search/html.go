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
