package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kabar-news/kabar"
	"github.com/kabar-news/kabar/generator/internal/testsite"
	"github.com/kabar-news/kabar/generator/site"
)

// The latency benchmarks edit articles of a generated site and time each
// edit, from the file being written to the change showing. Each runs
// once; the site has 10,000 articles unless LATENCY_ARTICLES says
// otherwise:
//
//	go test -run XXX -bench Latency -benchtime 1x ./generator/
//
// BenchmarkPreviewLatency reads serve's pages over HTTP, as a browser
// does, and not from its output folder, which serve need not have.
// BenchmarkHugoLatency times Hugo (Debian's hugo package) on the same
// articles, with a theme of the same page kinds, for comparison; it reads
// Hugo's output on disk.

func latencyArticles() int { return envInt("LATENCY_ARTICLES", 10000) }

// waitFile polls until the file holds want, and returns when it did.
func waitFile(b *testing.B, path, want string) time.Time {
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		if data, err := os.ReadFile(path); err == nil && strings.Contains(string(data), want) {
			return time.Now()
		}
		time.Sleep(time.Millisecond)
	}
	b.Fatalf("%s never showed %q", path, want)
	return time.Time{}
}

func report(b *testing.B, name string, times []time.Duration) {
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, name+"-median-ms")
	b.ReportMetric(float64(times[len(times)-1].Microseconds())/1000, name+"-worst-ms")
}

// edits makes the 20 edits: each adds a new word to an article's body.
func edits(b *testing.B, dir string, list []testsite.Article, each func(a testsite.Article, word string, written time.Time)) {
	for i := range 20 {
		a := list[(i*7919+13)%len(list)]
		word := fmt.Sprintf("Suntingan%dKe%d", time.Now().UnixNano()%100000, i)
		a.Body = word + " ditambahkan.\n\n" + a.Body
		p := filepath.Join(dir, "content", filepath.FromSlash(a.File))
		t0 := time.Now()
		if err := os.WriteFile(p, []byte(a.Markdown()), 0o644); err != nil {
			b.Fatal(err)
		}
		each(a, word, t0)
		time.Sleep(200 * time.Millisecond) // let the machine settle between edits
	}
}

