package content

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // Asia/Jakarta without a zoneinfo database

	"github.com/kabar-news/kabar/generator/markdown"
)

var jakarta = mustLoad("Asia/Jakarta")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

var testOptions = Options{Location: jakarta, Markdown: markdown.New(false)}

// parse parses src as content/<file>.
func parse(t *testing.T, file, src string) (*Article, error) {
	t.Helper()
	return Parse(file, "content/"+file, []byte(src), testOptions)
}

// mustParse parses src and fails the test on an error.
func mustParse(t *testing.T, file, src string) *Article {
	t.Helper()
	a, err := parse(t, file, src)
	if err != nil {
		t.Fatalf("Parse(%s): %v", file, err)
	}
	return a
}

// yamlDoc is a YAML article with the given front matter lines and body.
func yamlDoc(body string, fm ...string) string {
	return "---\n" + strings.Join(fm, "\n") + "\n---\n" + body
}

func TestParseYAMLAndTOML(t *testing.T) {
	want := &Article{
		File:        "ekonomi/rupiah.md",
		Title:       "Rupiah Ditutup Menguat",
		Date:        time.Date(2025, 4, 28, 16, 5, 0, 0, jakarta),
		Updated:     time.Date(2025, 4, 29, 8, 0, 0, 0, jakarta),
		Slug:        "rupiah",
		Summary:     "Nilai tukar rupiah menguat tipis.",
		Authors:     []string{"Redaksi Kabar", "Tim Ekonomi"},
		Source:      "Antara",
		SourceURL:   "https://www.antaranews.com/berita/1",
		Via:         "Reuters",
		Section:     "Ekonomi",
		Tags:        []string{"Rupiah", "Valuta Asing"},
		Image:       "/img/rupiah.jpg",
		ImageLine:   11,
		Lang:        "id",
		Content:     "<p>Nilai tukar rupiah menguat tipis.</p>\n",
		Words:       5,
		ReadingTime: 1,
		Links:       []markdown.Link{{Dest: "https://www.antaranews.com/berita/1", Line: 7, Column: 1}},
	}
	docs := map[string]string{
		"yaml": `---
title: "Rupiah Ditutup Menguat"
date: 2025-04-28T16:05:00+07:00
updated: 2025-04-29 08:00
authors: ["Redaksi Kabar", "Tim Ekonomi"]
source: Antara
source_url: https://www.antaranews.com/berita/1
via: Reuters
section: Ekonomi
tags: [Rupiah, Valuta Asing]
image: /img/rupiah.jpg
lang: id
draft: false
---
Nilai tukar rupiah menguat tipis.
`,
		"toml": `+++
title = "Rupiah Ditutup Menguat"
date = 2025-04-28T16:05:00+07:00
updated = 2025-04-29T08:00:00
authors = ["Redaksi Kabar", "Tim Ekonomi"]
source = "Antara"
source_url = "https://www.antaranews.com/berita/1"
via = "Reuters"
section = "Ekonomi"
tags = ["Rupiah", "Valuta Asing"]
image = "/img/rupiah.jpg"
lang = "id"
draft = false
+++
Nilai tukar rupiah menguat tipis.
`,
	}
	for format, src := range docs {
		t.Run(format, func(t *testing.T) {
			a := mustParse(t, "ekonomi/rupiah.md", src)
			if !a.Date.Equal(want.Date) || !a.Updated.Equal(want.Updated) {
				t.Errorf("Date, Updated = %v, %v; want %v, %v", a.Date, a.Updated, want.Date, want.Updated)
			}
			got := *a
			got.Date, got.Updated, got.Params = want.Date, want.Updated, nil
			if !reflect.DeepEqual(&got, want) {
				t.Errorf("Parse =\n%+v\nwant\n%+v", got, *want)
			}
			for _, key := range []string{"title", "date", "updated", "authors", "source", "source_url", "via", "section", "tags", "image", "lang", "draft"} {
				if _, ok := a.Params[key]; !ok {
					t.Errorf("Params has no %q: %v", key, a.Params)
				}
			}
		})
	}
}

