package search

import (
	"strings"

	"golang.org/x/net/html"
)

// HTMLText is the text of a rendered body: the tags dropped, entities
// decoded, a space where a tag was so that words do not run together.
func HTMLText(body string) string {
	var b strings.Builder
	b.Grow(len(body))
	z := html.NewTokenizer(strings.NewReader(body))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return b.String()
		case html.TextToken:
			b.Write(z.Text())
		default:
			b.WriteByte(' ')
		}
	}
}
