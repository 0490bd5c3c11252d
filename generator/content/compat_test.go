package content

import (
	"strings"
	"testing"
	"time"

	"github.com/kabar-news/kabar/generator/markdown"
)

// Front matter written for Hugo or Jekyll builds unchanged: their names
// for the dates, the image and held-back posts are understood.
func TestHugoAndJekyllFieldNames(t *testing.T) {
	jakarta, err := time.LoadLocation("Asia/Jakarta")
	if err != nil {
		t.Fatal(err)
	}
	opt := Options{Location: jakarta, Markdown: markdown.New(false)}
	cases := []struct {
		name, src     string
		date, updated string
		image         string
		draft         bool
	}{
		{"hugo", "---\ntitle: A\npublishDate: 2025-04-28T10:00:00+07:00\nlastmod: 2025-04-29\nimages: [/img/a.jpg, /img/b.jpg]\n---\nx\n",
			"2025-04-28T10:00:00+07:00", "2025-04-29T00:00:00+07:00", "/img/a.jpg", false},
		{"jekyll", "---\ntitle: A\ndate: 2025-04-28 10:00:00 +0700\nlast_modified_at: 2025-04-30 08:00\npublished: false\nimage: /img/c.jpg\n---\nx\n",
			"2025-04-28T10:00:00+07:00", "2025-04-30T08:00:00+07:00", "/img/c.jpg", true},
		{"date wins over publishDate", "+++\ntitle = \"A\"\ndate = 2025-04-27\npublishDate = 2025-04-28\n+++\nx\n",
			"2025-04-27T00:00:00+07:00", "", "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, err := Parse("a.md", "content/a.md", []byte(c.src), opt)
			if err != nil {
				t.Fatal(err)
			}
			if got := a.Date.In(jakarta).Format(time.RFC3339); got != c.date {
				t.Errorf("date = %s, want %s", got, c.date)
			}
			got := ""
			if !a.Updated.IsZero() {
				got = a.Updated.In(jakarta).Format(time.RFC3339)
			}
			if got != c.updated {
				t.Errorf("updated = %q, want %q", got, c.updated)
			}
			if a.Image != c.image || a.Draft != c.draft {
				t.Errorf("image, draft = %q, %v; want %q, %v", a.Image, a.Draft, c.image, c.draft)
			}
		})
	}
}

func TestBadLastmodNamesTheField(t *testing.T) {
	_, err := Parse("a.md", "content/a.md", []byte("---\ntitle: A\ndate: 2025-04-28\nlastmod: kemarin\n---\n"), Options{Location: time.UTC, Markdown: markdown.New(false)})
	if err == nil || err.Error() != `content/a.md:4: lastmod "kemarin" is not a date I can read: write it as 2025-04-28, 2025-04-28 14:30, 2025-04-28T14:30:00+07:00 or Mon, 28 Apr 2025 14:30:00 +0700` {
		t.Fatalf("err = %v", err)
	}
}

// Dates as Jekyll, Hugo and feed exporters write them.
func TestForeignDates(t *testing.T) {
	jakarta, err := time.LoadLocation("Asia/Jakarta")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct{ in, want string }{
		{"2024-4-09", "2024-04-09T00:00:00+07:00"},
		{"2024-4-9 10:00", "2024-04-09T10:00:00+07:00"},
		{"2024-04-09 10:00:00 -0700", "2024-04-10T00:00:00+07:00"},
		{"2024-04-09 10:00:00.5 +07:00", "2024-04-09T10:00:00+07:00"},
		{"2024-04-09T10:00", "2024-04-09T10:00:00+07:00"},
		{"2024-04-09T10:00:00", "2024-04-09T10:00:00+07:00"},
		{"2024-04-09T10:00:00Z", "2024-04-09T17:00:00+07:00"},
		{"Tue, 09 Apr 2024 10:00:00 +0700", "2024-04-09T10:00:00+07:00"},
		{"Tue, 9 Apr 2024 03:00:00 GMT", "2024-04-09T10:00:00+07:00"},
	}
	for _, c := range cases {
		d, err := ParseDate(c.in, jakarta)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if got := d.In(jakarta).Format(time.RFC3339); got != c.want {
			t.Errorf("%q = %s, want %s", c.in, got, c.want)
		}
	}
	opt := Options{Location: jakarta, Markdown: markdown.New(false)}
	for _, c := range []struct{ date, want string }{
		{"9 April 2024", `content/a.md:3: date "9 April 2024" is not a date I can read: write it as 2025-04-28, 2025-04-28 14:30, 2025-04-28T14:30:00+07:00 or Mon, 28 Apr 2025 14:30:00 +0700`},
		{"2024-4-31", `content/a.md:3: date "2024-4-31" is not a day or time that exists: check the month, day and time: a month has 28 to 31 days, an hour is 0 to 23`},
		{"2024-04-09 25:00", `content/a.md:3: date "2024-04-09 25:00" is not a day or time that exists: check the month, day and time: a month has 28 to 31 days, an hour is 0 to 23`},
	} {
		_, err := Parse("a.md", "content/a.md", []byte("---\ntitle: A\ndate: "+c.date+"\n---\nx\n"), opt)
		if err == nil || err.Error() != c.want {
			t.Errorf("date %q: err = %v\nwant %s", c.date, err, c.want)
		}
	}
	// A Jekyll file name without leading zeros gives the date too.
	a, err := Parse("2024-4-9-banjir.md", "content/2024-4-9-banjir.md", []byte("---\ntitle: A\n---\nx\n"), opt)
	if err != nil {
		t.Fatal(err)
	}
	if a.Slug != "banjir" || a.Date.Format("2006-01-02") != "2024-04-09" {
		t.Errorf("slug %q, date %s", a.Slug, a.Date)
	}
}