func TestParseDateForms(t *testing.T) {
	utc := func(y int, mo time.Month, d, h, mi, s, ns int) time.Time {
		return time.Date(y, mo, d, h, mi, s, ns, time.UTC)
	}
	tests := []struct {
		name   string
		src    string
		want   time.Time
		offset int // the offset of the parsed time, in hours
	}{
		{"RFC 3339", yamlDoc("", "title: x", "date: 2025-04-28T14:30:00+07:00"), utc(2025, 4, 28, 7, 30, 0, 0), 7},
		{"RFC 3339 UTC", yamlDoc("", "title: x", "date: 2025-04-28T14:30:00Z"), utc(2025, 4, 28, 14, 30, 0, 0), 0},
		{"RFC 3339 fraction", yamlDoc("", "title: x", "date: 2025-04-28T14:30:00.25-05:00"), utc(2025, 4, 28, 19, 30, 0, 250e6), -5},
		{"RFC 3339 quoted", yamlDoc("", "title: x", `date: "2025-04-28T14:30:00+09:00"`), utc(2025, 4, 28, 5, 30, 0, 0), 9},
		{"Jekyll with offset", yamlDoc("", "title: x", "date: 2025-04-28 14:30:00 -0700"), utc(2025, 4, 28, 21, 30, 0, 0), -7},
		{"Jekyll with +0000", yamlDoc("", "title: x", "date: 2025-04-28 14:30:00 +0000"), utc(2025, 4, 28, 14, 30, 0, 0), 0},
		{"date and time in the site zone", yamlDoc("", "title: x", "date: 2025-04-28 14:30:00"), utc(2025, 4, 28, 7, 30, 0, 0), 7},
		{"date and minutes in the site zone", yamlDoc("", "title: x", "date: 2025-04-28 14:30"), utc(2025, 4, 28, 7, 30, 0, 0), 7},
		{"T form without offset", yamlDoc("", "title: x", "date: 2025-04-28T14:30:00"), utc(2025, 4, 28, 7, 30, 0, 0), 7},
		{"date only, midnight in the site zone", yamlDoc("", "title: x", "date: 2025-04-28"), utc(2025, 4, 27, 17, 0, 0, 0), 7},
		{"date only, quoted", yamlDoc("", "title: x", "date: '2025-04-28'"), utc(2025, 4, 27, 17, 0, 0, 0), 7},
		{"TOML offset date-time", "+++\ntitle = 'x'\ndate = 2025-04-28T14:30:00+07:00\n+++\n", utc(2025, 4, 28, 7, 30, 0, 0), 7},
		{"TOML offset date-time Z with space", "+++\ntitle = 'x'\ndate = 2025-04-28 14:30:00Z\n+++\n", utc(2025, 4, 28, 14, 30, 0, 0), 0},
		{"TOML local date-time", "+++\ntitle = 'x'\ndate = 2025-04-28T14:30:00\n+++\n", utc(2025, 4, 28, 7, 30, 0, 0), 7},
		{"TOML local date-time with fraction", "+++\ntitle = 'x'\ndate = 2025-04-28T14:30:00.5\n+++\n", utc(2025, 4, 28, 7, 30, 0, 500e6), 7},
		{"TOML local date", "+++\ntitle = 'x'\ndate = 2025-04-28\n+++\n", utc(2025, 4, 27, 17, 0, 0, 0), 7},
		{"TOML string", "+++\ntitle = 'x'\ndate = \"2025-04-28 14:30\"\n+++\n", utc(2025, 4, 28, 7, 30, 0, 0), 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := mustParse(t, "x.md", tt.src)
			if !a.Date.Equal(tt.want) {
				t.Errorf("Date = %v, want %v", a.Date.UTC(), tt.want)
			}
			if _, off := a.Date.Zone(); off != tt.offset*3600 {
				t.Errorf("Date %v has offset %ds, want %dh", a.Date, off, tt.offset)
			}
		})
	}
}

func TestParseDateInOtherZone(t *testing.T) {
	opt := Options{Location: time.UTC, Markdown: testOptions.Markdown}
	a, err := Parse("x.md", "content/x.md", []byte(yamlDoc("", "title: x", "date: 2025-04-28 14:30")), opt)
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2025, 4, 28, 14, 30, 0, 0, time.UTC); !a.Date.Equal(want) {
		t.Errorf("Date = %v, want %v", a.Date, want)
	}
}

