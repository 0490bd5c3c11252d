package content

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

// No bad file breaks the digest: each gives one clear error (file, line,
// what, the fix) or a safe article.

func TestMalformedFrontMatter(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"unclosed YAML", "---\ntitle: x\ndate: 2025-04-28\n\nIsi berita.\n",
			`content/a.md:1: the front matter opened with "---" is never closed: add a line "---" after the last front matter field`},
		{"unclosed TOML", "+++\ntitle = \"x\"\n",
			`content/a.md:1: the front matter opened with "+++" is never closed: add a line "+++" after the last front matter field`},
		{"only an opening line", "---",
			`content/a.md:1: the front matter opened with "---" is never closed: add a line "---" after the last front matter field`},
		{"YAML delimiter closing TOML", "+++\ntitle = \"x\"\n---\nIsi.\n",
			`content/a.md:1: the front matter opened with "+++" is never closed: add a line "+++" after the last front matter field`},
		{"four dashes", "----\ntitle: x\n----\n",
			`content/a.md:1: no front matter: start the file with a line '---', then 'title:' and 'date:', then another '---' (or use '+++' for TOML)`},
		{"title is a list", yamlDoc("", "title: [Satu, Dua]", "date: 2025-04-28"),
			`content/a.md:2: title must be text, not a list: write it as title: "..."`},
		{"title is a group", yamlDoc("", "title: {id: Satu}", "date: 2025-04-28"),
			`content/a.md:2: title must be text, not a group of fields: write it as title: "..."`},
		{"tags is a number", yamlDoc("", "title: x", "date: 2025-04-28", "tags: 5"),
			`content/a.md:4: tags must be a list of words, not a number: write it as tags: [first, second]`},
		{"a tag is a group", yamlDoc("", "title: x", "date: 2025-04-28", "tags: [a, {b: c}]"),
			`content/a.md:4: tags must be a list of words, but one item is a group of fields: write it as tags: [first, second]`},
		{"a tag is a list", yamlDoc("", "title: x", "date: 2025-04-28", "tags: [a, [b]]"),
			`content/a.md:4: tags must be a list of words, but one item is a list: write it as tags: [first, second]`},
		{"authors are groups", yamlDoc("", "title: x", "date: 2025-04-28", "authors:", "  - name: Ani"),
			`content/a.md:4: authors must be a list of words, but one item is a group of fields: write it as authors: [first, second]`},
		{"date is a word", yamlDoc("", "title: x", "date: yesterday"),
			`content/a.md:3: date "yesterday" is not a date I can read: write it as 2025-04-28, 2025-04-28 14:30, 2025-04-28T14:30:00+07:00 or Mon, 28 Apr 2025 14:30:00 +0700`},
		{"date is a number", yamlDoc("", "title: x", "date: 20250428"),
			`content/a.md:3: date "20250428" is not a date I can read: write it as 2025-04-28, 2025-04-28 14:30, 2025-04-28T14:30:00+07:00 or Mon, 28 Apr 2025 14:30:00 +0700`},
		{"date is a list", yamlDoc("", "title: x", "date: [2025-04-28]"),
			`content/a.md:3: date must be text, not a list: write it as date: "..."`},
		{"TOML time of day", "+++\ntitle = \"x\"\ndate = 14:30:00\n+++\n",
			`content/a.md:3: date "14:30:00" is not a date I can read: write it as 2025-04-28, 2025-04-28 14:30, 2025-04-28T14:30:00+07:00 or Mon, 28 Apr 2025 14:30:00 +0700`},
		{"date in a file name that does not exist", yamlDoc("", "title: x"),
			`content/2025-02-30-a.md: the file name's date 2025-02-30 is not a real date: rename the file, or add a line date: 2025-04-28 to the front matter`},
		{"draft is text", yamlDoc("", "title: x", "date: 2025-04-28", `draft: "yes"`),
			`content/a.md:4: draft must be true or false, not yes: write draft: true or draft: false`},
		{"duplicate YAML field", yamlDoc("", "title: x", "date: 2025-04-28", "title: y"),
			`content/a.md:4: field "title" is written twice (first on line 2): remove one of them`},
		{"duplicate TOML field differing in case", "+++\ntitle = \"x\"\ndate = 2025-04-28\nTitle = \"y\"\n+++\n",
			`content/a.md:4: field "title" is written twice (first on line 2): remove one of them`},
		{"front matter is a list", yamlDoc("", "- title", "- date"),
			`content/a.md:2: the front matter is not a list of 'key: value' fields: write one field per line, such as 'title: My title'`},
		{"front matter is one word", yamlDoc("", "judul"),
			`content/a.md:2: the front matter is not a list of 'key: value' fields: write one field per line, such as 'title: My title'`},
		{"a field name is a list", yamlDoc("", "title: x", "date: 2025-04-28", "[a, b]: c"),
			`content/a.md:4: a field name is not a single word: write one field per line, such as 'title: My title'`},
		{"slug with nothing to keep", yamlDoc("", "title: x", "date: 2025-04-28", "slug: ../.."),
			`content/a.md:4: slug "../.." has no letters or digits to make a URL of: write it with letters or digits, such as slug: rupiah-menguat`},
		{"slug is a list", yamlDoc("", "title: x", "date: 2025-04-28", "slug: [a, b]"),
			`content/a.md:4: slug must be text, not a list: write it as slug: "..."`},
		{"every problem at once", yamlDoc("", "title: [x]", "date: kemarin", "tags: 5", "draft: 1"),
			`content/a.md:2: title must be text, not a list: write it as title: "..."` + "\n" +
				`content/a.md:3: date "kemarin" is not a date I can read: write it as 2025-04-28, 2025-04-28 14:30, 2025-04-28T14:30:00+07:00 or Mon, 28 Apr 2025 14:30:00 +0700` + "\n" +
				`content/a.md:4: tags must be a list of words, not a number: write it as tags: [first, second]` + "\n" +
				`content/a.md:5: draft must be true or false, not 1: write draft: true or draft: false`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := "a.md"
			if strings.HasPrefix(tt.want, "content/2025") {
				file = "2025-02-30-a.md"
			}
			a, err := parse(t, file, tt.src)
			if err == nil {
				t.Fatalf("no error; article %+v", a)
			}
			if err.Error() != tt.want {
				t.Errorf("error =\n%v\nwant\n%s", err, tt.want)
			}
		})
	}
}

