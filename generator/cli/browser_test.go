package cli

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/kabar-news/kabar/generator/internal/browser"
	"github.com/kabar-news/kabar/generator/internal/testsite"
)

// newBrowser starts headless Chromium for a test, found as every browser
// test finds it.
var newBrowser = browser.New

// waitJS waits until expr is true in the page, with no action from the
// test: the preview must get there by itself. While the page reloads the
// expression cannot run; that counts as not yet.
func waitJS(t *testing.T, ctx context.Context, what, expr string) {
	t.Helper()
	deadline := time.Now().Add(livePatience)
	var last error
	for time.Now().Before(deadline) {
		ectx, cancel := context.WithTimeout(ctx, 5*time.Second)
		ok, err := chromedp.Run(ectx, chromedp.Evaluate[bool]("Boolean("+expr+")"))
		cancel()
		if err == nil && ok {
			return
		}
		last = err
		time.Sleep(50 * time.Millisecond)
	}
	body, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText.slice(0, 300) : ""`))
	t.Fatalf("%s: not so after %s (%v)\npage: %s", what, livePatience, last, body)
}

func evalJS[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	ectx, cancel := context.WithTimeout(ctx, livePatience)
	defer cancel()
	v, err := chromedp.Run(ectx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return v
}

// TestBrowserLiveReload opens an article in the preview in headless
// Chromium, edits the Markdown file, and watches the page follow: a new
// text by a reload, a stylesheet change without one, an error overlay
// and its end, and a reconnect to a restarted server.
func TestBrowserLiveReload(t *testing.T) {
	ctx := newBrowser(t)
	dir := t.TempDir()
	list, err := testsite.Write(dir, 10, 11)
	if err != nil {
		t.Fatal(err)
	}
	// A fixed port, so that a second server can take over the first's.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	startServe := func() (string, func()) {
		sctx, cancel := context.WithCancel(context.Background())
		ready := make(chan string, 1)
		done := make(chan int, 1)
		stdout := &syncBuffer{}
		go func() {
			done <- live(sctx, liveOptions{site: siteFlags{site: dir}, serve: true, addr: addr, reload: true, debounce: 50 * time.Millisecond},
				func(url string) { ready <- url }, stdout, stdout)
		}()
		select {
		case url := <-ready:
			return url, func() { cancel(); <-done }
		case <-done:
			t.Fatalf("serve exited: %s", stdout)
		case <-time.After(livePatience):
			t.Fatal("serve did not start")
		}
		return "", nil
	}
	url, stop := startServe()
	defer func() { stop() }()

	a := list[4]
	page := url + strings.TrimSuffix(pageOf(a, a.File), "index.html")
	nctx, cancel := context.WithTimeout(ctx, livePatience)
	defer cancel()
	if err := chromedp.Do(nctx, chromedp.Navigate(page), chromedp.WaitVisible(chromedp.CSS("article h1"))); err != nil {
		t.Fatal(err)
	}
	if h1 := evalJS[string](t, ctx, `document.querySelector("article h1").textContent`); h1 != a.Title {
		t.Fatalf("the article's heading is %q, want %q", h1, a.Title)
	}

	// Edit the Markdown: the page reloads and shows it.
	evalJS[int](t, ctx, `window.marker = 1`)
	a.Title = "Judul Diubah Lewat Editor"
	a.Body = "Kalimat yang baru ditulis.\n\n" + a.Body
	writeFile(t, dir, "content/"+a.File, a.Markdown())
	waitJS(t, ctx, "the new text", `document.querySelector("article h1") && document.querySelector("article h1").textContent === "Judul Diubah Lewat Editor" && document.body.innerText.includes("Kalimat yang baru ditulis.")`)
	if evalJS[bool](t, ctx, `window.marker === 1`) {
		t.Error("the page shows the edit but was not reloaded")
	}

	// Edit the CSS: it applies without a reload.
	evalJS[int](t, ctx, `window.marker = 2`)
	writeFile(t, dir, "static/css/style.css", "article h1 { color: rgb(1, 2, 3) }\n")
	waitJS(t, ctx, "the new stylesheet", `getComputedStyle(document.querySelector("article h1")).color === "rgb(1, 2, 3)"`)
	if !evalJS[bool](t, ctx, `window.marker === 2`) {
		t.Error("a CSS change reloaded the page")
	}

	// Break the front matter: an overlay names the file and line.
	writeFile(t, dir, "content/"+a.File, "---\ntitle: \"tidak ditutup\ndate: 2023-01-01\n---\nteks\n")
	waitJS(t, ctx, "the error overlay", `document.getElementById("digest-build-errors") !== null`)
	where := evalJS[string](t, ctx, `document.querySelector("#digest-build-errors .digest-error-file").textContent`)
	if where != "content/"+a.File+":2" {
		t.Errorf("the overlay names %q, want content/%s:2", where, a.File)
	}
	if msg := evalJS[string](t, ctx, `document.querySelector("#digest-build-errors .digest-error-message").textContent`); !strings.Contains(msg, "the title's quote is not closed") {
		t.Errorf("the overlay says %q", msg)
	}
	if fix := evalJS[string](t, ctx, `document.querySelector("#digest-build-errors .digest-error-fix").textContent`); !strings.Contains(fix, `end the value with ", e.g. title: "tidak ditutup"`) {
		t.Errorf("the overlay's fix is %q, want the content parser's advice on the quote", fix)
	}
	// Fixing it makes the overlay go.
	writeFile(t, dir, "content/"+a.File, a.Markdown())
	waitJS(t, ctx, "the overlay to go", `document.getElementById("digest-build-errors") === null && document.querySelector("article h1") !== null`)

	// A template that fails as it runs: the overlay names its line and
	// column, as the template package reports them.
	writeFile(t, dir, "templates/article.html", "{{define \"main\"}}\n  <p>{{.Article.NoSuchField}}</p>\n{{end}}\n")
	waitJS(t, ctx, "the template error overlay", `document.getElementById("digest-build-errors") !== null`)
	if where := evalJS[string](t, ctx, `document.querySelector("#digest-build-errors .digest-error-file").textContent`); where != "templates/article.html:2:15" {
		t.Errorf("the overlay names %q, want templates/article.html:2:15", where)
	}
	if err := os.Remove(filepath.Join(dir, "templates", "article.html")); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "the overlay to go", `document.getElementById("digest-build-errors") === null && document.querySelector("article h1") !== null`)

	// A new server in the old one's place: the page reconnects and,
	// the site having changed meanwhile, reloads by itself.
	evalJS[int](t, ctx, `window.marker = 3`)
	stop()
	a.Title = "Diubah Saat Server Mati"
	writeFile(t, dir, "content/"+a.File, a.Markdown())
	url2, stop2 := startServe()
	stop = stop2
	if url2 != url {
		t.Fatalf("the new server is at %s, not %s", url2, url)
	}
	waitJS(t, ctx, "a reload after the restart", `window.marker === undefined && document.querySelector("article h1") && document.querySelector("article h1").textContent === "Diubah Saat Server Mati"`)
}

func writeFile(t *testing.T, dir, rel, data string) {
	t.Helper()
	p := dir + "/" + rel
	if err := os.MkdirAll(p[:strings.LastIndex(p, "/")], 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(fmt.Errorf("writing %s: %w", rel, err))
	}
}