// BenchmarkPreviewLatency runs serve and times, over HTTP:
//   - body: 20 body edits, until the article's page shows the new word;
//     event: until the reload event reaches a browser;
//   - title: 10 title edits of the newest articles, until every page
//     showing the article has the new title: the front page, its day's
//     edition, its section's first page and its own page;
//   - template-page and template-rebuilt: 3 edits of templates/article.html,
//     until an article's page shows the change, and until serve prints
//     that the whole rebuild is done.
func BenchmarkPreviewLatency(b *testing.B) {
	dir := b.TempDir()
	list, err := testsite.Write(dir, latencyArticles(), 1)
	if err != nil {
		b.Fatal(err)
	}
	// The template edits change a copy of the built-in theme.
	if err := os.CopyFS(filepath.Join(dir, "templates"), kabar.Templates()); err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stdout := &syncBuffer{}
	ready := make(chan string, 1)
	done := make(chan int, 1)
	start := time.Now()
	go func() {
		// future: past 16,000 articles the newest are dated after today.
		done <- live(ctx, liveOptions{site: siteFlags{site: dir, future: true}, serve: true, addr: "127.0.0.1:0", reload: true},
			func(url string) { ready <- url }, stdout, stdout)
	}()
	var url string
	select {
	case url = <-ready:
	case <-done:
		b.Fatalf("serve exited: %s", stdout)
	}
	full := time.Since(start)
	root := strings.TrimSuffix(url, "uji/")
	articleURL := func(a testsite.Article) string { return url + strings.TrimSuffix(pageOf(a, a.File), "index.html") }
	if page, err := get(articleURL(list[0])); err != nil || !strings.Contains(page, list[0].Title) {
		b.Fatalf("%s does not show %q: %v", articleURL(list[0]), list[0].Title, err)
	}

	// A browser's event stream, each reload stamped on arrival.
	resp, err := http.Get(root + "_kabar/events")
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	reloads := make(chan time.Time, 100)
	go func() {
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			if sc.Text() == "event: reload" {
				reloads <- time.Now()
			}
		}
	}()
	for b.Loop() {
		var body, event []time.Duration
		edits(b, dir, list, func(a testsite.Article, word string, t0 time.Time) {
			served := waitURLs(b, word, articleURL(a))
			select {
			case at := <-reloads:
				event = append(event, at.Sub(t0))
			case <-time.After(2 * time.Minute):
				b.Fatal("no reload event")
			}
			body = append(body, served.Sub(t0))
		})
		report(b, "body", body)
		report(b, "event", event)
		// Later edits are not timed by their reload events.
		go func() {
			for range reloads {
			}
		}()

		// The newest articles are on the first page of every list they
		// are in: no list of 10 has more than 9 articles newer.
		var title []time.Duration
		for i := range 10 {
			k := len(list) - 1 - i
			a := list[k]
			a.Title = fmt.Sprintf("Judul Baru %d Ke %d", time.Now().UnixNano()%100000, i)
			list[k] = a
			t0 := time.Now()
			if err := os.WriteFile(filepath.Join(dir, "content", filepath.FromSlash(a.File)), []byte(a.Markdown()), 0o644); err != nil {
				b.Fatal(err)
			}
			all := waitURLs(b, a.Title, url, url+a.Date.In(jakarta).Format("2006/01/02/"),
				url+"sections/"+site.TermSlug(a.Section)+"/", articleURL(a))
			title = append(title, all.Sub(t0))
			time.Sleep(200 * time.Millisecond)
		}
		report(b, "title", title)

		// html/template drops HTML comments, so the mark is an element.
		tmplFile := filepath.Join(dir, "templates", "article.html")
		orig, err := os.ReadFile(tmplFile)
		if err != nil {
			b.Fatal(err)
		}
		page := articleURL(list[len(list)/2])
		var tmplPage, tmplRebuilt []time.Duration
		for i := range 3 {
			mark := fmt.Sprintf("Templat%dKe%d", time.Now().UnixNano()%100000, i)
			edited := strings.Replace(string(orig), `{{define "main"}}`, `{{define "main"}}<i hidden data-edit="`+mark+`"></i>`, 1)
			if edited == string(orig) {
				b.Fatal(`templates/article.html has no {{define "main"}} to mark`)
			}
			rebuilds := strings.Count(stdout.String(), "rebuilt in ")
			t0 := time.Now()
			if err := os.WriteFile(tmplFile, []byte(edited), 0o644); err != nil {
				b.Fatal(err)
			}
			// Both are watched at once: either may come first.
			var shown, rebuilt time.Time
			for deadline := t0.Add(2 * time.Minute); shown.IsZero() || rebuilt.IsZero(); time.Sleep(time.Millisecond) {
				if time.Now().After(deadline) {
					b.Fatalf("template edit %d: page shown %v, rebuilt %v\n%s", i, !shown.IsZero(), !rebuilt.IsZero(), stdout)
				}
				if rebuilt.IsZero() && strings.Count(stdout.String(), "rebuilt in ") > rebuilds {
					rebuilt = time.Now()
				}
				if shown.IsZero() {
					if text, err := get(page); err == nil && strings.Contains(text, mark) {
						shown = time.Now()
					}
				}
			}
			tmplPage = append(tmplPage, shown.Sub(t0))
			tmplRebuilt = append(tmplRebuilt, rebuilt.Sub(t0))
			time.Sleep(time.Second) // a whole rebuild leaves more to settle
		}
		report(b, "template-page", tmplPage)
		report(b, "template-rebuilt", tmplRebuilt)
	}
	b.ReportMetric(full.Seconds(), "first-build-s")
	cancel()
	<-done
}

// get fetches a page; anything but 200 OK is an error.
func get(url string) (string, error) {
	resp, err := http.Get(url)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return string(data), err
}