func TestEncodings(t *testing.T) {
	const body = "Paragraf pertama.\n\n<!--more-->\n\nParagraf kedua.\n"
	crlf := func(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }
	tests := []struct {
		name, src string
	}{
		{"plain", yamlDoc(body, "title: Judul", "date: 2025-04-28")},
		{"BOM", "\xef\xbb\xbf" + yamlDoc(body, "title: Judul", "date: 2025-04-28")},
		{"CRLF", crlf(yamlDoc(body, "title: Judul", "date: 2025-04-28"))},
		{"BOM and CRLF", "\xef\xbb\xbf" + crlf(yamlDoc(body, "title: Judul", "date: 2025-04-28"))},
		{"TOML with BOM and CRLF", "\xef\xbb\xbf" + crlf("+++\ntitle = \"Judul\"\ndate = 2025-04-28\n+++\n"+body)},
		{"spaces after the delimiters", "--- \ntitle: Judul\ndate: 2025-04-28\n---\t\r\n" + body},
		{"old Mac line ends in the body", yamlDoc(strings.ReplaceAll(body, "\n", "\r"), "title: Judul", "date: 2025-04-28")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := mustParse(t, "a.md", tt.src)
			if a.Title != "Judul" || a.Summary != "Paragraf pertama." || a.Words != 4 {
				t.Errorf("Title, Summary, Words = %q, %q, %d; want Judul, Paragraf pertama., 4", a.Title, a.Summary, a.Words)
			}
			if got, want := string(a.Content), "<p>Paragraf pertama.</p>\n<p>Paragraf kedua.</p>\n"; got != want {
				t.Errorf("Content = %q, want %q", got, want)
			}
		})
	}
	t.Run("CRLF error lines", func(t *testing.T) {
		_, err := parse(t, "a.md", crlf(yamlDoc("", "title: x", "date: 2025-04-28", "tags: [a")))
		var e *Error
		if !errors.As(err, &e) || e.Line != 4 {
			t.Errorf("error = %v, want one on line 4", err)
		}
	})
}

