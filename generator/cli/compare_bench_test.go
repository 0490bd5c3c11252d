package cli

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/kabar-news/kabar/generator/internal/testsite"
	"github.com/kabar-news/kabar/generator/markdown"
)

// BenchmarkCompareBuild times full builds of one generated site by the
// generator's own binary (built once with go build, so the real command
// line is measured), by Hugo (Debian's hugo package) twice: with
// hugoTheme and --minify, the same work per page as ours, and with
// hugoLightTheme, less; each a separate process writing into a folder
// that does not exist yet; and a floor: a process that only reads every
// article and converts its body with the same goldmark converter, on all
// cores. Each round runs all of them, in an order that rotates from round
// to round, and after our full build (--fresh) two more of ours, each a
// new process going on from the state the last one saved: one with
// nothing changed, one with fifty new articles, as an import brings.
// Reported: the medians of wall time and the peak resident memory of
// each, and their ratios.
//
//	go test -run XXX -bench Compare -benchtime 1x ./generator/
//
// Environment:
//
//	COMPARE_ARTICLES  articles to generate (default 10000)
//	COMPARE_ROUNDS    rounds (default 3)
//	COMPARE_OUT       folder the outputs go to (default /dev/shm, so the
//	                  disk is not timed); a disk folder for large sites,
//	                  whose output would not fit in memory
//	COMPARE_HUGO=0    leave Hugo out (it needs hours and tens of GB at
//	                  1,000,000 articles)
//
// Articles are dated every 97 minutes from 2023, so above about 16,000
// of them most are in the future: both tools are told to build those too.
// GOGC and GOMAXPROCS, if set, reach every process alike.
func BenchmarkCompareBuild(b *testing.B) {
	n := envInt("COMPARE_ARTICLES", 10000)
	rounds := envInt("COMPARE_ROUNDS", 3)
	withHugo := os.Getenv("COMPARE_HUGO") != "0"
	var hugo string
	if withHugo {
		var err error
		if hugo, err = exec.LookPath("hugo"); err != nil {
			b.Fatalf("hugo is needed for this comparison: install it with: apt-get install -y --no-install-recommends hugo, or set COMPARE_HUGO=0 (%v)", err)
		}
	}
	tmp := b.TempDir()
	siteDir := filepath.Join(tmp, "site")
	t0 := time.Now()
	list, err := testsite.Write(siteDir, n, 1)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("generated %d articles in %s", n, time.Since(t0).Round(time.Millisecond))
	first, last := list[0], list[n-1]
	// A million bodies are gigabytes the builds may want: give them back
	// now, as this process idles until the end.
	list = nil
	debug.FreeOSMemory()
	content := filepath.Join(siteDir, "content")
	// Hugo reads the very same files: a copy would double the disk used
	// and could be cached differently.
	hugoDir, lightDir := filepath.Join(tmp, "hugo"), filepath.Join(tmp, "hugo-light")
	writeHugoTheme(b, hugoDir)
	writeTheme(b, lightDir, hugoLightTheme)

	bin := buildKabar(b, tmp)

	base := os.Getenv("COMPARE_OUT")
	if base == "" {
		if fi, err := os.Stat("/dev/shm"); err == nil && fi.IsDir() {
			base = "/dev/shm"
		} else {
			base = b.TempDir()
		}
	}
	work, err := os.MkdirTemp(base, "digest-compare-")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { os.RemoveAll(work) })
	oursOut, hugoOut, lightOut := filepath.Join(work, "ours"), filepath.Join(work, "hugo"), filepath.Join(work, "hugo-light")

	builtRE := regexp.MustCompile(`built (\d+) articles`)
	checkOurs := func(what string, r proc, n int) {
		m := builtRE.FindStringSubmatch(r.stdout)
		if m == nil || m[1] != strconv.Itoa(n) {
			b.Fatalf("%s: want %d articles built, got: %s", what, n, r.stdout)
		}
		if _, err := os.Stat(filepath.Join(oursOut, "index.html")); err != nil {
			b.Fatalf("%s: %v", what, err)
		}
	}
	var ours, again, news, hugos, lights, floors []proc
	runHugo := func(dir, out string, extra ...string) proc {
		fresh(b, out)
		r := timed(b, hugo, nil, append([]string{"--source", dir, "--contentDir", content, "--destination", out, "--buildFuture", "--quiet"}, extra...)...)
		for _, a := range []testsite.Article{first, last} {
			p := filepath.Join(out, strings.TrimSuffix(filepath.FromSlash(a.File), ".md"), "index.html")
			if _, err := os.Stat(p); err != nil {
				b.Fatalf("hugo: %v\n%s", err, r.stdout)
			}
		}
		if _, err := os.Stat(filepath.Join(out, "index.html")); err != nil {
			b.Fatalf("hugo: %v", err)
		}
		os.RemoveAll(out)
		return r
	}
	// Fifty new articles after the last, as an import brings them; they
	// wait outside content/ (which Hugo reads too) until their build.
	gen := testsite.New(2)
	gen.Start = last.Date.Add(time.Hour)
	stash := filepath.Join(tmp, "new")
	if err := os.MkdirAll(filepath.Join(content, "baru"), 0o755); err != nil {
		b.Fatal(err)
	}
	if err := os.MkdirAll(stash, 0o755); err != nil {
		b.Fatal(err)
	}
	var added []string // names below content/baru and stash
	for range 50 {
		a := gen.Next()
		name := filepath.Base(a.File)
		if err := os.WriteFile(filepath.Join(stash, name), []byte(a.Markdown()), 0o644); err != nil {
			b.Fatal(err)
		}
		added = append(added, name)
	}
	move := func(from, to string) {
		for _, name := range added {
			if err := os.Rename(filepath.Join(from, name), filepath.Join(to, name)); err != nil {
				b.Fatal(err)
			}
		}
	}
	jobs := []func(){
		func() {
			fresh(b, oursOut)
			r := timed(b, bin, nil, "build", "--site", siteDir, "--out", oursOut, "--future", "--fresh")
			checkOurs("ours", r, n)
			ours = append(ours, r)
			syscall.Sync()
			// New processes that go on from the state the last saved:
			// nothing changed, then fifty new articles.
			r = timed(b, bin, nil, "build", "--site", siteDir, "--out", oursOut, "--future")
			checkOurs("ours with nothing changed", r, n)
			b.Logf("nothing changed: %s", r.stdout)
			again = append(again, r)
			move(stash, filepath.Join(content, "baru"))
			syscall.Sync()
			r = timed(b, bin, nil, "build", "--site", siteDir, "--out", oursOut, "--future")
			checkOurs("ours with fifty new articles", r, n+len(added))
			b.Logf("fifty new: %s", r.stdout)
			news = append(news, r)
			move(filepath.Join(content, "baru"), stash)
			os.RemoveAll(oursOut)
		},
		func() {
			if withHugo {
				hugos = append(hugos, runHugo(hugoDir, hugoOut, "--minify"))
			}
		},
		func() {
			if withHugo {
				lights = append(lights, runHugo(lightDir, lightOut))
			}
		},
		func() {
			syscall.Sync()
			r := timed(b, os.Args[0], []string{floorEnv + "=" + content}, "-test.run=^$")
			if want := fmt.Sprintf("converted %d articles\n", n); r.stdout != want {
				b.Fatalf("floor: want %q, got %q", want, r.stdout)
			}
			floors = append(floors, r)
		},
	}
	for b.Loop() {
		for round := range rounds {
			for i := range jobs {
				jobs[(i+round)%len(jobs)]()
			}
		}
	}

	om, hm, fm := median(ours), median(hugos), median(floors)
	b.ReportMetric(om.Seconds(), "ours-median-s")
	b.ReportMetric(median(again).Seconds(), "ours-unchanged-median-s")
	b.ReportMetric(median(news).Seconds(), "ours-50-new-median-s")
	b.ReportMetric(median(again).Seconds()/om.Seconds(), "unchanged/full")
	b.ReportMetric(median(news).Seconds()/om.Seconds(), "50-new/full")
	b.ReportMetric(fm.Seconds(), "floor-median-s")
	b.ReportMetric(om.Seconds()/fm.Seconds(), "ours/floor")
	b.ReportMetric(peakMB(ours), "ours-peak-MB")
	b.ReportMetric(peakMB(again), "ours-unchanged-peak-MB")
	b.ReportMetric(peakMB(news), "ours-50-new-peak-MB")
	b.ReportMetric(peakMB(floors), "floor-peak-MB")
	if withHugo {
		lm := median(lights)
		b.ReportMetric(hm.Seconds(), "hugo-median-s")
		b.ReportMetric(om.Seconds()/hm.Seconds(), "ours/hugo")
		b.ReportMetric(peakMB(hugos), "hugo-peak-MB")
		b.ReportMetric(peakMB(ours)/peakMB(hugos), "rss-ours/hugo")
		b.ReportMetric(lm.Seconds(), "hugo-light-median-s")
		b.ReportMetric(om.Seconds()/lm.Seconds(), "ours/hugo-light")
		b.ReportMetric(peakMB(lights), "hugo-light-peak-MB")
	}

	var t strings.Builder
	fmt.Fprintf(&t, "%d articles, %d rounds, output in %s\n", n, rounds, base)
	fmt.Fprintf(&t, "%-12s %9s %9s  %s\n", "", "median", "peak RSS", "each run (wall s / peak MB)")
	for _, row := range []struct {
		name string
		runs []proc
	}{{"ours", ours}, {"unchanged", again}, {"50 new", news}, {"hugo", hugos}, {"hugo light", lights}, {"floor", floors}} {
		if len(row.runs) == 0 {
			continue
		}
		fmt.Fprintf(&t, "%-12s %8.2fs %7.0fMB ", row.name, median(row.runs).Seconds(), peakMB(row.runs))
		for _, r := range row.runs {
			fmt.Fprintf(&t, " %.2f/%.0f", r.wall.Seconds(), float64(r.rssKiB)/1024)
		}
		t.WriteString("\n")
	}
	fmt.Fprintf(&t, "ours/floor %.2f, unchanged/full %.3f, 50 new/full %.3f", om.Seconds()/fm.Seconds(), median(again).Seconds()/om.Seconds(), median(news).Seconds()/om.Seconds())
	if withHugo {
		fmt.Fprintf(&t, ", ours/hugo %.3f (RSS %.2f), ours/hugo-light %.3f (RSS %.2f)", om.Seconds()/hm.Seconds(), peakMB(ours)/peakMB(hugos),
			om.Seconds()/median(lights).Seconds(), peakMB(ours)/peakMB(lights))
	}
	t.WriteString("\n")
	b.Logf("\n%s", t.String())
}