func TestParseFileNames(t *testing.T) {
	tests := []struct {
		file, src string
		slug      string
		date      time.Time
	}{
		{"dunia/2025-04-28-korea-utara-kirim-pasukan.md", yamlDoc("", "title: Korea Utara"),
			"korea-utara-kirim-pasukan", time.Date(2025, 4, 28, 0, 0, 0, 0, jakarta)},
		{"dunia/2025-04-28-korea-utara.md", yamlDoc("", "title: Korea Utara", "date: 2025-04-29 09:00"),
			"korea-utara", time.Date(2025, 4, 29, 9, 0, 0, 0, jakarta)},
		{"dunia/2025-04-28-korea-utara.md", yamlDoc("", "title: Korea Utara", `date: ""`),
			"korea-utara", time.Date(2025, 4, 28, 0, 0, 0, 0, jakarta)},
		{"dunia/2025-04-28-korea-utara.md", yamlDoc("", "title: Korea Utara", "slug: Pasukan Korea"),
			"pasukan-korea", time.Date(2025, 4, 28, 0, 0, 0, 0, jakarta)},
		{"dunia/berita-besar/index.md", yamlDoc("", "title: Judul Lain", "date: 2025-04-28"),
			"berita-besar", time.Date(2025, 4, 28, 0, 0, 0, 0, jakarta)},
		{"dunia/2025-04-27-berita-besar/index.md", yamlDoc("", "title: Judul Lain"),
			"berita-besar", time.Date(2025, 4, 27, 0, 0, 0, 0, jakarta)},
		{"Berita Ekonomi.md", yamlDoc("", "title: Judul Lain", "date: 2025-04-28"),
			"berita-ekonomi", time.Date(2025, 4, 28, 0, 0, 0, 0, jakarta)},
		{"___.md", yamlDoc("", "title: Judul dari Judul", "date: 2025-04-28"),
			"judul-dari-judul", time.Date(2025, 4, 28, 0, 0, 0, 0, jakarta)},
		{"2025-04-28-.md", yamlDoc("", "title: Judul dari Judul"),
			"judul-dari-judul", time.Date(2025, 4, 28, 0, 0, 0, 0, jakarta)},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			a := mustParse(t, tt.file, tt.src)
			if a.Slug != tt.slug {
				t.Errorf("Slug = %q, want %q", a.Slug, tt.slug)
			}
			if !a.Date.Equal(tt.date) {
				t.Errorf("Date = %v, want %v", a.Date, tt.date)
			}
			if a.File != tt.file {
				t.Errorf("File = %q, want %q", a.File, tt.file)
			}
		})
	}
}

