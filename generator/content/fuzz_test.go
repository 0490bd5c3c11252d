package content

import (
	"errors"
	"html"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/kabar-news/kabar/generator/markdown"
)

// fuzzNames are the file names FuzzParse picks from: plain, Jekyll-dated,
// a page bundle and one with nothing to make a slug of.
var fuzzNames = []string{"dunia/berita.md", "2025-04-28-rupiah-menguat.md", "dunia/berita-besar/index.md", "___.md"}

var (
	safeSlug  = regexp.MustCompile(`^[a-z0-9_-]+$`)
	scriptTag = regexp.MustCompile(`(?i)<script`)
	address   = regexp.MustCompile(`(?i)\b(?:href|src)="([^"]*)"`)
)

// dangerous reports an address a browser would run or show as a page:
// what it reads after decoding entities and dropping the whitespace and
// control characters it ignores.
func dangerous(attr string) bool {
	v := strings.ToLower(strings.Map(func(r rune) rune {
		if r <= ' ' {
			return -1
		}
		return r
	}, html.UnescapeString(attr)))
	return strings.HasPrefix(v, "javascript:") || strings.HasPrefix(v, "vbscript:") ||
		strings.HasPrefix(v, "data:") && !strings.HasPrefix(v, "data:image/")
}

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
	for i, s := range seeds {
		f.Add(s, uint8(i))
	}
	opt := Options{Location: jakarta, Markdown: markdown.New(false)}
	f.Fuzz(func(t *testing.T, src string, pick uint8) {
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
		if a.SourceURL != "" && !isWebURL(a.SourceURL) || a.Image != "" && !isImageURL(a.Image) {
			t.Fatalf("unsafe address: %q, %q", a.SourceURL, a.Image)
		}
		if scriptTag.MatchString(string(a.Content)) {
			t.Fatalf("a script in the HTML: %s", a.Content)
		}
		for _, m := range address.FindAllStringSubmatch(string(a.Content), -1) {
			if dangerous(m[1]) {
				t.Fatalf("a dangerous address in the HTML: %s", m[0])
			}
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