func TestNotAnArticle(t *testing.T) {
	png := "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01"
	tests := []struct {
		name, src, want string
	}{
		{"empty file", "", `content/a.md:1: the file is empty: write the article (front matter with title: and date:, then the text), or delete the file`},
		{"only spaces", " \n\t\r\n", `content/a.md:1: the file is empty: write the article (front matter with title: and date:, then the text), or delete the file`},
		{"only a BOM", "\xef\xbb\xbf", `content/a.md:1: the file is empty: write the article (front matter with title: and date:, then the text), or delete the file`},
		{"invalid UTF-8 on line 3", "---\ntitle: x\ndate: 2025-04-28 \xff\xfe\n---\n",
			`content/a.md:3: the file is not valid UTF-8 text: save it as UTF-8 (if it is not a text file, move it out of content/)`},
		{"Latin-1 text", yamlDoc("Caf\xe9 au lait.\n", "title: x", "date: 2025-04-28"),
			`content/a.md:5: the file is not valid UTF-8 text: save it as UTF-8 (if it is not a text file, move it out of content/)`},
		{"an image named .md", png,
			`content/a.md:1: the file is not valid UTF-8 text: save it as UTF-8 (if it is not a text file, move it out of content/)`},
		{"NUL bytes", yamlDoc("teks\n\x00\x00\n", "title: x", "date: 2025-04-28"),
			`content/a.md:6: the file contains NUL bytes, so it is not a text file: move binary files out of content/ (images belong in static/)`},
		{"UTF-16", "\xff\xfe-\x00-\x00-\x00\n\x00",
			`content/a.md:1: the file is not valid UTF-8 text: save it as UTF-8 (if it is not a text file, move it out of content/)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parse(t, "a.md", tt.src)
			if err == nil || err.Error() != tt.want {
				t.Errorf("error = %v\nwant    %s", err, tt.want)
			}
		})
	}
}

func TestOnlyFrontMatter(t *testing.T) {
	for _, src := range []string{
		"---\ntitle: Judul\ndate: 2025-04-28\n---\n",
		"---\ntitle: Judul\ndate: 2025-04-28\n---",
		"+++\ntitle = \"Judul\"\ndate = 2025-04-28\n+++",
	} {
		a := mustParse(t, "a.md", src)
		if a.Title != "Judul" || a.Content != "" || a.Summary != "" || a.Words != 0 || a.ReadingTime != 1 {
			t.Errorf("%q: %+v", src, a)
		}
	}
}

func TestTooBig(t *testing.T) {
	huge := make([]byte, 50<<20) // 50 MB
	copy(huge, yamlDoc("", "title: Besar", "date: 2025-04-28"))
	want := "content/a.md: the file is 50.0 MB, more than the 1 MB an article may be: split it into several articles (if it is not an article, move it out of content/)"
	_, err := parse(t, "a.md", string(huge))
	if err == nil || err.Error() != want {
		t.Errorf("50 MB: error = %v\nwant %s", err, want)
	}
	// Refusing it reads nothing and copies nothing.
	allocs := testing.AllocsPerRun(3, func() { _, _ = Parse("a.md", "content/a.md", huge, testOptions) })
	if allocs > 10 {
		t.Errorf("refusing a 50 MB file made %.0f allocations", allocs)
	}

	// The largest article allowed parses.
	var b strings.Builder
	b.WriteString(yamlDoc("", "title: Besar", "date: 2025-04-28"))
	for line := "Nilai tukar rupiah ditutup menguat tipis terhadap dolar AS, menurut [data](https://example.com/kurs).\n\n"; b.Len()+len(line) <= MaxFileSize; {
		b.WriteString(line)
	}
	a, err := parse(t, "a.md", b.String())
	if err != nil || a.Words < 100000 {
		t.Fatalf("a %d byte article: %v", b.Len(), err)
	}
	if _, err := parse(t, "a.md", b.String()+strings.Repeat("x", MaxFileSize+1-b.Len())); err == nil || !strings.Contains(err.Error(), "more than the 1 MB") {
		t.Errorf("one byte over: %v", err)
	}
}

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.md")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	// A sparse 5 GB file: reading it would take all memory.
	if err := f.Truncate(5 << 30); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if err := os.WriteFile(filepath.Join(dir, "ok.md"), []byte("---\ntitle: x\n---\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	fsys := os.DirFS(dir)
	_, err = ReadFile(fsys, "big.md", "content/big.md")
	if want := "content/big.md: the file is 5120.0 MB, more than the 1 MB an article may be: split it into several articles (if it is not an article, move it out of content/)"; err == nil || err.Error() != want {
		t.Errorf("5 GB: error = %v\nwant %s", err, want)
	}
	if data, err := ReadFile(fsys, "ok.md", "content/ok.md"); err != nil || string(data) != "---\ntitle: x\n---\n" {
		t.Errorf("ok.md = %q, %v", data, err)
	}
	if _, err := ReadFile(fsys, "none.md", "content/none.md"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	// A file that grows past the limit after Stat is still refused.
	mem := fstest.MapFS{"x.md": {Data: make([]byte, MaxFileSize+1)}}
	if _, err := ReadFile(mem, "x.md", "content/x.md"); err == nil || !strings.Contains(err.Error(), "more than the 1 MB") {
		t.Errorf("over the limit in memory: %v", err)
	}
}

func TestManyTags(t *testing.T) {
	const n = 10000
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("Topik %d", i)
	}
	docs := map[string]string{
		"YAML list":    yamlDoc("", "title: x", "date: 2025-04-28", "tags: ["+strings.Join(names, ", ")+"]"),
		"comma string": yamlDoc("", "title: x", "date: 2025-04-28", "tags: "+strings.Join(names, ", ")),
		"TOML array":   "+++\ntitle = \"x\"\ndate = 2025-04-28\ntags = [\"" + strings.Join(names, "\", \"") + "\"]\n+++\n",
	}
	for name, src := range docs {
		a := mustParse(t, "a.md", src)
		if len(a.Tags) != n || a.Tags[0] != "Topik 0" || a.Tags[n-1] != fmt.Sprintf("Topik %d", n-1) {
			t.Errorf("%s: %d tags, want %d", name, len(a.Tags), n)
		}
	}
	// One tag written 10,000 times in changing case is one tag.
	same := make([]string, n)
	for i := range same {
		same[i] = []string{"Rupiah", "rupiah", "RUPIAH"}[i%3]
	}
	a := mustParse(t, "a.md", yamlDoc("", "title: x", "date: 2025-04-28", "tags: ["+strings.Join(same, ", ")+"]"))
	if len(a.Tags) != 1 || a.Tags[0] != "Rupiah" {
		t.Errorf("tags = %.80q, want [Rupiah]", a.Tags)
	}
}

// BenchmarkManyTags shows that parsing grows in step with the number of
// tags: compare ns/op of the two sizes.
func BenchmarkManyTags(b *testing.B) {
	for _, n := range []int{10000, 20000} {
		names := make([]string, n)
		for i := range names {
			names[i] = fmt.Sprintf("Topik %d", i)
		}
		src := []byte(yamlDoc("", "title: x", "date: 2025-04-28", "tags: ["+strings.Join(names, ", ")+"]"))
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				if _, err := Parse("a.md", "content/a.md", src, testOptions); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func TestHostileFields(t *testing.T) {
	tests := []struct {
		name, field, want string // want "" means accepted
	}{
		{"web source", "source_url: https://www.antaranews.com/berita/1?a=1&b=2", ""},
		{"javascript source", "source_url: javascript:alert(1)",
			`content/a.md:4: source_url "javascript:alert(1)" is not a web address: write the full address of the original report, starting with https://`},
		{"upper-case javascript source", "source_url: JavaScript:alert(1)",
			`content/a.md:4: source_url "JavaScript:alert(1)" is not a web address: write the full address of the original report, starting with https://`},
		{"data source", "source_url: \"data:text/html,<script>alert(1)</script>\"",
			`content/a.md:4: source_url "data:text/html,<script>alert(1)</script>" is not a web address: write the full address of the original report, starting with https://`},
		{"source without scheme", "source_url: www.antaranews.com/berita/1",
			`content/a.md:4: source_url "www.antaranews.com/berita/1" is not a web address: write the full address of the original report, starting with https://`},
		{"source with a tab in the scheme", "source_url: \"java\\tscript:alert(1)\"",
			`content/a.md:4: source_url "java\tscript:alert(1)" is not a web address: write the full address of the original report, starting with https://`},
		{"site image", "image: /img/rupiah.jpg", ""},
		{"relative image", "image: foto/rupiah.jpg", ""},
		{"web image", "image: https://cdn.example.com/a.jpg", ""},
		{"javascript image", "image: javascript:alert(1)",
			`content/a.md:4: image "javascript:alert(1)" is not an image address: write a path such as /img/photo.jpg (a file under static/) or an address starting with https://`},
		{"data image", "image: data:image/svg+xml;base64,PHN2Zz4=",
			`content/a.md:4: image "data:image/svg+xml;base64,PHN2Zz4=" is not an image address: write a path such as /img/photo.jpg (a file under static/) or an address starting with https://`},
		{"Hugo images list", "images: [\"javascript:alert(1)\"]",
			`content/a.md:4: images "javascript:alert(1)" is not an image address: write a path such as /img/photo.jpg (a file under static/) or an address starting with https://`},
		{"Windows path image", `image: C:\foto\a.jpg`,
			`content/a.md:4: image "C:\\foto\\a.jpg" is not an image address: write a path such as /img/photo.jpg (a file under static/) or an address starting with https://`},
		{"language", "lang: en-GB", ""},
		{"language with markup", `lang: 'en" onmouseover="alert(1)'`,
			`content/a.md:4: lang "en\" onmouseover=\"alert(1)" is not a language code: write a code such as id, en or zh-Hans`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parse(t, "a.md", yamlDoc("", "title: x", "date: 2025-04-28", tt.field))
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.want {
				t.Errorf("error = %s\nwant    %s", got, tt.want)
			}
		})
	}
}