// errorLines returns the lines of err's message, one per problem.
func errorLines(err error) []string {
	if err == nil {
		return nil
	}
	return strings.Split(err.Error(), "\n")
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, file, src string
		want            []string // the whole message, one problem per line
	}{
		{"missing title", "a.md", yamlDoc("", "date: 2025-04-28"),
			[]string{`content/a.md:2: the title is missing: add a line title: "..." to the front matter`}},
		{"empty title", "a.md", yamlDoc("", "date: 2025-04-28", `title: "  "`),
			[]string{`content/a.md:2: the title is missing: add a line title: "..." to the front matter`}},
		{"missing date", "a.md", yamlDoc("", "title: x"),
			[]string{"content/a.md:2: the date is missing: add a line date: 2025-04-28T14:30:00+07:00 to the front matter (or name the file 2025-04-28-title.md)"}},
		{"both missing", "dunia/a.md", yamlDoc("", "source: Antara"),
			[]string{
				`content/dunia/a.md:2: the title is missing: add a line title: "..." to the front matter`,
				"content/dunia/a.md:2: the date is missing: add a line date: 2025-04-28T14:30:00+07:00 to the front matter (or name the file 2025-04-28-title.md)",
			}},
		{"TOML missing date", "a.md", "+++\ntitle = \"x\"\n+++\n",
			[]string{"content/a.md:2: the date is missing: add a line date: 2025-04-28T14:30:00+07:00 to the front matter (or name the file 2025-04-28-title.md)"}},
		{"unreadable date", "a.md", yamlDoc("", "title: x", "source: Antara", "date: yesterday"),
			[]string{`content/a.md:4: date "yesterday" is not a date I can read: write it as 2025-04-28, 2025-04-28 14:30, 2025-04-28T14:30:00+07:00 or Mon, 28 Apr 2025 14:30:00 +0700`}},
		{"impossible date", "a.md", yamlDoc("", "title: x", "date: 2025-02-30"),
			[]string{`content/a.md:3: date "2025-02-30" is not a day or time that exists: check the month, day and time: a month has 28 to 31 days, an hour is 0 to 23`}},
		{"unreadable updated", "a.md", yamlDoc("", "title: x", "date: 2025-04-28", "updated: soon"),
			[]string{`content/a.md:4: updated "soon" is not a date I can read: write it as 2025-04-28, 2025-04-28 14:30, 2025-04-28T14:30:00+07:00 or Mon, 28 Apr 2025 14:30:00 +0700`}},
		{"draft not a bool", "a.md", yamlDoc("", "title: x", "date: 2025-04-28", "draft: maybe"),
			[]string{`content/a.md:4: draft must be true or false, not maybe: write draft: true or draft: false`}},
		{"featured not a bool", "a.md", yamlDoc("", "title: x", "date: 2025-04-28", "featured: ya"),
			[]string{`content/a.md:4: featured must be true or false, not ya: write featured: true to make the article the front page's lead story, or leave the line out`}},
		{"no front matter", "a.md", "# Judul\n\nIsi.\n",
			[]string{"content/a.md:1: no front matter: start the file with a line '---', then 'title:' and 'date:', then another '---' (or use '+++' for TOML)"}},
		{"no opening ---", "a.md", "title: x\ndate: 2025-04-28\n---\nIsi.\n",
			[]string{"content/a.md:1: the front matter's opening '---' is missing: the file starts with a field: add a line '---' before the first field (and one after the last, if it is missing too)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := parse(t, tt.file, tt.src)
			if a != nil {
				t.Errorf("Parse returned an article with the error: %+v", a)
			}
			if got := errorLines(err); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("error =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Errorf("error %T is not a *content.Error", err)
			}
		})
	}
}

// libraryLine matches a YAML library's own "line N", which counts from
// the front matter, not from the file.
var libraryLine = regexp.MustCompile(`\bline \d+:`)

