package render

import (
	"strings"
	"testing"
	"testing/fstest"
)

// A template function that panics (here truncate with a negative length)
// fails the page with the template's file and line, and does not take the
// process down: a preview server must outlive it.
func TestPanicInTemplateFunctionNamesFileAndLine(t *testing.T) {
	c := testConfig(t)
	s := build(t, c, map[string]string{"ekonomi/rupiah.md": rupiah})
	tmpl := mustLoad(t, c, fstest.MapFS{"article.html": {Data: []byte("{{define \"main\"}}\n<p>\n{{truncate -1 .Article.Title}}</p>\n{{end}}")}}, theme)
	for _, p := range s.Pages() {
		if p.Kind != "article" {
			continue
		}
		_, err := renderPage(tmpl, p)
		if err == nil {
			t.Fatal("a panicking template function did not fail the page")
		}
		for _, want := range []string{"templates/article.html:3:", "error calling truncate", "(rendering /2025/04/28/rupiah/)"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not say %q", err, want)
			}
		}
	}
}
