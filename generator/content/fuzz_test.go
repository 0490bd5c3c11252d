package content

import (
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/kabar-news/kabar/generator/internal/htmlcheck"
	"github.com/kabar-news/kabar/generator/markdown"
)

// fuzzNames are the file names FuzzParse picks from: plain, Jekyll-dated,
// a page bundle and one with nothing to make a slug of.
var fuzzNames = []string{"dunia/berita.md", "2025-04-28-rupiah-menguat.md", "dunia/berita-besar/index.md", "___.md"}

var safeSlug = regexp.MustCompile(`^[a-z0-9_-]+$`)

// The rule for source_url, as the README gives it ("an http(s) address"),
// written out apart from the parser's own check (net/url) so that the two
// can disagree. webAddress is what every accepted value must be: http://
// or https:// in any case, then a host (something before the first '/',
// '?' or '#' that is more than a user name or a port), and no control
// character anywhere. plainAddress is what must always be accepted: a
// lower-case host of letters, digits, dots and hyphens, an optional port,
// and a path of unreserved characters.
func webAddress(s string) bool {
	i := strings.Index(s, "://")
	if i < 0 || !strings.EqualFold(s[:i], "http") && !strings.EqualFold(s[:i], "https") {
		return false
	}
	for _, r := range s {
		if r < ' ' || r == 0x7f {
			return false
		}
	}
	host := s[i+3:]
	if j := strings.IndexAny(host, "/?#"); j >= 0 {
		host = host[:j]
	}
	if j := strings.LastIndexByte(host, '@'); j >= 0 {
		host = host[j+1:]
	}
	if j := strings.LastIndexByte(host, ':'); j >= 0 && !strings.Contains(host[j:], "]") {
		host = host[:j]
	}
	return host != ""
}

var plainAddress = regexp.MustCompile(`^(?i:https?)://[a-z0-9]+([.-][a-z0-9]+)*(:[0-9]{1,5})?(/[A-Za-z0-9._~/-]*)?$`)