func TestParseBadYAMLLine(t *testing.T) {
	// Front matter starts on line 2 of the file; each error must name the
	// line of the file the writer has to fix.
	tests := []struct {
		name string
		fm   []string
		line int
		msg  string // part of the message
	}{
		{"unclosed list", []string{"title: x", "date: 2025-04-28", "tags: [a, b", "source: Antara"}, 4, "the list"},
		{"unclosed list on the first line", []string{"tags: [a, b", "title: x", "date: 2025-04-28"}, 2, "the list"},
		{"unclosed quote", []string{"title: x", "date: 2025-04-28", `summary: "tidak selesai`, "source: Antara"}, 4, "quote"},
		{"unclosed quote on the first line", []string{`title: "tidak selesai`, "date: 2025-04-28"}, 2, "quote"},
		{"bad indentation", []string{"title: x", "date: 2025-04-28", "  source: Antara"}, 4, "mapping values are not allowed"},
		{"tab indentation", []string{"title: x", "\tdate: 2025-04-28"}, 3, "this line starts with a tab"},
		{"list item among fields", []string{"title: x", "date: 2025-04-28", "- Antara"}, 4, "did not find expected key"},
		{"unclosed map", []string{"title: x", "extra: {a: 1", "date: 2025-04-28"}, 3, "the group"},
		{"reserved character", []string{"title: x", "date: 2025-04-28", "source: @antara"}, 4, "cannot start any token"},
		{"colon in a value", []string{"title: Kata: kunci", "date: 2025-04-28"}, 2, "the value of title holds ': ', which YAML reads as the start of another field"},
		{"colon in a later value", []string{"title: x", "summary: Kata menteri: naik", "date: 2025-04-28"}, 3, "the value of summary holds ': '"},
		// The parser gives up where a later quote confuses it, two lines on.
		{"unclosed quote closed by a later one", []string{`title: "Harga Beras Naik`, "date: 2025-04-28", `summary: "Ringkas."`}, 2, `the title's quote is not closed: the value starts with " and the line ends without one`},
		{"unclosed single quote closed by a later one", []string{`title: 'Harga Beras Naik`, "date: 2025-04-28", `summary: 'Ringkas.'`}, 2, `the title's quote is not closed: the value starts with ' and`},
		{"quotes inside quotes", []string{`title: "Harga "Beras" Naik"`, "date: 2025-04-28", "section: Ekonomi"}, 2, `the title's quote closes before the value ends (after "Harga "), so Beras" Naik" is left over`},
		{"tab after a quoted value over two lines", []string{`title: "Harga beras`, `  naik tajam"`, "\tdate: 2025-04-28"}, 4, "this line starts with a tab, and YAML indents with spaces only"},
		{"unknown alias", []string{"title: x", "date: 2025-04-28", "source: *a"}, 4, "unknown anchor"},
		{"not a mapping", []string{"- title: x"}, 2, "not a list of 'key: value' fields"},
		{"duplicate field", []string{"title: x", "date: 2025-04-28", "title: y"}, 4, `field "title" is written twice (first on line 2)`},
		{"duplicate field differing in case", []string{"Title: x", "date: 2025-04-28", "title: y"}, 4, `field "title" is written twice (first on line 2)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parse(t, "dunia/a.md", yamlDoc("Isi.\n", tt.fm...))
			if err == nil {
				t.Fatal("no error")
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T is not a *content.Error: %v", err, err)
			}
			if e.File != "content/dunia/a.md" || e.Line != tt.line || e.Fix == "" {
				t.Errorf("error at %s:%d (fix %q), want content/dunia/a.md:%d with a fix: %v", e.File, e.Line, e.Fix, tt.line, err)
			}
			if !strings.Contains(e.Message, tt.msg) {
				t.Errorf("message %q does not contain %q", e.Message, tt.msg)
			}
			if strings.Contains(e.Message, "yaml:") || libraryLine.MatchString(e.Message) {
				t.Errorf("message %q repeats the library's own position or prefix", e.Message)
			}
		})
	}
}

func TestParseBadTOMLLine(t *testing.T) {
	tests := []struct {
		name string
		fm   string
		line int
		msg  string
	}{
		{"missing value", "title = \"x\"\ndate = 2025-04-28\nsource =\n", 4, "bad TOML front matter"},
		{"unquoted string", "title = \"x\"\nsource = Antara\n", 3, "bad TOML front matter"},
		{"duplicate key", "title = \"x\"\ndate = 2025-04-28\ntitle = \"y\"\n", 4, "already defined"},
		{"unclosed array", "title = \"x\"\ntags = [\"a\",\n", 3, "bad TOML front matter"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parse(t, "a.md", "+++\n"+tt.fm+"+++\n")
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T is not a *content.Error: %v", err, err)
			}
			if e.Line != tt.line || !strings.Contains(e.Message, tt.msg) || e.Fix == "" {
				t.Errorf("error = %v; want line %d, a message containing %q and a fix", err, tt.line, tt.msg)
			}
		})
	}
}

func TestParseFieldLines(t *testing.T) {
	// A wrong value is reported on the line it was written on, in both formats.
	tests := []struct {
		name, src, want string
	}{
		{"YAML", yamlDoc("", "title: x", "date: 2025-04-28", "", "# a comment", "tags: 5"),
			`content/a.md:6: tags must be a list of words, not a number: write it as tags: [first, second]`},
		{"TOML", "+++\ntitle = \"x\"\ndate = 2025-04-28\n\n# a comment\ntags = 5\n+++\n",
			`content/a.md:6: tags must be a list of words, not a number: write it as tags: [first, second]`},
		{"TOML key that is a prefix of another", "+++\ntitle = \"x\"\ndate = 2025-04-28\ntags_extra = 1\ntag = 2\ntags = true\n+++\n",
			`content/a.md:6: tags must be a list of words, not true/false: write it as tags: [first, second]`},
		{"TOML quoted keys and a table", "+++\ntitle = \"x\"\n\"date\" = 2025-04-28\n\n'tags'=5\n[extra]\ntags = 1\n+++\n",
			`content/a.md:5: tags must be a list of words, not a number: write it as tags: [first, second]`},
		{"TOML table named like a field", "+++\ntitle = \"x\"\ndate = 2025-04-28\n[tags]\nsatu = 1\n+++\n",
			`content/a.md:4: tags must be a list of words, not a group of fields: write it as tags: [first, second]`},
		{"YAML field written as a group", yamlDoc("", "title: x", "date: 2025-04-28", "source:", "  name: Antara"),
			`content/a.md:4: source must be text, not a group of fields: write it as source: "..."`},
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

func TestParseParams(t *testing.T) {
	a := mustParse(t, "a.md", yamlDoc("", "title: x", "date: 2025-04-28", "Priority: 3", "rating: 4.5", "extra: {wilayah: Jawa}", "featured: true", "empty:"))
	want := map[string]any{
		"title":    "x",
		"date":     "2025-04-28",
		"priority": 3,
		"rating":   4.5,
		"extra":    map[string]any{"wilayah": "Jawa"},
		"featured": true,
		"empty":    nil,
	}
	if !reflect.DeepEqual(a.Params, want) {
		t.Errorf("Params = %#v\nwant %#v", a.Params, want)
	}
	b := mustParse(t, "a.md", "+++\ntitle = \"x\"\ndate = 2025-04-28\npriority = 3\n[extra]\nwilayah = \"Jawa\"\n+++\n")
	wantTOML := map[string]any{"title": "x", "date": "2025-04-28", "priority": int64(3), "extra": map[string]any{"wilayah": "Jawa"}}
	if !reflect.DeepEqual(b.Params, wantTOML) {
		t.Errorf("TOML Params = %#v\nwant %#v", b.Params, wantTOML)
	}
}

func TestParseLists(t *testing.T) {
	tests := []struct {
		name    string
		fm      []string
		authors []string
		tags    []string
		section string
	}{
		{"author", []string{"author: Redaksi Kabar"}, []string{"Redaksi Kabar"}, nil, ""},
		{"authors list", []string{"authors: [Redaksi Kabar, Tim Ekonomi]"}, []string{"Redaksi Kabar", "Tim Ekonomi"}, nil, ""},
		{"authors wins over author", []string{"author: A", "authors: [B, C]"}, []string{"B", "C"}, nil, ""},
		{"author as comma string", []string{"author: A, B"}, []string{"A", "B"}, nil, ""},
		{"author as list", []string{"author:", "  - A", "  - B"}, []string{"A", "B"}, nil, ""},
		{"tags list", []string{"tags: [Rupiah, Bank Indonesia]"}, nil, []string{"Rupiah", "Bank Indonesia"}, ""},
		{"tags block list", []string{"tags:", "  - Rupiah", "  - Bank Indonesia"}, nil, []string{"Rupiah", "Bank Indonesia"}, ""},
		{"tags comma string", []string{"tags: Rupiah, Bank Indonesia,  ,"}, nil, []string{"Rupiah", "Bank Indonesia"}, ""},
		{"tags with numbers", []string{"tags: [Pemilu, 2024]"}, nil, []string{"Pemilu", "2024"}, ""},
		{"tags deduplicated ignoring case", []string{"tags: [Rupiah, rupiah, RUPIAH, Dolar]"}, nil, []string{"Rupiah", "Dolar"}, ""},
		{"empty tags", []string{"tags: []"}, nil, []string{}, ""},
		{"section", []string{"section: Ekonomi", "category: Bisnis", "categories: [Pasar]"}, nil, nil, "Ekonomi"},
		{"category", []string{"category: Bisnis", "categories: [Pasar]"}, nil, nil, "Bisnis"},
		{"categories fallback", []string{"categories: [Pasar, Bisnis]"}, nil, nil, "Pasar"},
		{"categories string", []string{"categories: Pasar, Bisnis"}, nil, nil, "Pasar"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fm := append([]string{"title: x", "date: 2025-04-28"}, tt.fm...)
			a := mustParse(t, "a.md", yamlDoc("", fm...))
			if !reflect.DeepEqual(a.Authors, tt.authors) {
				t.Errorf("Authors = %#v, want %#v", a.Authors, tt.authors)
			}
			if !reflect.DeepEqual(a.Tags, tt.tags) {
				t.Errorf("Tags = %#v, want %#v", a.Tags, tt.tags)
			}
			if a.Section != tt.section {
				t.Errorf("Section = %q, want %q", a.Section, tt.section)
			}
		})
	}
}

func TestParseSummary(t *testing.T) {
	tests := []struct {
		name string
		fm   []string
		body string
		want string
	}{
		{"from summary", []string{"summary: Ringkasan dari redaksi."}, "Paragraf pertama.\n", "Ringkasan dari redaksi."},
		{"from description", []string{"description: Deskripsi singkat."}, "Paragraf pertama.\n", "Deskripsi singkat."},
		{"summary wins over description", []string{"summary: Ringkasan.", "description: Deskripsi."}, "Paragraf.\n", "Ringkasan."},
		{"from the more marker", nil, "Bagian *pertama*.\n\nBagian kedua.\n\n<!--more-->\n\nSisanya.\n", "Bagian pertama. Bagian kedua."},
		{"from the first paragraph", nil, "## Judul kecil\n\nParagraf **pertama** dengan [tautan](https://example.com/)\ndan baris kedua.\n\nParagraf kedua.\n", "Paragraf pertama dengan tautan dan baris kedua."},
		{"first paragraph skips raw HTML", nil, "Awal <b>tebal</b> akhir.\n", "Awal tebal akhir."},
		{"typographic quotes", nil, "Dia berkata \"halo\" -- lalu pergi...\n", "Dia berkata “halo” – lalu pergi…"},
		{"no body", nil, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fm := append([]string{"title: x", "date: 2025-04-28"}, tt.fm...)
			a := mustParse(t, "a.md", yamlDoc(tt.body, fm...))
			if a.Summary != tt.want {
				t.Errorf("Summary = %q, want %q", a.Summary, tt.want)
			}
			if strings.Contains(string(a.Content), "more") {
				t.Errorf("Content keeps the more marker: %s", a.Content)
			}
		})
	}
}

func TestParseReadingTime(t *testing.T) {
	words := func(n int) string { return strings.TrimSpace(strings.Repeat("kata ", n)) + "\n" }
	tests := []struct {
		body           string
		words, reading int
	}{
		{"", 0, 1},
		{words(1), 1, 1},
		{words(200), 200, 1},
		{words(201), 201, 2},
		{words(450), 450, 3},
		{"# Judul berita\n\n" + words(10) + "\n- satu\n- dua\n\n`kode program`\n", 16, 1},
	}
	for _, tt := range tests {
		a := mustParse(t, "a.md", yamlDoc(tt.body, "title: x", "date: 2025-04-28"))
		if a.Words != tt.words || a.ReadingTime != tt.reading {
			t.Errorf("body of %d bytes: Words, ReadingTime = %d, %d; want %d, %d", len(tt.body), a.Words, a.ReadingTime, tt.words, tt.reading)
		}
	}
}

func TestParseDraft(t *testing.T) {
	for fm, want := range map[string]bool{"draft: true": true, "draft: false": false, "": false, "draft:": false} {
		a := mustParse(t, "a.md", yamlDoc("", "title: x", "date: 2025-04-28", fm))
		if a.Draft != want {
			t.Errorf("%q: Draft = %v, want %v", fm, a.Draft, want)
		}
	}
	a := mustParse(t, "a.md", "+++\ntitle = \"x\"\ndate = 2025-04-28\ndraft = true\n+++\n")
	if !a.Draft {
		t.Error("TOML draft = true: Draft = false")
	}
}

func TestParseFeatured(t *testing.T) {
	for fm, want := range map[string]bool{"featured: true": true, "featured: false": false, "": false, "featured:": false} {
		a := mustParse(t, "a.md", yamlDoc("", "title: x", "date: 2025-04-28", fm))
		if a.Featured != want {
			t.Errorf("%q: Featured = %v, want %v", fm, a.Featured, want)
		}
	}
	a := mustParse(t, "a.md", "+++\ntitle = \"x\"\ndate = 2025-04-28\nfeatured = true\n+++\n")
	if !a.Featured {
		t.Error("TOML featured = true: Featured = false")
	}
}

func TestSlugify(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Rupiah Ditutup Menguat Tipis", "rupiah-ditutup-menguat-tipis"},
		{"BMKG: Waspada Hujan Lebat di Jabodetabek!", "bmkg-waspada-hujan-lebat-di-jabodetabek"},
		{"Harga BBM Naik 10%", "harga-bbm-naik-10"},
		{"Café à la crème", "cafe-a-la-creme"},
		{"Schön Straße", "schon-strasse"},
		{"İstanbul Ünïcödé", "istanbul-unicode"},
		{"Привет мир", "privet-mir"},
		{"한국어 뉴스", "hangugeo-nyuseu"},
		{"中文新闻", "zhong-wen-xin-wen"},
		{"Ελληνικά", "ellenika"},
		{`Tom & Jerry's "quote"`, "tom-and-jerrys-quote"},
		{"  --Spasi__ di tepi--  ", "spasi__-di-tepi"},
		{"versi 2.0.1", "versi-2-0-1"},
		{"../../etc/x", "etc-x"},
		{"/etc/passwd", "etc-passwd"},
		{`..\..\windows`, "windows"},
		{"..", ""},
		{"...", ""},
		{"", ""},
		{"🙂", ""},
	}
	for _, tt := range tests {
		if got := Slugify(tt.in); got != tt.want {
			t.Errorf("Slugify(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSlugifyIsSafe(t *testing.T) {
	inputs := []string{"../../etc/x", "..", "./.", "a/../../b", `C:\Windows\..`, "%2e%2e%2f", "a\x00b", "ＡＢＣ／．．", strings.Repeat("panjang ", 100)}
	for _, in := range inputs {
		s := Slugify(in)
		if strings.ContainsAny(s, `/\.%:`) || strings.Contains(s, "..") || len(s) > 120 {
			t.Errorf("Slugify(%q) = %q: not a safe URL segment", in, s)
		}
		for _, r := range s {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
				t.Errorf("Slugify(%q) = %q: %q is not lower-case ASCII", in, s, r)
			}
		}
	}
}

func TestBody(t *testing.T) {
	tests := []struct{ in, want string }{
		{"---\ntitle: Kabar\n---\nPengantar.\n", "Pengantar.\n"},
		{"Tanpa front matter.\n", "Tanpa front matter.\n"},
		{"", ""},
	}
	for _, tt := range tests {
		got, err := Body("content/_index.md", []byte(tt.in))
		if err != nil || string(got) != tt.want {
			t.Errorf("Body(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	if _, err := Body("content/_index.md", []byte("---\ntitle: x\n")); err == nil || !strings.HasPrefix(err.Error(), "content/_index.md:1: ") {
		t.Errorf("unclosed front matter: error = %v", err)
	}
}

// TestLinkLines: links keep the lines they have in the file, front
// matter, <!--more--> and all.
func TestLinkLines(t *testing.T) {
	a := mustParse(t, "x.md", yamlDoc("Awal [satu](/a/).\n<!--more-->\n\nLalu ![dua](b.png)\n", "title: X", "date: 2025-04-28"))
	want := []markdown.Link{{Dest: "/a/", Line: 5, Column: 6}, {Dest: "b.png", Line: 8, Column: 6, Image: true}}
	if fmt.Sprint(a.Links) != fmt.Sprint(want) {
		t.Errorf("links %+v, want %+v", a.Links, want)
	}
}

func TestFrontMatter(t *testing.T) {
	fm, err := FrontMatter("content/x.md", []byte("---\r\nTitle: Judul\r\nsource_id: warta-1\r\ntags: [a, b]\r\n---\r\nBody *not* rendered [\r\n"))
	if err != nil || fm["title"] != "Judul" || fm["source_id"] != "warta-1" || len(fm["tags"].([]any)) != 2 {
		t.Fatalf("FrontMatter = %v, %v", fm, err)
	}
	if _, err := FrontMatter("content/y.md", []byte("---\ntitle: [\n---\n")); err == nil || !strings.HasPrefix(err.Error(), "content/y.md:3: bad YAML") {
		t.Errorf("bad YAML: %v", err)
	}
}
