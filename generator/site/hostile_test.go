package site

import (
	"fmt"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kabar-news/kabar/generator/config"
	"github.com/kabar-news/kabar/generator/content"
	"github.com/kabar-news/kabar/generator/markdown"
)

var hostileNames = []string{
	"..", ".", "../../etc", "/etc/passwd", `C:\Windows`, `..\..\x`, "%2e%2e%2f", "a/../../b",
	"<script>", "CON", "x\x00y", "ＡＢＣ／．．", "   ", "~root", "$(rm -rf /)",
}

// parseArticle parses Markdown as content/<file>.
func parseArticle(t *testing.T, file, src string) *content.Article {
	t.Helper()
	a, err := content.Parse(file, "content/"+file, []byte(src), content.Options{Location: jakarta, Markdown: markdown.New(false)})
	if err != nil {
		t.Fatalf("Parse(%s): %v", file, err)
	}
	return a
}

func TestOutputStaysInside(t *testing.T) {
	var list []*content.Article
	for i, name := range hostileNames {
		q := fmt.Sprintf("%q", name)
		src := "---\ntitle: Judul " + q + "\ndate: 2025-04-28\nslug: " + q + "\nsection: " + q + "\nsource: " + q + "\ntags: [" + q + ", " + q + "]\n---\nx\n"
		if strings.Trim(content.Slugify(name), "-") == "" {
			// A slug with nothing to keep is an error; the file name gives one.
			src = strings.Replace(src, "slug: "+q+"\n", "", 1)
		}
		list = append(list, parseArticle(t, fmt.Sprintf("berita/%d-x.md", i), src))
	}
	for _, pattern := range []string{"/:year/:month/:day/:slug/", "/:section/:slug/", "/:slug/"} {
		c := cfg(t, func(c *config.Config) { c.Permalink = pattern })
		s, err := New(c, "", list)
		if err != nil {
			// Slugs may meet in the short patterns; that is reported, never written.
			if pattern == "/:year/:month/:day/:slug/" || !strings.Contains(err.Error(), "has the URL") {
				t.Errorf("%s: %v", pattern, err)
			}
			continue
		}
		files := map[string]bool{}
		for _, p := range s.Pages() {
			files[p.File()] = true
		}
		for _, terms := range [][]*Term{s.Sections, s.Tags, s.Sources} {
			for _, term := range terms {
				files[strings.TrimPrefix(term.FeedPath(), "/")] = true
			}
		}
		for f := range files {
			if !filepath.IsLocal(filepath.FromSlash(f)) || path.Clean(f) != f || strings.Contains(f, "\\") || strings.Contains(f, "..") {
				t.Errorf("%s: output file %q is not a plain path inside the output folder", pattern, f)
			}
			for _, seg := range strings.Split(f, "/") {
				if seg == "" || strings.Trim(seg, "._-") == "" && seg != "_" {
					t.Errorf("%s: output file %q has the segment %q", pattern, f, seg)
				}
			}
		}
		if err := CheckClashes(s.Pages(), nil); err != nil {
			t.Errorf("%s: %v", pattern, err)
		}
	}
}

func TestNamesDifferingInCase(t *testing.T) {
	// Two files whose names differ only in case would be one folder on
	// macOS and Windows: that is an error naming both, never one silently
	// replacing the other.
	_, err := New(cfg(t, nil), "", []*content.Article{
		parseArticle(t, "dunia/Berita.md", "---\ntitle: A\ndate: 2025-04-28\n---\n"),
		parseArticle(t, "dunia/berita.md", "---\ntitle: B\ndate: 2025-04-28\n---\n"),
	})
	want := "content/dunia/berita.md: has the URL /2025/04/28/berita/, as content/dunia/Berita.md does: give one of them another slug (add slug: ... to its front matter)"
	if err == nil || err.Error() != want {
		t.Errorf("error = %v\nwant    %s", err, want)
	}

	// Sections, tags and sources differing in case share one page.
	s := mustNew(t, cfg(t, func(c *config.Config) { c.Permalink = "/:section/:slug/" }),
		parseArticle(t, "a.md", "---\ntitle: A\ndate: 2025-04-28\nsection: Dunia\ntags: [Rupiah]\n---\n"),
		parseArticle(t, "b.md", "---\ntitle: B\ndate: 2025-04-27\nsection: DUNIA\ntags: [rupiah]\n---\n"),
	)
	if len(s.Sections) != 1 || len(s.Sections[0].Articles) != 2 || len(s.Tags) != 1 || len(s.Tags[0].Articles) != 2 {
		t.Errorf("sections %d, tags %d; want one of each holding both articles", len(s.Sections), len(s.Tags))
	}
	if got := articlePaths(s.Articles); strings.Join(got, " ") != "/dunia/a/ /dunia/b/" {
		t.Errorf("paths = %v", got)
	}

	// A page that lands on another page's file is reported too.
	s = mustNew(t, cfg(t, func(c *config.Config) { c.Permalink = "/:section/:slug/" }),
		parseArticle(t, "1.md", "---\ntitle: Satu\ndate: 2025-04-28\nsection: Page\n---\n"),
		parseArticle(t, "x.md", "---\ntitle: X\ndate: 2025-04-27\n---\n"),
	)
	c := s.Config
	c.PerPage = 1
	err = CheckClashes(s.Pages(), nil)
	if want := "content/1.md: writes page/1/index.html, as the home page /page/1/ does: rename one of them"; err == nil || err.Error() != want {
		t.Errorf("error = %v\nwant    %s", err, want)
	}
}

func TestManyTagsSite(t *testing.T) {
	const n = 10000
	tags := make([]string, n)
	upper := make([]string, n)
	for i := range tags {
		tags[i] = fmt.Sprintf("Topik %d", i)
		upper[i] = strings.ToUpper(tags[i])
	}
	s := mustNew(t, cfg(t, nil),
		art("a/satu.md", "Satu", "2025-04-28", tags...),
		art("a/dua.md", "Dua", "2025-04-27", upper...),
		art("a/tiga.md", "Tiga", "2025-04-26", "lain"),
	)
	if len(s.Tags) != n+1 {
		t.Fatalf("%d tags, want %d", len(s.Tags), n+1)
	}
	for _, term := range s.Tags {
		if term.Name != "lain" && len(term.Articles) != 2 {
			t.Fatalf("tag %s has %d articles, want 2", term.Name, len(term.Articles))
		}
	}
	if got := articleFiles(s.Articles[0].Related); strings.Join(got, " ") != "a/dua.md" {
		t.Errorf("Related = %v, want [a/dua.md]", got)
	}
	if len(s.Articles[0].TagTerms) != n {
		t.Errorf("%d TagTerms, want %d", len(s.Articles[0].TagTerms), n)
	}
}

// BenchmarkManyTags shows that the model grows in step with the number of
// tags on an article: compare ns/op of the two sizes.
func BenchmarkManyTags(b *testing.B) {
	c := config.Default()
	for _, n := range []int{10000, 20000} {
		tags := make([]string, n)
		for i := range tags {
			tags[i] = fmt.Sprintf("Topik %d", i)
		}
		list := []*content.Article{art("a/satu.md", "Satu", "2025-04-28", tags...), art("a/dua.md", "Dua", "2025-04-27", tags...)}
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				s, err := New(c, "", list)
				if err != nil {
					b.Fatal(err)
				}
				_ = s.Pages()
			}
		})
	}
}
