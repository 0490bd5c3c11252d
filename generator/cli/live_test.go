package cli

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/kabar-news/kabar/generator/internal/testsite"
)

// These tests run watch and serve as a user would, on a generated site in
// a temporary folder, change its files the ways editors and tools do, and
// check the output folder, the served pages and the reload events.

const (
	livePatience = 20 * time.Second
	liveDebounce = 200 * time.Millisecond
)

// syncBuffer is an output the command and the test share.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

type liveRun struct {
	t              *testing.T
	dir, out, url  string
	articles       []testsite.Article
	stdout, stderr *syncBuffer
	cancel         func()
	code           chan int
	builds         chan liveBuild // each build, as it ends
	probes         int
	// events, when set, is a browser's event stream: a probe's rebuild
	// that fails sends one more "failed" event, which oneRebuild takes.
	events *events
}

// liveBuild is one build of a live run: the paths it was for, and whether
// it failed.
type liveBuild struct {
	paths  []string
	failed bool
}

// startLive writes a site of n articles and runs watch (or serve) on it.
func startLive(t *testing.T, n int, serve bool) *liveRun {
	t.Helper()
	dir := t.TempDir()
	list, err := testsite.Write(dir, n, 7)
	if err != nil {
		t.Fatal(err)
	}
	r := &liveRun{t: t, dir: dir, articles: list, stdout: &syncBuffer{}, stderr: &syncBuffer{}, code: make(chan int, 1), builds: make(chan liveBuild, 100)}
	o := liveOptions{site: siteFlags{site: dir}, serve: serve, addr: "127.0.0.1:0", reload: true, debounce: liveDebounce,
		rebuilt: func(paths []string, failed bool) { r.builds <- liveBuild{paths, failed} }}
	if !serve {
		r.out = filepath.Join(t.TempDir(), "public")
		o.site.out = r.out
	}
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	ready := make(chan string, 1)
	go func() { r.code <- live(ctx, o, func(url string) { ready <- url }, r.stdout, r.stderr) }()
	select {
	case r.url = <-ready:
	case code := <-r.code:
		t.Fatalf("exited with %d before watching:\n%s%s", code, r.stdout, r.stderr)
	case <-time.After(livePatience):
		t.Fatal("did not start")
	}
	if first := <-r.builds; first.paths != nil || first.failed {
		t.Fatalf("the first build was for %v (failed %v), want everything", first.paths, first.failed)
	}
	if serve {
		m := regexp.MustCompile(`built .*: (\S+)\n`).FindStringSubmatch(r.stdout.String())
		if m == nil {
			t.Fatalf("no first build: %s%s", r.stdout, r.stderr)
		}
		r.out = m[1]
	}
	t.Cleanup(func() { r.stop() })
	return r
}

// stop ends the command and returns its exit status.
func (r *liveRun) stop() int {
	r.cancel()
	select {
	case code := <-r.code:
		r.code <- code
		return code
	case <-time.After(livePatience):
		r.t.Fatal("did not stop")
	}
	return -1
}

func (r *liveRun) path(rel string) string { return filepath.Join(r.dir, filepath.FromSlash(rel)) }

func (r *liveRun) write(rel, data string) {
	r.t.Helper()
	os.MkdirAll(filepath.Dir(r.path(rel)), 0o755)
	if err := os.WriteFile(r.path(rel), []byte(data), 0o644); err != nil {
		r.t.Fatal(err)
	}
}

// nextBuild waits for the next build to end.
func (r *liveRun) nextBuild(what string) liveBuild {
	r.t.Helper()
	select {
	case b := <-r.builds:
		return b
	case <-time.After(livePatience):
		r.t.Fatalf("%s: no rebuild\n%s%s", what, r.stdout, r.stderr)
	}
	return liveBuild{}
}

// oneRebuild waits for the next rebuild and checks that no other follows.
// It does not wait to see nothing happen: it changes a probe file, which
// no page shows, and the next rebuild must be the probe's alone. Events
// come in order, so a second rebuild due from the change comes before
// the probe's, or holds the changed paths alongside the probe.
func (r *liveRun) oneRebuild(what string) {
	r.t.Helper()
	r.nextBuild(what)
	r.probes++
	probe := r.path("content/probe.txt")
	r.write("content/probe.txt", fmt.Sprint(r.probes))
	got := r.nextBuild(what + ": the probe")
	if len(got.paths) != 1 || got.paths[0] != probe {
		r.t.Errorf("%s: one more rebuild, for %v, before the probe's\n%s%s", what, got.paths, r.stdout, r.stderr)
	}
	if got.failed && r.events != nil {
		r.events.want("failed")
	}
}