// <!--more--> splits the summary only standing on a line of its own, and
// a front matter summary wins over it.
func TestMoreMarker(t *testing.T) {
	opt := Options{Location: time.UTC, Markdown: markdown.New(false)}
	cases := []struct{ name, fm, body, summary string }{
		{"on its line", "", "Satu *dua*.\n\nTiga.\n<!--more-->\nEmpat.\n", "Satu dua. Tiga."},
		{"with spaces inside", "", "Satu.\n\n<!-- more -->\n\nDua.\n", "Satu."},
		{"in inline code", "", "Tulis `<!--more-->` untuk memotong.\n\nDua.\n", "Tulis <!--more--> untuk memotong."},
		{"in a sentence", "", "Penanda <!--more--> di tengah kalimat.\n\nDua.\n", "Penanda di tengah kalimat."},
		{"in a code block", "", "Satu.\n\n```\n<!--more-->\n```\n\nDua.\n", "Satu."},
		{"front matter summary wins", "summary: Ringkasan sendiri.\n", "Satu.\n\n<!--more-->\n\nDua.\n", "Ringkasan sendiri."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, err := Parse("a.md", "content/a.md", []byte("---\ntitle: A\ndate: 2024-04-09\n"+c.fm+"---\n"+c.body), opt)
			if err != nil {
				t.Fatal(err)
			}
			if a.Summary != c.summary {
				t.Errorf("summary %q, want %q", a.Summary, c.summary)
			}
			if strings.Contains(string(a.Content), "more--&gt;</p>") || strings.Contains(string(a.Content), "<p>&lt;!--") {
				t.Errorf("the marker shows: %s", a.Content)
			}
		})
	}
	// In a code block it is code, shown; in inline code too.
	a, _ := Parse("a.md", "content/a.md", []byte("---\ntitle: A\ndate: 2024-04-09\n---\n```\n<!--more-->\n```\n\n`<!--more-->`\n"), opt)
	if strings.Count(string(a.Content), "&lt;!--more--&gt;") != 2 {
		t.Errorf("content %s", a.Content)
	}
}

// Tags in a body: warnings name the line of the file, links keep theirs.
func TestTagLines(t *testing.T) {
	opt := Options{Location: time.UTC, Markdown: markdown.New(false), BasePath: "/blog/"}
	src := "---\ntitle: A\ndate: 2024-04-09\n---\nSatu.\n\n{% include x.html %}\n\n[b]({% post_url 2024-01-01-b %}) `{% include y %}`\n\n    {{ di blok kode }}\n"
	a, err := Parse("a.md", "content/a.md", []byte(src), opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Warnings) != 1 || a.Warnings[0].Error() != "content/a.md:7: {% include x.html %} is not understood, so it is shown as it is: replace it with the text or Markdown it stands for" {
		t.Errorf("warnings %v", a.Warnings)
	}
	if len(a.LinkTags) != 1 || a.LinkTags[0].Line != 9 || a.LinkTags[0].Target != "2024-01-01-b" {
		t.Errorf("links %+v", a.LinkTags)
	}
	if !strings.Contains(string(a.Content), "<pre tabindex=\"0\"><code>{{ di blok kode }}\n</code></pre>") {
		t.Errorf("indented code: %s", a.Content)
	}
}

// BenchmarkParseTags compares the parse of a post full of Jekyll and Hugo
// tags, which Markdown reads twice (once to find the code), with the same
// post without them. Highlighting costs the same either way, so neither
// has a code block.
func BenchmarkParseTags(b *testing.B) {
	opt := Options{Location: time.UTC, Markdown: markdown.New(false), BasePath: "/blog/"}
	para := "Air sungai naik dua meter dalam semalam dan merendam tiga desa di hulu; warga mengungsi ke balai desa.\n\n"
	tags := "Baca [laporan]({% post_url 2024-04-10-bantuan %}) dan ![peta]({{ site.baseurl }}/img/peta.png).\n\n" +
		"Tulis `{{ page.title }}` di templat.\n\n{{< figure src=\"/img/a.jpg\" caption=\"Los\" >}}\n\n"
	plain := "Baca [laporan](/2024/04/10/bantuan/) dan ![peta](/blog/img/peta.png).\n\nTulis `page.title` di templat.\n\n![Los](/img/a.jpg)\n\n"
	for _, c := range []struct{ name, body string }{{"plain", plain}, {"tags", tags}} {
		src := []byte("---\ntitle: A\ndate: 2024-04-09\n---\n" + strings.Repeat(para+c.body, 20))
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			for b.Loop() {
				if _, err := Parse("a.md", "content/a.md", src, opt); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