// waitURLs polls the pages, 1 ms apart, until each has shown want, and
// returns when the last did.
func waitURLs(b *testing.B, want string, urls ...string) time.Time {
	b.Helper()
	left := slices.Clone(urls)
	var last time.Time
	for deadline := time.Now().Add(2 * time.Minute); len(left) > 0; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			b.Fatalf("never showed %q: %s", want, strings.Join(left, " "))
		}
		left = slices.DeleteFunc(left, func(u string) bool {
			page, err := get(u)
			if err != nil || !strings.Contains(page, want) {
				return false
			}
			last = time.Now()
			return true
		})
	}
	return last
}

// hugoTheme is a theme for Hugo that does the work per page ours does:
// the page kinds of ours, articles with tags, related articles and
// neighbours, Open Graph tags; paginated front page, sections and tags;
// a feed for the site, each section and each term. (The comparison also
// runs it with --minify, as our build minifies.)
var hugoTheme = map[string]string{
	"hugo.toml": `baseURL = "https://example.github.io/uji/"
title = "Uji Coba"
languageCode = "id"
paginate = 10
timeZone = "Asia/Jakarta"
[taxonomies]
tag = "tags"
[outputs]
home = ["HTML", "RSS"]
section = ["HTML", "RSS"]
taxonomy = ["HTML"]
term = ["HTML", "RSS"]
`,
	"layouts/_default/baseof.html": `<!DOCTYPE html><html lang="id"><head><meta charset="utf-8"><title>{{.Title}} – {{.Site.Title}}</title>
{{template "_internal/opengraph.html" .}}<link rel="stylesheet" href="{{"css/style.css" | relURL}}"></head><body>
<header><a href="{{"/" | relURL}}">{{.Site.Title}}</a><nav>{{range .Site.Sections}}<a href="{{.RelPermalink}}">{{.Title}}</a> {{end}}</nav></header>
<main>{{block "main" .}}{{end}}</main><footer>{{.Site.Title}}</footer></body></html>`,
	"layouts/_default/single.html": `{{define "main"}}<article><h1>{{.Title}}</h1><time>{{.Date.Format "2 January 2006 15.04"}}</time>
<div class="body">{{.Content}}</div>
<ul class="tags">{{range .GetTerms "tags"}}<li><a href="{{.RelPermalink}}">{{.LinkTitle}}</a></li>{{end}}</ul>
{{with .Site.RegularPages.Related . | first 4}}<ul class="related">{{range .}}<li><a href="{{.RelPermalink}}">{{.Title}}</a></li>{{end}}</ul>{{end}}
<nav>{{with .PrevInSection}}<a href="{{.RelPermalink}}">{{.Title}}</a>{{end}} {{with .NextInSection}}<a href="{{.RelPermalink}}">{{.Title}}</a>{{end}}</nav>
</article>{{end}}`,
	"layouts/_default/list.html": `{{define "main"}}<h1>{{.Title}}</h1>{{$p := .Paginate .Pages}}{{range $p.Pages}}
<article class="card"><h3><a href="{{.RelPermalink}}">{{.Title}}</a></h3><p>{{.Summary | plainify | truncate 160}}</p></article>{{end}}
{{template "_internal/pagination.html" .}}{{end}}`,
	"layouts/index.html": `{{define "main"}}<h1>{{.Site.Title}}</h1>{{$p := .Paginate .Site.RegularPages}}{{range $p.Pages}}
<article class="card"><h3><a href="{{.RelPermalink}}">{{.Title}}</a></h3><p>{{.Summary | plainify | truncate 160}}</p></article>{{end}}
{{template "_internal/pagination.html" .}}{{end}}`,
	"layouts/_default/terms.html": `{{define "main"}}<h1>{{.Title}}</h1><ul>{{range .Data.Terms.Alphabetical}}<li><a href="{{.Page.RelPermalink}}">{{.Page.Title}}</a> ({{.Count}})</li>{{end}}</ul>{{end}}`,
	"static/css/style.css":        "body { margin: 0 }\n",
}