// page returns an output file, or "" if it is missing.
func (r *liveRun) page(name string) string {
	data, err := os.ReadFile(filepath.Join(r.out, filepath.FromSlash(name)))
	if err != nil {
		return ""
	}
	return string(data)
}

var jakarta = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Jakarta")
	if err != nil {
		panic(err)
	}
	return loc
}()

// pageOf is the output file of a generated article named file.
func pageOf(a testsite.Article, file string) string {
	base := strings.TrimSuffix(filepath.Base(file), ".md")
	slug := strings.TrimPrefix(base, a.Date.Format("2006-01-02")+"-")
	return a.Date.In(jakarta).Format("2006/01/02/") + slug + "/index.html"
}

// TestWatchSaves saves an article each way editors do: each save is one
// rebuild, and the article's page shows the new text.
func TestWatchSaves(t *testing.T) {
	r := startLive(t, 12, false)
	a := r.articles[5]
	rel := "content/" + a.File
	page := pageOf(a, a.File)
	if !strings.Contains(r.page(page), a.Title) {
		t.Fatalf("the first build has no page %s", page)
	}
	saves := []struct {
		name string
		save func(text string)
	}{
		{"in place", func(text string) {
			f, err := os.OpenFile(r.path(rel), os.O_WRONLY|os.O_TRUNC, 0)
			if err != nil {
				t.Fatal(err)
			}
			f.WriteString(text[:len(text)/2])
			f.Sync()
			f.WriteString(text[len(text)/2:])
			f.Close()
		}},
		{"vim", func(text string) {
			dir := filepath.Dir(r.path(rel))
			r.write(filepath.Join("content", filepath.Dir(a.File), "."+filepath.Base(a.File)+".swp"), "swap")
			os.WriteFile(filepath.Join(dir, "4913"), nil, 0o644)
			os.Remove(filepath.Join(dir, "4913"))
			os.Rename(r.path(rel), r.path(rel)+"~")
			r.write(rel, text)
			os.Remove(r.path(rel) + "~")
			os.Remove(filepath.Join(dir, "."+filepath.Base(a.File)+".swp"))
		}},
		{"temporary file renamed over", func(text string) {
			r.write(rel+"___jb_tmp___", text)
			os.Rename(r.path(rel), r.path(rel)+"___jb_old___")
			os.Rename(r.path(rel)+"___jb_tmp___", r.path(rel))
			os.Remove(r.path(rel) + "___jb_old___")
		}},
		{"atomic rename of a hidden temp file", func(text string) {
			tmp := filepath.Join(filepath.Dir(r.path(rel)), ".tmp-"+filepath.Base(rel))
			os.WriteFile(tmp, []byte(text), 0o644)
			os.Rename(tmp, r.path(rel))
		}},
		{"delete and recreate", func(text string) {
			os.Remove(r.path(rel))
			r.write(rel, text)
		}},
	}
	for i, s := range saves {
		word := fmt.Sprintf("Kalimat%dBaru", i)
		a.Body = word + " ada di sini.\n\n" + a.Body
		s.save(a.Markdown())
		r.oneRebuild(s.name)
		if got := r.page(page); !strings.Contains(got, word) {
			t.Errorf("%s: the page lacks %s", s.name, word)
		}
	}
}

