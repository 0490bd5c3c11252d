package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/kabar-news/kabar/generator/internal/testsite"
	"github.com/kabar-news/kabar/generator/search"
)

// BenchmarkSearch measures the search index on a generated site, and
// Pagefind (npm's pagefind, run by npx) on the same built pages:
//
//   - the time a full build takes with the index and without it
//     (search: false), the medians of SEARCH_ROUNDS builds each;
//   - the index's size on disk and its number of files;
//   - in headless Chromium, with the browser's cache off, the bytes the
//     server sends for one two-word query (index files, and the scripts
//     apart) until its first page of results is shown, the median of
//     seven queries;
//   - warm, the time from the last keystroke of a query to its results
//     painted, median and worst.
//
// Pagefind indexes the article pages only (its --glob), and its query is
// pagefind.search followed by the data of as many results as our page
// shows (20).
//
//	go test -run XXX -bench Search -benchtime 1x ./generator/cli/
//
// Environment: SEARCH_ARTICLES (default 10000), SEARCH_ROUNDS (default
// 3), SEARCH_OUT (default /dev/shm), SEARCH_PAGEFIND=0 to leave it out.
func BenchmarkSearch(b *testing.B) {
	n := envInt("SEARCH_ARTICLES", 10000)
	rounds := envInt("SEARCH_ROUNDS", 3)
	tmp := b.TempDir()
	siteDir := filepath.Join(tmp, "site")
	if _, err := testsite.Write(siteDir, n, 1); err != nil {
		b.Fatal(err)
	}
	bin := buildKabar(b, tmp)
	outBase := os.Getenv("SEARCH_OUT")
	if outBase == "" {
		outBase = "/dev/shm"
	}
	outBase, err := os.MkdirTemp(outBase, "kabar-search-")
	if err != nil {
		b.Fatal(err)
	}
	defer os.RemoveAll(outBase)
	config := filepath.Join(siteDir, "site.yaml")
	cfg, err := os.ReadFile(config)
	if err != nil {
		b.Fatal(err)
	}

	// Builds with and without the index, in turn.
	var with, without []proc
	out := filepath.Join(outBase, "public")
	for r := range rounds {
		for k := range 2 {
			on := (r+k)%2 == 0
			extra := "search: false\n"
			if on {
				extra = ""
			}
			if err := os.WriteFile(config, append(slices.Clip(cfg), extra...), 0o644); err != nil {
				b.Fatal(err)
			}
			fresh(b, out)
			p := timed(b, bin, nil, "build", "--site", siteDir, "--out", out, "--future")
			if on {
				with = append(with, p)
			} else {
				without = append(without, p)
			}
		}
	}
	if err := os.WriteFile(config, cfg, 0o644); err != nil {
		b.Fatal(err)
	}
	fresh(b, out)
	timed(b, bin, nil, "build", "--site", siteDir, "--out", out, "--future")
	ours := folderSize(b, filepath.Join(out, "search"), func(name string) bool { return name != "index.html" })
	overhead := median(with).Seconds()/median(without).Seconds() - 1

	// Pagefind, on a copy of the same pages.
	var pf folderStats
	var pfTime time.Duration
	withPagefind := os.Getenv("SEARCH_PAGEFIND") != "0"
	if withPagefind {
		npm, err := exec.LookPath("npm")
		if err != nil {
			b.Fatalf("npm (Node.js) is needed to run Pagefind: apt-get install -y nodejs npm, or SEARCH_PAGEFIND=0 (%v)", err)
		}
		// Installed first, so that its download is not timed; then run
		// as npx runs an installed package.
		prefix := filepath.Join(tmp, "npm")
		timed(b, npm, nil, "install", "--prefix", prefix, "--no-audit", "--no-fund", "pagefind@1.6.0")
		var runs []proc
		for range rounds {
			os.RemoveAll(filepath.Join(out, "pagefind"))
			runs = append(runs, timed(b, "npx", []string{"npm_config_yes=true"}, "--prefix", prefix, "pagefind", "--site", out, "--glob", "2*/*/*/*/index.html"))
		}
		pfTime = median(runs)
		pf = folderSize(b, filepath.Join(out, "pagefind"), func(string) bool { return true })
	}

	// The browser.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	// The server counts the bytes it sends: Pagefind fetches its index
	// from a web worker, whose requests the page's timeline does not see.
	var served sync.Map // path -> *atomic.Int64
	files := http.StripPrefix("/uji", http.FileServer(http.Dir(out)))
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := served.LoadOrStore(r.URL.Path, new(atomic.Int64))
		files.ServeHTTP(countingWriter{w, n.(*atomic.Int64)}, r)
	})}
	// sent adds up, and forgets, the bytes sent of paths below dir,
	// scripts apart.
	sent := func(dir string) (index, js float64) {
		served.Range(func(k, v any) bool {
			p := k.(string)
			if !strings.HasPrefix(p, dir) {
				return true
			}
			served.Delete(k)
			switch {
			case strings.HasSuffix(p, "/"): // a page
			case strings.HasSuffix(p, ".js"):
				js += float64(v.(*atomic.Int64).Load())
			default:
				index += float64(v.(*atomic.Int64).Load())
			}
			return true
		})
		return index, js
	}
	go srv.Serve(ln)
	defer srv.Close()
	site := "http://" + ln.Addr().String() + "/uji/"
	ctx := newBrowser(b)
	do := func(actions ...chromedp.Action[chromedp.Void]) {
		b.Helper()
		c, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		if err := chromedp.Do(c, actions...); err != nil {
			b.Fatal(err)
		}
	}
	eval := func(expr string, v any) {
		b.Helper()
		c, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		res, err := chromedp.Run(c, chromedp.Evaluate[[]byte](expr, chromedp.EvalAwaitPromise))
		if err == nil {
			err = json.Unmarshal(res, v)
		}
		if err != nil {
			b.Fatalf("%s: %v", expr, err)
		}
	}
	// Every query is cold: nothing comes from the browser's cache.
	do(chromedp.Navigate(site))
	for _, err := range []error{
		call(ctx, network.Enable, network.EnableParams{}),
		call(ctx, network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: true}),
	} {
		if err != nil {
			b.Fatal(err)
		}
	}

	r := rand.New(rand.NewPCG(7, 7))
	vocab := strings.Fields(testsite.New(3).Words(2000))
	var queries []string
	for len(queries) < 7 {
		q := vocab[r.IntN(len(vocab))] + " " + vocab[r.IntN(len(vocab))]
		if ws := strings.Fields(q); ws[0] != ws[1] && !search.IsStopWord(ws[0]) && !search.IsStopWord(ws[1]) {
			queries = append(queries, q)
		}
	}
	var oursBytes, oursJS, pfBytes, pfJS []float64
	var latencies []float64
	for _, q := range queries {
		sent("/")
		do(chromedp.Navigate(site + "search/?q=" + strings.ReplaceAll(q, " ", "+")))
		var count float64
		eval(`new Promise(ok => { const f = () => document.querySelectorAll("#search-results li").length ? ok(document.querySelectorAll("#search-results li").length) : setTimeout(f, 5); f() })`, &count)
		idx, _ := sent("/uji/search/")
		_, js := sent("/uji/js/")
		oursBytes, oursJS = append(oursBytes, idx), append(oursJS, js)

		// Warm: the same query again, its last letter typed last.
		var ms float64
		eval(`new Promise(ok => {
			const q = document.getElementById("search-q"), form = document.getElementById("search-form");
			q.value = `+jsString(q[:len(q)-1])+`; q.dispatchEvent(new Event("input"));
			form.addEventListener("kabar:results", function first() {
				form.removeEventListener("kabar:results", first);
				const t0 = performance.now();
				q.value = `+jsString(q)+`; q.dispatchEvent(new Event("input"));
				form.addEventListener("kabar:results", function done() {
					form.removeEventListener("kabar:results", done);
					requestAnimationFrame(() => setTimeout(() => ok(performance.now() - t0)));
				});
			});
		})`, &ms)
		latencies = append(latencies, ms)

		if withPagefind {
			do(chromedp.Navigate(site + "404.html"))
			sent("/")
			var found float64
			eval(`(async () => {
				const pf = await import("/uji/pagefind/pagefind.js");
				await pf.init();
				const r = await pf.search(`+jsString(q)+`);
				await Promise.all(r.results.slice(0, 20).map(x => x.data()));
				return r.results.length;
			})()`, &found)
			if found == 0 {
				b.Fatalf("Pagefind found nothing for %q", q)
			}
			idx, js := sent("/uji/pagefind/")
			pfBytes, pfJS = append(pfBytes, idx), append(pfJS, js)
		}
	}

	med := func(v []float64) float64 {
		s := slices.Clone(v)
		slices.Sort(s)
		return s[len(s)/2]
	}
	b.ReportMetric(med(oursBytes)/1000, "query-kB")
	b.ReportMetric(med(latencies), "keystroke-ms")
	b.ReportMetric(float64(ours.bytes)/1e6, "index-MB")
	b.ReportMetric(float64(ours.files), "index-files")
	b.ReportMetric(overhead*100, "build-overhead-%")
	var t strings.Builder
	fmt.Fprintf(&t, "\n%d articles; queries: %s\n", n, strings.Join(queries, ", "))
	fmt.Fprintf(&t, "%-10s %12s %12s %8s %14s %12s %14s\n", "", "build", "index", "files", "query (index)", "query (JS)", "keystroke")
	fmt.Fprintf(&t, "%-10s %11.2fs %10.2fMB %8d %12.1fkB %10.1fkB %7.1fms (worst %.1f)\n", "kabar",
		median(with).Seconds()-median(without).Seconds(), float64(ours.bytes)/1e6, ours.files, med(oursBytes)/1000, med(oursJS)/1000, med(latencies), slices.Max(latencies))
	fmt.Fprintf(&t, "%-10s build with the index %.2fs, without %.2fs: +%.1f%%\n", "", median(with).Seconds(), median(without).Seconds(), overhead*100)
	if withPagefind {
		fmt.Fprintf(&t, "%-10s %11.2fs %10.2fMB %8d %12.1fkB %10.1fkB\n", "pagefind", pfTime.Seconds(), float64(pf.bytes)/1e6, pf.files, med(pfBytes)/1000, med(pfJS)/1000)
	}
	b.Log(t.String())
}

func call[P any](ctx context.Context, cmd cdp.Command[P, cdp.Empty], params P) error {
	_, err := chromedp.Call(ctx, cmd, params)
	return err
}

// countingWriter counts the bytes of the bodies it writes.
type countingWriter struct {
	http.ResponseWriter
	n *atomic.Int64
}

func (w countingWriter) Write(p []byte) (int, error) {
	n, err := w.ResponseWriter.Write(p)
	w.n.Add(int64(n))
	return n, err
}

type folderStats struct {
	bytes int64
	files int
}

// folderSize adds up the files below dir whose names keep says to count.
func folderSize(b *testing.B, dir string, keep func(name string) bool) folderStats {
	var st folderStats
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !keep(d.Name()) {
			return err
		}
		info, err := d.Info()
		if err == nil {
			st.bytes += info.Size()
			st.files++
		}
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	return st
}