// proc is one timed process.
type proc struct {
	wall   time.Duration
	rssKiB int64 // peak resident memory; Linux counts it in KiB
	stdout string
}

// buildKabar builds the command into dir, so that benchmarks time the
// real command line.
func buildKabar(b *testing.B, dir string) string {
	b.Helper()
	bin := filepath.Join(dir, "kabar")
	goCmd, err := exec.LookPath("go")
	if err != nil {
		b.Fatal(err)
	}
	if out, err := exec.Command(goCmd, "build", "-o", bin, "../cmd/kabar").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// timed runs a command to its end and measures it.
func timed(b *testing.B, name string, env []string, args ...string) proc {
	b.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	t0 := time.Now()
	err := cmd.Run()
	wall := time.Since(t0)
	if err != nil {
		b.Fatalf("%s %s: %v\n%s%s", filepath.Base(name), strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	return proc{wall: wall, rssKiB: cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss, stdout: stdout.String()}
}

// fresh removes an output folder left by a run, and writes what the
// removal left dirty, so neither is timed with the next run.
func fresh(b *testing.B, dir string) {
	if err := os.RemoveAll(dir); err != nil {
		b.Fatal(err)
	}
	syscall.Sync()
}

func median(runs []proc) time.Duration {
	if len(runs) == 0 {
		return 0
	}
	w := make([]time.Duration, len(runs))
	for i, r := range runs {
		w[i] = r.wall
	}
	slices.Sort(w)
	return w[len(w)/2]
}

func peakMB(runs []proc) float64 {
	var m int64
	for _, r := range runs {
		m = max(m, r.rssKiB)
	}
	return float64(m) / 1024
}

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

// floorEnv, in the environment of this test binary, names a content
// folder: the binary then converts it (goldmarkFloor) instead of testing.
const floorEnv = "DIGEST_GOLDMARK_FLOOR"

func TestMain(m *testing.M) {
	if dir := os.Getenv(floorEnv); dir != "" {
		os.Exit(goldmarkFloor(dir))
	}
	done := testsite.TempImageCache() // not the user's cache
	code := m.Run()
	done()
	os.Exit(code)
}

// goldmarkFloor reads every article below dir, cuts off its front matter
// and converts the body with the build's converter on every core,
// discarding the HTML: no build of the same articles can take less.
func goldmarkFloor(dir string) int {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400) // as the command does
	}
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".md") {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	md := markdown.New(false)
	var next atomic.Int64
	var failed atomic.Bool
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= len(files) {
					return
				}
				src, err := os.ReadFile(files[i])
				if err == nil {
					_, err = md.Convert(articleBody(src))
				}
				if err != nil {
					fmt.Fprintf(os.Stderr, "%s: %v\n", files[i], err)
					failed.Store(true)
				}
			}
		})
	}
	wg.Wait()
	if failed.Load() {
		return 1
	}
	fmt.Printf("converted %d articles\n", len(files))
	return 0
}

// articleBody is src without its front matter ("---" lines around it).
func articleBody(src []byte) []byte {
	rest, ok := bytes.CutPrefix(src, []byte("---\n"))
	if !ok {
		return src
	}
	if i := bytes.Index(rest, []byte("\n---\n")); i >= 0 {
		return rest[i+len("\n---\n"):]
	}
	return src
}