// TestWatchChanges: folders arriving, deletes, renames, templates, static
// files and the config; each is one rebuild and the output follows.
func TestWatchChanges(t *testing.T) {
	r := startLive(t, 12, false)
	gen := testsite.New(77)
	gen.Start = time.Date(2023, 2, 1, 6, 0, 0, 0, time.UTC)

	// A nested folder made with an article in it at once.
	n1 := gen.Next()
	n1.File = "baru/dalam/sekali/" + filepath.Base(n1.File)
	r.write("content/"+n1.File, n1.Markdown())
	r.oneRebuild("new nested folder")
	if !strings.Contains(r.page(pageOf(n1, n1.File)), n1.Title) {
		t.Errorf("the article in a new nested folder has no page")
	}

	// A folder that arrives full, as from cp -r or a checkout.
	outside := t.TempDir()
	var full []testsite.Article
	for range 20 {
		a := gen.Next()
		a.File = "kiriman/" + filepath.Base(a.File)
		os.MkdirAll(filepath.Join(outside, "kiriman"), 0o755)
		os.WriteFile(filepath.Join(outside, a.File), []byte(a.Markdown()), 0o644)
		full = append(full, a)
	}
	if err := os.Rename(filepath.Join(outside, "kiriman"), r.path("content/kiriman")); err != nil {
		t.Fatal(err)
	}
	r.oneRebuild("a full folder moved in")
	for _, a := range full {
		if !strings.Contains(r.page(pageOf(a, a.File)), a.Title) {
			t.Errorf("%s from the moved-in folder has no page", a.File)
		}
	}

	// Delete.
	gone := r.articles[3]
	os.Remove(r.path("content/" + gone.File))
	r.oneRebuild("delete")
	if r.page(pageOf(gone, gone.File)) != "" {
		t.Errorf("the deleted article's page is still there")
	}
	if strings.Contains(r.page("index.html"), gone.Title) {
		t.Errorf("the front page still lists the deleted article")
	}

	// Rename: the slug comes from the file name.
	moved := r.articles[4]
	newFile := filepath.Dir(moved.File) + "/" + moved.Date.Format("2006-01-02") + "-nama-baru.md"
	os.Rename(r.path("content/"+moved.File), r.path("content/"+newFile))
	r.oneRebuild("rename")
	if r.page(pageOf(moved, moved.File)) != "" || !strings.Contains(r.page(pageOf(moved, newFile)), moved.Title) {
		t.Errorf("after a rename the page is not at its new URL only")
	}

	// Rename a folder: the URLs stay.
	os.Rename(r.path("content/kiriman"), r.path("content/kiriman-lama"))
	r.oneRebuild("rename a folder")
	if !strings.Contains(r.page(pageOf(full[0], full[0].File)), full[0].Title) {
		t.Errorf("after renaming its folder an article lost its page")
	}
	// ... and it is still watched under its new name.
	a := full[1]
	a.Title = "Judul Sesudah Pindah"
	r.write("content/kiriman-lama/"+filepath.Base(a.File), a.Markdown())
	r.oneRebuild("edit in a renamed folder")
	if !strings.Contains(r.page(pageOf(a, a.File)), "Judul Sesudah Pindah") {
		t.Errorf("an edit in the renamed folder did not show")
	}

	// A template of the site's own, then changed.
	r.write("templates/partials/footer.html", `<footer class="site-footer">Catatan kaki satu</footer>`)
	r.oneRebuild("new template")
	if !strings.Contains(r.page("index.html"), "Catatan kaki satu") || !strings.Contains(r.page(pageOf(a, a.File)), "Catatan kaki satu") {
		t.Errorf("the new footer does not show")
	}
	r.write("templates/partials/footer.html", `<footer class="site-footer">Catatan kaki dua</footer>`)
	r.oneRebuild("changed template")
	if !strings.Contains(r.page("tags/index.html"), "Catatan kaki dua") {
		t.Errorf("the changed footer does not show")
	}

	// Static files: changed, added, removed.
	r.write("static/css/style.css", "body { color: #123456 }\n")
	r.oneRebuild("the site's own stylesheet")
	if r.page("css/style.css") != "body{color:#123456}" { // minified, as every stylesheet
		t.Errorf("css/style.css is not the site's: %q", r.page("css/style.css"))
	}
	r.write("static/img/logo.svg", "<svg/>")
	r.oneRebuild("a new static file")
	if r.page("img/logo.svg") != "<svg/>" {
		t.Errorf("img/logo.svg not copied")
	}
	os.RemoveAll(r.path("static/img"))
	r.oneRebuild("static files removed")
	if r.page("img/logo.svg") != "" {
		t.Errorf("img/logo.svg still in the output")
	}

	// The config.
	r.write("site.yaml", "title: Judul Situs Lain\nbase_url: https://example.github.io/uji/\n")
	r.oneRebuild("config")
	if !strings.Contains(r.page("index.html"), "Judul Situs Lain") {
		t.Errorf("the new site title does not show")
	}
	if code := r.stop(); code != 0 {
		t.Errorf("exit %d", code)
	}
	if !strings.HasSuffix(r.stdout.String(), "stopped\n") {
		t.Errorf("stdout does not end with stopped: %s", r.stdout)
	}
}