// hugoLightTheme does less per page than ours: the same page kinds and
// pagination, but no related articles, neighbours, Open Graph tags or
// term feeds (and no minifying): what a light Hugo theme does.
var hugoLightTheme = map[string]string{
	// No feed but the site's.
	"hugo.toml": strings.NewReplacer(`section = ["HTML", "RSS"]`, `section = ["HTML"]`, `term = ["HTML", "RSS"]`, `term = ["HTML"]`).Replace(hugoTheme["hugo.toml"]),
	"layouts/_default/baseof.html": `<!DOCTYPE html><html lang="id"><head><meta charset="utf-8"><title>{{.Title}} – {{.Site.Title}}</title>
<link rel="stylesheet" href="{{"css/style.css" | relURL}}"></head><body>
<header><a href="{{"/" | relURL}}">{{.Site.Title}}</a></header>
<main>{{block "main" .}}{{end}}</main></body></html>`,
	"layouts/_default/single.html": `{{define "main"}}<article><h1>{{.Title}}</h1><time>{{.Date.Format "2 January 2006"}}</time>
<div class="body">{{.Content}}</div></article>{{end}}`,
	"layouts/_default/list.html":  hugoTheme["layouts/_default/list.html"],
	"layouts/index.html":          hugoTheme["layouts/index.html"],
	"layouts/_default/terms.html": hugoTheme["layouts/_default/terms.html"],
	"static/css/style.css":        hugoTheme["static/css/style.css"],
}

// writeHugoTheme writes hugoTheme into dir, making it a Hugo site of the
// articles in dir/content (or in the folder given with --contentDir).
func writeHugoTheme(b *testing.B, dir string) { writeTheme(b, dir, hugoTheme) }

// writeTheme writes the files of a Hugo theme into dir.
func writeTheme(b *testing.B, dir string, theme map[string]string) {
	b.Helper()
	for name, data := range theme {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkHugoLatency runs hugo server on the same generated articles,
// rendering to disk, and times each edit until the article's page on disk
// shows it. HUGO_FAST=1 keeps Hugo's fast render mode, in which only
// pages a browser has open are rendered again, so lists go stale; by
// default every page is rendered, as ours are kept right.
func BenchmarkHugoLatency(b *testing.B) {
	hugo, err := exec.LookPath("hugo")
	if err != nil {
		b.Fatalf("hugo is needed for this comparison: install it with: apt-get install -y hugo (%v)", err)
	}
	dir := b.TempDir()
	list, err := testsite.Write(dir, latencyArticles(), 1)
	if err != nil {
		b.Fatal(err)
	}
	os.Remove(filepath.Join(dir, "site.yaml"))
	writeHugoTheme(b, dir)
	out := filepath.Join(b.TempDir(), "public")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	ln.Close()
	args := []string{"server", "--source", dir, "--destination", out, "--renderToDisk", "--port", port, "--bind", "127.0.0.1", "--buildFuture"}
	if os.Getenv("HUGO_FAST") != "1" {
		args = append(args, "--disableFastRender")
	}
	cmd := exec.Command(hugo, args...)
	log := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = log, log
	start := time.Now()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
	}()
	for !strings.Contains(log.String(), "Web Server is available") {
		if time.Since(start) > 10*time.Minute {
			b.Fatalf("hugo did not start:\n%s", log)
		}
		time.Sleep(10 * time.Millisecond)
	}
	full := time.Since(start)
	// Hugo's page URLs: /section/file-name/.
	pageOfHugo := func(a testsite.Article) string {
		return filepath.Join(out, strings.TrimSuffix(filepath.FromSlash(a.File), ".md"), "index.html")
	}
	if _, err := os.Stat(pageOfHugo(list[0])); err != nil {
		b.Fatalf("hugo's output has no %s: %v", pageOfHugo(list[0]), err)
	}
	for b.Loop() {
		var disk []time.Duration
		edits(b, dir, list, func(a testsite.Article, word string, t0 time.Time) {
			disk = append(disk, waitFile(b, pageOfHugo(a), word).Sub(t0))
		})
		report(b, "disk", disk)
	}
	b.ReportMetric(full.Seconds(), "first-build-s")
	totals := regexp.MustCompile(`Total in (\d+) ms`).FindAllStringSubmatch(log.String(), -1)
	if len(totals) > 1 {
		var ms []time.Duration
		for _, m := range totals[1:] {
			n, _ := strconv.Atoi(m[1])
			ms = append(ms, time.Duration(n)*time.Millisecond)
		}
		report(b, "hugo-reported", ms)
	}
}
