package htmlcheck

import "testing"

func TestLive(t *testing.T) {
	for page, want := range map[string]string{
		`<p>&lt;script&gt; onclick=&#34;y&#34; javascript:x</p>`: "",
		`<a href=" JavaScript:alert(1)">x</a>`:                   `href= JavaScript:alert(1)`,
		`<a href="&#106;avascript:x">x</a>`:                      `href=javascript:x`,
		`<a href="java&#x09;script:x">x</a>`:                     "href=java\tscript:x",
		`<img src="data:image/svg+xml,x">`:                       `src=data:image/svg+xml,x`,
		`<img src="data:text/html,x">`:                           `src=data:text/html,x`,
		`<img src="data:image/pngx,x">`:                          `src=data:image/pngx,x`,
		`<img src="file:///etc/passwd">`:                         `src=file:///etc/passwd`,
		`<img srcset="a.png 1x, data:text/html,x 2x">`:           `srcset=a.png 1x, data:text/html,x 2x`,
		`<img src="data:image/png;base64,iVBORw0KGgo=">`:         "",
		`<img src="DATA:image/JPEG,x"><img src="data:image/gif;base64,R0lG"><img src="data:image/webp,x">`: "",
		`<a href="data:image/png;base64,AA">foto</a>`:                                                      "",
		`<div onmouseover="x">`: `onmouseover=x`,
		`<p><script>x</script>`: `<script>`,
		`<script type="application/ld+json">{"a":"\u003c/script\u003e"}</script>`:  "",
		`<script type="application/ld+json">{"a":"</script><script>x()</script>"}`: "<script> whose JSON-LD is broken",
		`<script type="application/ld+json"></script><script>x()</script>`:         "<script> whose JSON-LD is broken",
		`<base href="https://x/">`:                    `<base>`,
		`<a href="https://www.antaranews.com/">x</a>`: "",
	} {
		if got := Live([]byte(page)); got != want {
			t.Errorf("Live(%q) = %q, want %q", page, got, want)
		}
	}
}

func TestThemeScriptOnly(t *testing.T) {
	for page, want := range map[string]string{
		`<script src="/repo/js/search.js" defer></script>`:        "",
		`<script src="/js/search.js">alert(1)</script>`:           "<script>",
		`<script src="https://evil.example/js/x.js"></script>`:    "<script>",
		`<script src="//evil.example/js/x.js"></script>`:          "<script>",
		`<script src="/js/search.js" onload="alert(1)"></script>`: "<script>",
		`<script>alert(1)</script>`:                               "<script>",
	} {
		if got := Live([]byte(page)); got != want {
			t.Errorf("Live(%s) = %q, want %q", page, got, want)
		}
	}
}