// events reads a server's event stream.
type events struct {
	t  *testing.T
	r  *bufio.Reader
	ch chan [2]string
}

func listen(t *testing.T, url string) *events {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	e := &events{t: t, r: bufio.NewReader(resp.Body), ch: make(chan [2]string, 100)}
	go func() {
		var name, data string
		for {
			line, err := e.r.ReadString('\n')
			if err != nil {
				close(e.ch)
				return
			}
			line = strings.TrimRight(line, "\n")
			switch {
			case line == "" && name != "":
				e.ch <- [2]string{name, data}
				name, data = "", ""
			case strings.HasPrefix(line, "event: "):
				name = line[len("event: "):]
			case strings.HasPrefix(line, "data: "):
				data += line[len("data: "):]
			}
		}
	}()
	return e
}

func (e *events) want(name string) string {
	e.t.Helper()
	select {
	case ev, ok := <-e.ch:
		if !ok || ev[0] != name {
			e.t.Fatalf("event %q %s; want %q", ev[0], ev[1], name)
		}
		return ev[1]
	case <-time.After(livePatience):
		e.t.Fatalf("no %q event", name)
	}
	return ""
}

func httpGet(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := noFollow.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

var noFollow = &http.Client{
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	Timeout:       livePatience,
}

// TestServe runs serve: the site under its base path, reload events after
// each rebuild, CSS swapped, errors shown and cleared, the server alive
// through bad files, and its temporary folder gone after it stops.
func TestServe(t *testing.T) {
	r := startLive(t, 12, true)
	if !strings.HasSuffix(r.url, "/uji/") || !strings.Contains(r.stdout.String(), "serving "+r.url) {
		t.Fatalf("url %q; stdout %s", r.url, r.stdout)
	}
	root := strings.TrimSuffix(r.url, "uji/")
	if code, _ := httpGet(t, root); code != http.StatusFound {
		t.Errorf("GET / gives %d, want a redirect to the base path", code)
	}
	code, home := httpGet(t, r.url)
	if code != 200 || !strings.Contains(home, "/_kabar/live.js") || !strings.Contains(home, `href="/uji/css/style.css"`) {
		t.Fatalf("GET %s: %d\n%s", r.url, code, home)
	}
	if data, _ := os.ReadFile(filepath.Join(r.out, "index.html")); strings.Contains(string(data), "live.js") {
		t.Error("the reload script was written into the output")
	}
	if _, err := os.Stat(filepath.Join(r.dir, "public")); err == nil {
		t.Error("serve wrote public/")
	}
	ev := listen(t, root+"_kabar/events")
	ev.want("hello")
	r.events = ev

	a := r.articles[2]
	a.Body = "Paragraf pembuka yang baru.\n\n" + a.Body
	r.write("content/"+a.File, a.Markdown())
	ev.want("reload")
	r.oneRebuild("edit")
	if _, body := httpGet(t, r.url+strings.TrimSuffix(pageOf(a, a.File), "index.html")); !strings.Contains(body, "Paragraf pembuka yang baru.") {
		t.Errorf("the served page lacks the edit")
	}

	r.write("static/css/style.css", "body { margin: 0 }\n")
	ev.want("css")
	r.oneRebuild("css")

	// A broken file: the error reaches the browser with file and line;
	// the last good site is still served.
	r.write("content/"+a.File, "---\ntitle: \"tidak ditutup\ndate: 2023-01-01\n---\nteks\n")
	d := ev.want("failed")
	if !strings.Contains(d, `"file":"content/`+a.File+`","line":2`) {
		t.Errorf("failed event: %s", d)
	}
	r.oneRebuild("broken front matter")
	if code, _ := httpGet(t, r.url); code != 200 {
		t.Errorf("while the build is broken, GET %s: %d", r.url, code)
	}
	r.write("templates/article.html", `{{define "main"}}{{.Article.Title | nosuchfunc}}{{end}}`)
	ev.want("failed")
	r.oneRebuild("broken template")
	r.write("site.yaml", "title: [rusak\n")
	ev.want("failed")
	r.oneRebuild("broken config")
	if code, _ := httpGet(t, r.url); code != 200 {
		t.Errorf("the server stopped serving on bad files: %d", code)
	}

	// Fixed one by one; when all are fixed the pages reload.
	r.write("site.yaml", "title: Uji Coba\nbase_url: https://example.github.io/uji/\ntimezone: Asia/Jakarta\n")
	ev.want("failed")
	r.oneRebuild("config fixed")
	os.RemoveAll(r.path("templates"))
	ev.want("failed")
	r.oneRebuild("template removed")
	r.write("content/"+a.File, a.Markdown())
	ev.want("reload")
	r.oneRebuild("article fixed")
	if _, body := httpGet(t, r.url+strings.TrimSuffix(pageOf(a, a.File), "index.html")); !strings.Contains(body, "Paragraf pembuka yang baru.") {
		t.Errorf("after the fixes the page is not right")
	}

	if code := r.stop(); code != 0 {
		t.Errorf("exit %d", code)
	}
	if _, err := os.Stat(r.out); err == nil {
		t.Errorf("the temporary output %s is still there", r.out)
	}
}

// TestLiveRefusesOut: an --out that would destroy the sources is refused
// at once, as build refuses it.
func TestLiveRefusesOut(t *testing.T) {
	dir := t.TempDir()
	if _, err := testsite.Write(dir, 3, 1); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{"watch", "serve"} {
		args := []string{cmd, "--site", dir, "--out", filepath.Join(dir, "content")}
		if cmd == "serve" {
			args = append(args, "--addr", "127.0.0.1:0")
		}
		code, stdout, stderr := cli(args...)
		if code != 1 || !strings.Contains(stderr, "refusing") || strings.Contains(stdout, "watching") {
			t.Errorf("%s --out content/: exit %d, stdout %q, stderr %q", cmd, code, stdout, stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "content", "index.html")); err == nil {
		t.Error("content/ was written")
	}
}

// TestServeStopsOnSignals runs the built command and stops it with SIGINT
// and SIGTERM: exit 0, temporary folder removed.
func TestServeStopsOnSignals(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "kabar")
	if out, err := exec.Command("go", "build", "-o", bin, "../cmd/kabar").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	dir := t.TempDir()
	if _, err := testsite.Write(dir, 5, 3); err != nil {
		t.Fatal(err)
	}
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		for _, cmdName := range []string{"serve", "watch"} {
			args := []string{cmdName, "--site", dir}
			if cmdName == "serve" {
				args = append(args, "--addr", "127.0.0.1:0")
			} else {
				args = append(args, "--out", filepath.Join(t.TempDir(), "public"))
			}
			cmd := exec.Command(bin, args...)
			stdout := &syncBuffer{}
			cmd.Stdout, cmd.Stderr = stdout, stdout
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			deadline := time.Now().Add(livePatience)
			for !strings.Contains(stdout.String(), "press Ctrl+C") && time.Now().Before(deadline) {
				time.Sleep(10 * time.Millisecond)
			}
			if !strings.Contains(stdout.String(), "press Ctrl+C") {
				// Else the signal would land before the handler is set,
				// and the test would say nothing of it.
				cmd.Process.Kill()
				t.Fatalf("%s never said it was watching (press Ctrl+C):\n%s", cmdName, stdout)
			}
			out := ""
			if m := regexp.MustCompile(`built .*: (\S+)\n`).FindStringSubmatch(stdout.String()); m != nil {
				out = m[1]
			}
			cmd.Process.Signal(sig)
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("%s, %v: %v\n%s", cmdName, sig, err, stdout)
				}
			case <-time.After(livePatience):
				cmd.Process.Kill()
				t.Fatalf("%s did not stop on %v", cmdName, sig)
			}
			if !strings.HasSuffix(stdout.String(), "stopped\n") {
				t.Errorf("%s, %v: %s", cmdName, sig, stdout)
			}
			if cmdName == "serve" {
				// The preview lives in memory: no folder to leave behind.
				if out != "memory" {
					t.Errorf("serve built into %q, want memory", out)
				}
				if _, err := os.Stat(filepath.Join(dir, "public")); err == nil {
					t.Errorf("serve wrote %s", filepath.Join(dir, "public"))
				}
			} else if _, err := os.Stat(filepath.Join(out, ".kabar-output")); out == "" || err != nil {
				t.Errorf("watch built into %q, which is not a built site", out)
			}
		}
	}
}
