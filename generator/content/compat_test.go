package content

import (
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
