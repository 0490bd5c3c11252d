package links

import (
	"fmt"
	"testing"

	"github.com/kabar-news/kabar/generator/markdown"
)

// BenchmarkChecker is the link checking of a full build of 10,000
// articles, each with a source, a link to the article before it
// (root-relative, rewritten under the base path), one to a tag page and
// one into the tags index by #fragment: every article set, every target
// looked up, the index's IDs learnt, every link checked.
//
//	go test -run XXX -bench Checker ./generator/links/
func BenchmarkChecker(b *testing.B) {
	const n = 10000
	site := files{"tags/index.html": true, "tags/rupiah/index.html": true}
	paths := make([]string, n)
	for i := range paths {
		paths[i] = fmt.Sprintf("/2025/%02d/%02d/berita-%05d/", 1+i%12, 1+i%28, i)
		site[paths[i][1:]+"index.html"] = true
	}
	tags := []byte(`<main id="main"><h1 id="judul">Tag</h1></main>`)
	for b.Loop() {
		c := NewChecker(mustResolver(b, "https://user.github.io/kabar/"))
		for i, p := range paths {
			c.Set(fmt.Sprint(i), "content/x.md", p, []markdown.Link{
				{Dest: fmt.Sprintf("https://example.com/berita/%d", i), Line: 5, Column: 1},
				{Dest: paths[(i+n-1)%n], Line: 12, Column: 7},
				{Dest: "/kabar/tags/rupiah/", Line: 12, Column: 40},
				{Dest: "/kabar/tags/#main", Line: 13, Column: 1},
			})
		}
		c.Sync(site, true)
		c.SetIDs("tags/index.html", IDs(tags))
		if found := c.Check(); len(found) != 0 {
			b.Fatal(found[0])
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/build")
}

func mustResolver(b *testing.B, base string) *Resolver {
	r, err := NewResolver(base)
	if err != nil {
		b.Fatal(err)
	}
	return r
}
