package pipeline

import (
	"io/fs"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	kabar "github.com/kabar-news/kabar"
	"github.com/kabar-news/kabar/generator/internal/testsite"
	"github.com/kabar-news/kabar/generator/output"
)

// BenchmarkRebuild times Builder.Build, into memory as serve builds,
// after one article of a generated site is edited: the article's body,
// then its title (which shows on many more pages); then after an edit of
// templates/article.html, which every article page runs. It reports
// the median and worst of 20 edits each (3 of the template), and the
// full first build. The site has 10,000 articles unless REBUILD_ARTICLES
// says otherwise:
//
//	go test -run XXX -bench Rebuild -benchtime 1x ./generator/pipeline/
func BenchmarkRebuild(b *testing.B) {
	tmpl, err := fs.ReadFile(kabar.Templates(), "article.html")
	if err != nil {
		b.Fatal(err)
	}
	articleTemplate := string(tmpl)
	n := 10000
	if s := os.Getenv("REBUILD_ARTICLES"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	dir := b.TempDir()
	list, err := testsite.Write(dir, n, 1)
	if err != nil {
		b.Fatal(err)
	}
	// Into memory, as serve builds by default. Past 16,000 articles the
	// generated dates are in the future: let them in.
	bl, err := NewBuilder(Options{SiteDir: dir, Memory: output.NewMemory(), Future: true})
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	if _, err := bl.Build(nil); err != nil {
		b.Fatal(err)
	}
	full := time.Since(start)
	// REBUILD_PROFILE=file profiles the rebuilds alone, not the first build.
	if name := os.Getenv("REBUILD_PROFILE"); name != "" {
		f, err := os.Create(name)
		if err != nil {
			b.Fatal(err)
		}
		pprof.StartCPUProfile(f)
		defer func() { pprof.StopCPUProfile(); f.Close() }()
	}
	gen := testsite.New(99)
	for b.Loop() {
		for _, kind := range []string{"body", "title", "template"} {
			var times []time.Duration
			var rendered, changed int
			edits := 20
			if kind == "template" {
				edits = 3
			}
			for i := range edits {
				a := list[(i*7919)%len(list)]
				p := filepath.Join(dir, "content", filepath.FromSlash(a.File))
				data := ""
				switch kind {
				case "body":
					a.Body += "\n" + gen.Words(20) + ".\n"
					data = a.Markdown()
				case "title":
					a.Title = "Judul " + gen.Words(4)
					data = a.Markdown()
				case "template":
					// Every article page runs article.html.
					p = filepath.Join(dir, "templates", "article.html")
					data = strings.Replace(articleTemplate, `{{define "main"}}`, `{{define "main"}}<i hidden>`+gen.Words(1)+`</i>`, 1)
					os.MkdirAll(filepath.Dir(p), 0o755)
				}
				t0 := time.Now()
				if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
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
			b.ReportMetric(float64(rendered)/float64(edits), kind+"-rendered/edit")
			b.ReportMetric(float64(changed)/float64(edits), kind+"-written/edit")
		}
	}
	b.ReportMetric(full.Seconds(), "full-build-s")
}