// FuzzParse feeds the front matter and body parser arbitrary files. It
// must never panic, and whatever it returns must keep its promises: an
// error names the file; an article has a title, a date, a safe slug and
// no script or dangerous address in its HTML.
func FuzzParse(f *testing.F) {
	seeds := []string{
		yamlDoc("Isi *berita*.\n\n<!--more-->\n\nLanjutan.\n", "title: Judul", "date: 2025-04-28T14:30:00+07:00", "tags: [a, B, b]", "author: A, B"),
		"+++\ntitle = \"Judul\"\ndate = 2025-04-28\ntags = [\"a\"]\n[extra]\nx = 1\n+++\nIsi.\n",
		"\xef\xbb\xbf---\r\ntitle: Judul\r\ndate: 2025-04-28 14:30\r\n---\r\nIsi.\r\n",
		"---\ntitle: x\ndate: 2025-04-28\n",
		"---\ntitle: [x\ndate: 2025-04-28\n---\n",
		"---\ntitle: \"x\ndate: 2025-04-28\n---\n",
		"---\ntitle: x\ntitle: y\ndate: 2025-04-28\n---\n",
		"---\ntags: 5\ntitle: {a: 1}\ndate: yesterday\ndraft: maybe\n---\n",
		"---\na: &a [*a, *a]\nb: &b [*a, *a, *a]\nc: [*b, *b, *b]\ntitle: x\ndate: 2025-04-28\n---\n",
		"+++\ntitle = \"x\"\ndate = 10:00:00\n+++\n",
		"+++\ntitle = \"x\"\nTitle = \"y\"\n+++\n",
		"",
		"\x89PNG\r\n\x1a\n\x00\x00",
		"---\n---\n",
		"---\nslug: ../../etc/x\ntitle: x\ndate: 2025-04-28\nsource_url: javascript:alert(1)\nimage: data:image/png;base64,AA\nlang: \"x y\"\n---\n",
		yamlDoc("<script>alert(1)</script>\n\n[a](javascript:alert(1)) <a href=\"javascript:x\">b</a> ![c](&#106;avascript:x)\n", "title: \"<script>\"", "date: 2025-04-28"),
		yamlDoc(strings.Repeat("> ", 40)+"dalam\n"+strings.Repeat("[a](", 50)+"\n", "title: x", "date: 2025-04-28"),
		yamlDoc("| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] a\n\nCatatan[^1]\n\n[^1]: kaki\n", "title: x", "date: 2025-04-28"),
		yamlDoc("Isi.\n", "title: x", "date: 2025-04-28", "updated: 2025-04-29", "correction:", "  - date: 2025-04-29 10:00", "    text: Salah.", "  - {date: 2025-02-30, text: [x]}", "  - teks"),
		"+++\ntitle = \"x\"\ndate = 2025-04-28\n[[correction]]\ndate = 2025-04-29T08:00:00Z\ntext = \"a\"\n[[correction]]\ndate = 12:00:00\n+++\n",
	}
	urls := []string{"https://www.riau24.com/berita/1", "HTTP://Antaranews.com", "javascript:alert(1)", "https://", "https://user@:80/x",
		"http://a:b@", "https://[::1]:8080/x", " https://a.id/ ", "https://a.id/\x00", "ftp://a.id/", "//a.id/x", "https://a b.id/"}
	for i, s := range seeds {
		f.Add(s, uint8(i), urls[i%len(urls)])
	}
	opt := Options{Location: jakarta, Markdown: markdown.New(false)}
	f.Fuzz(func(t *testing.T, src string, pick uint8, sourceURL string) {
		checkSourceURL(t, opt, sourceURL)
		file := fuzzNames[int(pick)%len(fuzzNames)]
		display := "content/" + file
		a, err := Parse(file, display, []byte(src), opt)
		if (a == nil) == (err == nil) {
			t.Fatalf("Parse = %v, %v: want an article or an error", a, err)
		}
		if err != nil {
			for _, line := range strings.Split(err.Error(), "\n") {
				if !strings.HasPrefix(line, display+":") {
					t.Fatalf("an error line does not name the file: %q", line)
				}
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T is not a *content.Error: %v", err, err)
			}
			return
		}
		if strings.TrimSpace(a.Title) == "" || a.Date.IsZero() || a.ReadingTime < 1 || a.Words < 0 {
			t.Fatalf("incomplete article: %+v", a)
		}
		if !safeSlug.MatchString(a.Slug) || len(a.Slug) > 120 {
			t.Fatalf("unsafe slug %q", a.Slug)
		}
		if a.SourceURL != "" && !webAddress(a.SourceURL) {
			t.Fatalf("source_url %q is not an http(s) address", a.SourceURL)
		}
		if a.Image != "" && !isImageURL(a.Image) {
			t.Fatalf("unsafe image address: %q", a.Image)
		}
		if m := htmlcheck.Live([]byte(a.Content)); m != "" {
			t.Fatalf("live markup %q in the HTML: %s", m, a.Content)
		}
		if !utf8.ValidString(string(a.Content)) || !utf8.ValidString(a.Summary) {
			t.Fatalf("invalid UTF-8 out of valid UTF-8 in")
		}
		seen := map[string]bool{}
		for _, tag := range a.Tags {
			k := strings.ToLower(tag)
			if tag == "" || seen[k] {
				t.Fatalf("empty or repeated tag in %q", a.Tags)
			}
			seen[k] = true
		}
	})
}

// checkSourceURL parses an article whose source_url is u and holds the
// answer to the rule above, both ways: a value accepted is a web address
// (and is u, trimmed), a plain address is never refused, and a refusal
// says so on the line of source_url.
func checkSourceURL(t *testing.T, opt Options, u string) {
	t.Helper()
	if !utf8.ValidString(u) {
		return // front matter is text; invalid UTF-8 is refused whole
	}
	quoted, _ := json.Marshal(u) // JSON strings are YAML strings
	doc := "---\ntitle: Sumber\ndate: 2025-04-28\nsource_url: " + string(quoted) + "\n---\nIsi.\n"
	a, err := Parse("a.md", "content/a.md", []byte(doc), opt)
	want := strings.TrimSpace(u)
	switch {
	case err == nil && a.SourceURL != want:
		t.Fatalf("source_url %q became %q", u, a.SourceURL)
	case err == nil && want != "" && !webAddress(want):
		t.Fatalf("source_url %q was accepted, but it is not an http(s) address", u)
	case err != nil && plainAddress.MatchString(want):
		t.Fatalf("source_url %q, a plain web address, was refused: %v", u, err)
	case err != nil:
		var e *Error
		if !errors.As(err, &e) || e.Line != 4 || !strings.Contains(e.Message, "source_url") {
			t.Fatalf("source_url %q: the error %v does not name source_url on line 4", u, err)
		}
	}
}
