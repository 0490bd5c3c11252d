package main

import (
	"bufio"
	"context"
	"fmt"
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

	"newsdigest/generator/internal/testsite"
)

// The latency benchmarks edit one article of a generated site 20 times
// and time each edit, from the file being written to the article's page
// on disk showing it, and (for serve) to the reload event reaching a
// browser. Each runs once; the site has 10,000 articles unless
// LATENCY_ARTICLES says otherwise:
//
//	go test -run XXX -bench Latency -benchtime 1x ./generator/
//
// BenchmarkHugoLatency times Hugo (Debian's hugo package) on the same
// articles, with a theme of the same page kinds, for comparison.

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

func BenchmarkPreviewLatency(b *testing.B) {
	dir := b.TempDir()
	list, err := testsite.Write(dir, latencyArticles(), 1)
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stdout := &syncBuffer{}
	ready := make(chan string, 1)
	done := make(chan int, 1)
	start := time.Now()
	go func() {
		done <- live(ctx, liveOptions{site: siteFlags{site: dir}, serve: true, addr: "127.0.0.1:0", reload: true},
			func(url string) { ready <- url }, stdout, stdout)
	}()
	var url string
	select {
	case url = <-ready:
	case <-done:
		b.Fatalf("serve exited: %s", stdout)
	}
	full := time.Since(start)
	out := regexp.MustCompile(`built .*: (\S+)\n`).FindStringSubmatch(stdout.String())[1]
	root := strings.TrimSuffix(url, "uji/")

	// A browser's event stream, each reload stamped on arrival.
	resp, err := http.Get(root + "_digest/events")
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
		var disk, event []time.Duration
		edits(b, dir, list, func(a testsite.Article, word string, t0 time.Time) {
			onDisk := waitFile(b, filepath.Join(out, pageOf(a, a.File)), word)
			select {
			case at := <-reloads:
				event = append(event, at.Sub(t0))
			case <-time.After(2 * time.Minute):
				b.Fatal("no reload event")
			}
			disk = append(disk, onDisk.Sub(t0))
		})
		report(b, "disk", disk)
		report(b, "event", event)
	}
	b.ReportMetric(full.Seconds(), "first-build-s")
	cancel()
	<-done
}

// hugoTheme is a theme for Hugo with the page kinds of ours: articles
// with tags, related articles and neighbours; paginated front page,
// sections and tags; feeds.
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
<link rel="stylesheet" href="{{"css/style.css" | relURL}}"></head><body>
<header><a href="{{"/" | relURL}}">{{.Site.Title}}</a><nav>{{range .Site.Sections}}<a href="{{.RelPermalink}}">{{.Title}}</a> {{end}}</nav></header>
<main>{{block "main" .}}{{end}}</main><footer>{{.Site.Title}}</footer></body></html>`,
	"layouts/_default/single.html": `{{define "main"}}<article><h1>{{.Title}}</h1><time>{{.Date.Format "2 January 2006 15.04"}}</time>
<div class="body">{{.Content}}</div>
<ul class="tags">{{range .GetTerms "tags"}}<li><a href="{{.RelPermalink}}">{{.LinkTitle}}</a></li>{{end}}</ul>
{{with .Site.RegularPages.Related . | first 4}}<ul class="related">{{range .}}<li><a href="{{.RelPermalink}}">{{.Title}}</a></li>{{end}}</ul>{{end}}
<nav>{{with .PrevInSection}}<a href="{{.RelPermalink}}">{{.Title}}</a>{{end}} {{with .NextInSection}}<a href="{{.RelPermalink}}">{{.Title}}</a>{{end}}</nav>
</article>{{end}}`,
	"layouts/_default/list.html": `{{define "main"}}<h1>{{.Title}}</h1>{{$p := .Paginate .Pages}}{{range $p.Pages}}
<article class="card"><h3><a href="{{.RelPermalink}}">{{.Title}}</a></h3><p>{{.Summary | plainify | truncate 280}}</p></article>{{end}}
{{template "_internal/pagination.html" .}}{{end}}`,
	"layouts/index.html": `{{define "main"}}<h1>{{.Site.Title}}</h1>{{$p := .Paginate .Site.RegularPages}}{{range $p.Pages}}
<article class="card"><h3><a href="{{.RelPermalink}}">{{.Title}}</a></h3><p>{{.Summary | plainify | truncate 280}}</p></article>{{end}}
{{template "_internal/pagination.html" .}}{{end}}`,
	"layouts/_default/terms.html": `{{define "main"}}<h1>{{.Title}}</h1><ul>{{range .Data.Terms.Alphabetical}}<li><a href="{{.Page.RelPermalink}}">{{.Page.Title}}</a> ({{.Count}})</li>{{end}}</ul>{{end}}`,
	"static/css/style.css":        "body { margin: 0 }\n",
}

// writeHugoTheme writes hugoTheme into dir, making it a Hugo site of the
// articles in dir/content (or in the folder given with --contentDir).
func writeHugoTheme(b *testing.B, dir string) {
	b.Helper()
	for name, data := range hugoTheme {
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
	args := []string{"server", "--source", dir, "--destination", out, "--renderToDisk", "--port", port, "--bind", "127.0.0.1"}
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
