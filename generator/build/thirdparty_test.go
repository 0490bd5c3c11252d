package build

import (
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// The built-in theme makes no request to another host: every resource a
// page loads (scripts, styles, images, icons, frames) comes from the site.
// Links a reader follows, such as an article's source, may go anywhere.
func TestNoThirdPartyRequests(t *testing.T) {
	const base = "https://user.github.io/repo/"
	out := filepath.Join(t.TempDir(), "public")
	build(t, Options{SiteDir: repoRoot(t), OutDir: out, BaseURL: base})
	pages := 0
	for name, page := range readTree(t, out) {
		if !strings.HasSuffix(name, ".html") {
			continue
		}
		pages++
		z := html.NewTokenizer(strings.NewReader(page))
		for tt := z.Next(); tt != html.ErrorToken; tt = z.Next() {
			if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
				continue
			}
			tok := z.Token()
			attrs := map[string]string{}
			for _, a := range tok.Attr {
				attrs[a.Key] = a.Val
			}
			var loads []string
			switch tok.Data {
			case "script", "img", "iframe", "audio", "video", "source", "embed", "track":
				loads = append(loads, attrs["src"])
			case "link":
				switch attrs["rel"] {
				case "canonical", "alternate", "next", "prev":
					// Not loaded by the browser.
				default:
					loads = append(loads, attrs["href"])
				}
			}
			for _, u := range loads {
				if strings.Contains(u, "//") && !strings.HasPrefix(u, base) {
					t.Errorf("%s: <%s> loads %s from another host", name, tok.Data, u)
				}
			}
		}
	}
	if pages < 50 {
		t.Fatalf("only %d pages checked", pages)
	}
}
