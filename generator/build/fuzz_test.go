package build

import (
	"bytes"
	"github.com/kabar-news/kabar/generator/internal/testsite"
	"golang.org/x/net/html"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// liveMarkup returns the first element or attribute in page that could run
// code: the built-in theme has no scripts or inline handlers, and raw HTML
// in Markdown is shown as text, so none may come from an article.
func liveMarkup(page []byte) string {
	z := html.NewTokenizer(bytes.NewReader(page))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return ""
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			if tok.Data == "script" && testsite.ThemeScript(tok.Attr) && z.Next() == html.EndTagToken {
				continue // the theme's own search script, with no text in it
			}
			switch tok.Data {
			case "script", "iframe", "object", "embed":
				return "<" + tok.Data + ">"
			}
			for _, a := range tok.Attr {
				v := strings.ToLower(strings.TrimSpace(a.Val))
				if strings.HasPrefix(a.Key, "on") ||
					((a.Key == "href" || a.Key == "src") && (strings.HasPrefix(v, "javascript:") || strings.HasPrefix(v, "vbscript:") || strings.HasPrefix(v, "data:"))) {
					return a.Key + "=" + a.Val
				}
			}
		}
	}
}

// FuzzBuild builds a one-article site from arbitrary bytes. The build
// either fails with an error or writes a site in which nothing the writer
// typed became live markup.
func FuzzBuild(f *testing.F) {
	for _, seed := range []string{
		"---\ntitle: Halo\ndate: 2025-04-28\n---\nIsi.\n",
		"---\ntitle: \"<script>alert(1)</script> & \\\"kutip\\\"\"\ndate: 2025-04-28\ntags: [\"<b>x</b>\", \"a&b\"]\nsource: \"<img src=x onerror=alert(1)>\"\nsource_url: \"javascript:alert(1)\"\nimage: \"data:text/html,<script>alert(1)</script>\"\n---\n<script>alert(2)</script>\n\n[klik](javascript:alert(3)) <a href=\"javascript:x\" onclick=\"y\">z</a>\n",
		"---\ntitle: x\ndate: 2025-04-28\nslug: ../../etc/passwd\nsection: ../..\n---\n",
		"+++\ntitle = \"T\"\ndate = 2025-04-28T10:00:00+07:00\n+++\nbody\n",
		"\xef\xbb\xbf---\r\ntitle: CRLF\r\ndate: 2025-04-28\r\n---\r\nbody\r\n",
		"---\ntitle: [a, b]\ndate: yesterday\ntags: 5\n---\n",
		"---\ntitle: a\ntitle: b\n---\n",
		"---\n",
		"",
		"\x00\x01\x02",
	} {
		f.Add(seed)
	}
	siteDir := f.TempDir()
	if err := os.MkdirAll(filepath.Join(siteDir, "content"), 0o755); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, src string) {
		if err := os.WriteFile(filepath.Join(siteDir, "content", "a.md"), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(t.TempDir(), "public")
		if _, err := Build(Options{SiteDir: siteDir, OutDir: out}); err != nil {
			if _, statErr := os.Stat(out); statErr == nil {
				t.Fatalf("a failed build wrote %s: %v", out, err)
			}
			return
		}
		err := filepath.WalkDir(out, func(p string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(out, p)
			if strings.HasPrefix(rel, "..") {
				t.Fatalf("wrote outside the output folder: %s", p)
			}
			if d.IsDir() || !strings.HasSuffix(p, ".html") {
				return nil
			}
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			if m := liveMarkup(data); m != "" {
				t.Fatalf("%s holds live markup %q from the article:\n%s", rel, m, src)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

func TestLiveMarkupFindsWhatRuns(t *testing.T) {
	for page, want := range map[string]string{
		`<p>&lt;script&gt; onclick=&#34;y&#34; javascript:x</p>`: "",
		`<a href=" JavaScript:alert(1)">x</a>`:                   `href= JavaScript:alert(1)`,
		`<img src="data:image/svg+xml,x">`:                       `src=data:image/svg+xml,x`,
		`<div onmouseover="x">`:                                  `onmouseover=x`,
		`<p><script>x</script>`:                                  `<script>`,
	} {
		if got := liveMarkup([]byte(page)); got != want {
			t.Errorf("liveMarkup(%q) = %q, want %q", page, got, want)
		}
	}
}
