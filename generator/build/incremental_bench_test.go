package build

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"newsdigest/generator/internal/testsite"
	"newsdigest/generator/output"
)

// BenchmarkRebuild times Builder.Build after one article of a generated
// site is edited: the article's body, then its title (which shows on many
// more pages). It reports the median and worst of 20 edits each, and the
// full first build. The site has 10,000 articles unless REBUILD_ARTICLES
// says otherwise:
//
//	go test -run XXX -bench Rebuild -benchtime 1x ./generator/build/
func BenchmarkRebuild(b *testing.B) {
	n := 10000
	if s := os.Getenv("REBUILD_ARTICLES"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	dir := b.TempDir()
	list, err := testsite.Write(dir, n, 1)
	if err != nil {
		b.Fatal(err)
	}
	// Into memory, as serve builds by default.
	bl, err := NewBuilder(Options{SiteDir: dir, Memory: output.NewMemory()})
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	if _, err := bl.Build(nil); err != nil {
		b.Fatal(err)
	}
	full := time.Since(start)
	gen := testsite.New(99)
	for b.Loop() {
		for _, kind := range []string{"body", "title"} {
			var times []time.Duration
			var rendered, changed int
			for i := range 20 {
				a := list[(i*7919)%len(list)]
				if kind == "body" {
					a.Body += "\n" + gen.Words(20) + ".\n"
				} else {
					a.Title = "Judul " + gen.Words(4)
				}
				p := filepath.Join(dir, "content", filepath.FromSlash(a.File))
				t0 := time.Now()
				if err := os.WriteFile(p, []byte(a.Markdown()), 0o644); err != nil {
					b.Fatal(err)
				}
				rb, err := bl.Build([]string{p})
				if err != nil {
					b.Fatal(err)
				}
				times = append(times, time.Since(t0))
				rendered += rb.Rendered
				changed += len(rb.Changed)
			}
			slices.Sort(times)
			b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, kind+"-median-ms")
			b.ReportMetric(float64(times[len(times)-1].Microseconds())/1000, kind+"-worst-ms")
			b.ReportMetric(float64(rendered)/20, kind+"-rendered/edit")
			b.ReportMetric(float64(changed)/20, kind+"-written/edit")
		}
	}
	b.ReportMetric(full.Seconds(), "full-build-s")
}