func TestHostileSlugs(t *testing.T) {
	tests := []struct {
		file, fm, want string
	}{
		{"a.md", "slug: ../../etc/x", "etc-x"},
		{"a.md", "slug: /etc/passwd", "etc-passwd"},
		{"a.md", `slug: 'C:\Windows\System32'`, "c-windows-system32"},
		{"a.md", "slug: Berita.HTML", "berita-html"},
		{"a.md", "slug: \"%2e%2e%2f\"", "2e-2e-2f"},
		{"..../index.md", "", "judul-berita"},
		{"...md", "", "judul-berita"},
		{"Berita Besar/INDEX.md", "", "index"},
		{"dunia/Berita Besar/index.md", "", "berita-besar"},
	}
	for _, tt := range tests {
		fm := []string{"title: Judul Berita", "date: 2025-04-28"}
		if tt.fm != "" {
			fm = append(fm, tt.fm)
		}
		a := mustParse(t, tt.file, yamlDoc("", fm...))
		if a.Slug != tt.want {
			t.Errorf("%s %s: Slug = %q, want %q", tt.file, tt.fm, a.Slug, tt.want)
		}
	}
}

func TestFrontMatterBombs(t *testing.T) {
	laughs := []string{`a: &a ["ha", "ha", "ha", "ha", "ha", "ha", "ha", "ha", "ha"]`}
	prev := "a"
	for _, n := range []string{"b", "c", "d", "e", "f", "g", "h", "i"} {
		laughs = append(laughs, n+": &"+n+" ["+strings.Repeat("*"+prev+", ", 8)+"*"+prev+"]")
		prev = n
	}
	laughs = append(laughs, "title: x", "date: 2025-04-28")
	tests := []struct{ name, src, msg string }{
		{"a billion laughs", yamlDoc("", laughs...), "bad YAML front matter: document contains excessive aliasing"},
		{"YAML nested 100,000 deep", yamlDoc("", "title: x", "x: "+strings.Repeat("[", 100000)+strings.Repeat("]", 100000)), "content/a.md:3: bad YAML front matter: exceeded max depth"},
		{"TOML nested 100,000 deep", "+++\ntitle = \"x\"\nx = " + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + "\n+++\n", "content/a.md:3: bad TOML front matter: arrays and inline tables are nested more than"},
	}
	for _, tt := range tests {
		if _, err := parse(t, "a.md", tt.src); err == nil || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("%s: error = %.200v, want %q", tt.name, err, tt.msg)
		}
	}
}
