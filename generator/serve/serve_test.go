package serve

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kabar-news/kabar/generator/diag"
	"github.com/kabar-news/kabar/generator/output"
)

const patience = 10 * time.Second

// site writes a small output folder.
func site(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for name, data := range siteFiles {
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// memorySite is the same site in memory, as serve keeps it by default.
func memorySite(t *testing.T) *output.Memory {
	t.Helper()
	m := output.NewMemory()
	txn, _ := m.Replace()
	for name, data := range siteFiles {
		if err := txn.Write(name, []byte(data)); err != nil {
			t.Fatal(err)
		}
	}
	if err := txn.Commit(); err != nil {
		t.Fatal(err)
	}
	return m
}

var siteFiles = map[string]string{
	"index.html":           "<!DOCTYPE html><html><head><link rel=\"stylesheet\" href=\"/repo/css/s.css\"></head><body><h1>Beranda</h1></body></html>",
	"a/b/index.html":       "<html><body>halaman b</BODY></html>",
	"css/s.css":            "body { color: black }",
	"404.html":             "<html><body>tidak ada</body></html>",
	"feed.xml":             "<rss></rss>",
	"kosong/.keep":         "",
	"no-body/index.html":   "<p>tanpa body</p>",
	"tricky/index.html":    "<body><script>var s = '</body>';</script></body>",
	"deep/er/x/index.html": "<body>x</body>",
}

// run serves s on a loopback port until the test ends.
func run(t *testing.T, s *Server) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Serve: %v", err)
			}
		case <-time.After(patience):
			t.Error("Serve did not return")
		}
	})
	return ln.Addr().String()
}

var noRedirect = &http.Client{
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	Timeout:       patience,
}

func get(t *testing.T, url string) (int, http.Header, string) {
	t.Helper()
	resp, err := noRedirect.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(body)
}

func TestServesUnderBasePath(t *testing.T) {
	t.Run("folder", func(t *testing.T) { testServesUnderBasePath(t, Options{Dir: site(t), Reload: true}) })
	t.Run("memory", func(t *testing.T) { testServesUnderBasePath(t, Options{FS: memorySite(t), Reload: true}) })
}

func testServesUnderBasePath(t *testing.T, opt Options) {
	s := New(opt)
	s.Built("/repo/", nil)
	addr := run(t, s)
	u := "http://" + addr
	const script = `<script src="/_kabar/live.js"`
	cases := []struct {
		path     string
		status   int
		location string
		has      []string
		hasNot   []string
	}{
		{"/", 302, "/repo/", nil, nil},
		{"/repo", 302, "/repo/", nil, nil},
		{"/repo/", 200, "", []string{"Beranda", script + ` data-generation=`}, nil},
		{"/repo/index.html", 200, "", []string{"Beranda", script}, nil},
		{"/repo/a/b", 301, "/repo/a/b/", nil, nil},
		{"/repo/a/b/", 200, "", []string{"halaman b"}, nil},
		{"/repo/css/s.css", 200, "", []string{"color: black"}, []string{script}},
		{"/repo/feed.xml", 200, "", []string{"<rss>"}, []string{script}},
		{"/repo/nothing/", 404, "", []string{"tidak ada", script}, nil},
		{"/other/", 404, "", []string{"tidak ada"}, nil},
		{"/repo/kosong/", 404, "", nil, []string{".keep"}},
		{"/repo/no-body/", 200, "", []string{"<p>tanpa body</p>" + script}, nil},
	}
	for _, c := range cases {
		status, h, body := get(t, u+c.path)
		if status != c.status {
			t.Errorf("GET %s: status %d, want %d", c.path, status, c.status)
		}
		if c.location != "" && h.Get("Location") != c.location {
			t.Errorf("GET %s: Location %q, want %q", c.path, h.Get("Location"), c.location)
		}
		for _, want := range c.has {
			if !strings.Contains(body, want) {
				t.Errorf("GET %s: body lacks %q:\n%s", c.path, want, body)
			}
		}
		for _, bad := range c.hasNot {
			if strings.Contains(body, bad) {
				t.Errorf("GET %s: body has %q", c.path, bad)
			}
		}
	}
	// The script goes before the last </body>, whatever its case.
	_, _, body := get(t, u+"/repo/a/b/")
	if !strings.HasSuffix(body, script+` data-generation="`+s.generation()+`" data-events="/_kabar/events"></script>`+"\n</BODY></html>") {
		t.Errorf("script not before </BODY>: %s", body)
	}
	_, _, body = get(t, u+"/repo/tricky/")
	if !strings.Contains(body, "'</body>';</script>"+script) {
		t.Errorf("script not before the last </body>: %s", body)
	}
	if status, h, js := get(t, u+"/_kabar/live.js"); status != 200 || !strings.Contains(js, "EventSource") || !strings.HasPrefix(h.Get("Content-Type"), "text/javascript") {
		t.Errorf("live.js: %d %s", status, h.Get("Content-Type"))
	}
	// The page is never written with the script.
	data, _ := s.readFile("index.html")
	if strings.Contains(string(data), "live.js") {
		t.Error("the script was written into the site")
	}
}

func TestNoReloadScript(t *testing.T) {
	s := New(Options{Dir: site(t)})
	u := "http://" + run(t, s)
	if _, _, body := get(t, u+"/"); strings.Contains(body, "live.js") || !strings.Contains(body, "Beranda") {
		t.Errorf("without reload: %s", body)
	}
}

// raw sends a request line as written, bypassing any cleaning a client
// would do, and returns the status line and body.
func raw(t *testing.T, addr, target string) (string, string) {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, patience)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(patience))
	fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", target, addr)
	resp, err := io.ReadAll(conn)
	if err != nil {
		t.Fatal(err)
	}
	status, body, _ := strings.Cut(string(resp), "\r\n")
	return status, body
}

// TestNoEscape tries to read outside the output folder.
func TestNoEscape(t *testing.T) {
	outside := t.TempDir()
	secret := filepath.Join(outside, "secret.txt")
	os.WriteFile(secret, []byte("RAHASIA"), 0o644)
	os.MkdirAll(filepath.Join(outside, "dir"), 0o755)
	os.WriteFile(filepath.Join(outside, "dir", "index.html"), []byte("RAHASIA"), 0o644)
	dir := site(t)
	if err := os.Symlink(secret, filepath.Join(dir, "link.txt")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(outside, "dir"), filepath.Join(dir, "linkdir")); err != nil {
		t.Fatal(err)
	}
	// A sibling of the output folder whose name starts the same.
	os.WriteFile(filepath.Join(filepath.Dir(dir), filepath.Base(dir)+"-x.txt"), []byte("RAHASIA"), 0o644)
	s := New(Options{Dir: dir, Reload: true})
	addr := run(t, s)
	rel, _ := filepath.Rel(dir, secret)
	for _, target := range []string{
		"/link.txt",
		"/linkdir/",
		"/linkdir/index.html",
		"/../" + filepath.Base(outside) + "/secret.txt",
		"/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
		"/%2E%2E/" + filepath.ToSlash(rel),
		"/a/%2e%2e/%2e%2e/" + filepath.ToSlash(rel),
		"/..%2f..%2fetc%2fpasswd",
		"/..%5c..%5cetc%5cpasswd",
		"/a/..\\..\\etc\\passwd",
		"/%00/etc/passwd",
		"/./index.html/../../x",
		"//etc/passwd",
		"/" + filepath.ToSlash(rel),
		"/../" + filepath.Base(dir) + "-x.txt",
	} {
		status, body := raw(t, addr, target)
		t.Logf("%s -> %s", target, status)
		if strings.Contains(body, "RAHASIA") || strings.Contains(body, "root:") {
			t.Errorf("GET %s read outside the folder: %s", target, status)
		}
		if strings.Contains(status, " 200 ") {
			t.Errorf("GET %s: %s", target, status)
		}
	}
	// No listing of a folder, nor of the folder itself.
	os.Remove(filepath.Join(dir, "index.html"))
	for _, target := range []string{"/", "/kosong/", "/a/"} {
		status, body := raw(t, addr, target)
		if strings.Contains(body, "404.html") || strings.Contains(body, ".keep") || !strings.Contains(status, "404") {
			t.Errorf("GET %s lists the folder or is not 404: %s\n%s", target, status, body)
		}
	}
}

// stream is a browser's event stream, read line by line.
type stream struct {
	t    *testing.T
	resp *http.Response
	r    *bufio.Reader
}

func connect(t *testing.T, addr string) *stream {
	t.Helper()
	resp, err := http.Get("http://" + addr + Prefix + "events")
	if err != nil {
		t.Fatal(err)
	}
	if ct := resp.Header.Get("Content-Type"); resp.StatusCode != 200 || ct != "text/event-stream" {
		t.Fatalf("events: %d %s", resp.StatusCode, ct)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return &stream{t: t, resp: resp, r: bufio.NewReader(resp.Body)}
}

// next returns the next event's name and data, skipping comments.
func (s *stream) next() (string, string, error) {
	var name, data string
	for {
		line, err := s.r.ReadString('\n')
		if err != nil {
			return "", "", err
		}
		line = strings.TrimRight(line, "\n")
		switch {
		case line == "" && name != "":
			return name, data, nil
		case strings.HasPrefix(line, "event: "):
			name = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			data += strings.TrimPrefix(line, "data: ")
		}
	}
}

func (s *stream) want(name string) string {
	s.t.Helper()
	type res struct {
		name, data string
		err        error
	}
	c := make(chan res, 1)
	go func() {
		n, d, err := s.next()
		c <- res{n, d, err}
	}()
	select {
	case r := <-c:
		if r.err != nil || r.name != name {
			s.t.Fatalf("event %q %s (%v); want %q", r.name, r.data, r.err, name)
		}
		return r.data
	case <-time.After(patience):
		s.t.Fatalf("no %q event", name)
	}
	return ""
}

func TestEvents(t *testing.T) {
	s := New(Options{Dir: site(t), Reload: true})
	addr := run(t, s)
	es := connect(t, addr)
	if d := es.want("hello"); !strings.Contains(d, `"generation":"`+s.id+`-0"`) {
		t.Errorf("hello: %s", d)
	}
	s.Built("/", []string{"index.html", "css/s.css"})
	if d := es.want("reload"); !strings.Contains(d, `"generation":"`+s.id+`-1"`) {
		t.Errorf("reload: %s", d)
	}
	s.Built("/", []string{"css/s.css"})
	es.want("css")
	s.Failed([]diag.Diag{
		{File: "content/dunia/a.md", Line: 3, Severity: diag.Error, Message: "bad YAML front matter: did not find expected key", Fix: "quote the title"},
		{File: "templates/base.html", Line: 12, Column: 5, Severity: diag.Error, Message: `function "x" not defined`},
		{Severity: diag.Error, Message: "something else: with a colon"},
	})
	d := es.want("failed")
	for _, want := range []string{
		`{"file":"content/dunia/a.md","line":3,"severity":"error","message":"bad YAML front matter: did not find expected key","fix":"quote the title"}`,
		`{"file":"templates/base.html","line":12,"column":5,"severity":"error","message":"function \"x\" not defined"}`,
		`{"severity":"error","message":"something else: with a colon"}`,
	} {
		if !strings.Contains(d, want) {
			t.Errorf("failed event lacks %s: %s", want, d)
		}
	}
	// A browser that connects now hears of the errors at once.
	es2 := connect(t, addr)
	if d := es2.want("hello"); !strings.Contains(d, "content/dunia/a.md") {
		t.Errorf("hello during a failure: %s", d)
	}
	// The fix gives the output of before: no reload, but the overlay goes.
	s.Built("/", nil)
	es.want("ok")
	es2.want("ok")
}

// TestSlowClient: a browser that never reads does not hold up the
// others, and is dropped.
func TestSlowClient(t *testing.T) {
	s := New(Options{Dir: site(t), Reload: true})
	addr := run(t, s)
	// Connects, then never reads a byte.
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "GET %sevents HTTP/1.1\r\nHost: %s\r\n\r\n", Prefix, addr)
	fast := connect(t, addr)
	fast.want("hello")
	deadline := time.Now().Add(patience)
	for s.Clients() < 2 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := s.Clients(); n != 2 {
		t.Fatalf("%d browsers connected, want the slow and the fast one: the test would prove nothing", n)
	}
	done := make(chan struct{})
	go func() {
		for i := range 5000 {
			s.Built("/", []string{fmt.Sprintf("p%d/index.html", i)})
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(patience):
		t.Fatal("broadcasting waited for a browser")
	}
	if s.Clients() > 1 {
		t.Errorf("%d browsers still connected; the slow one should be dropped", s.Clients())
	}
}

// TestManyClients keeps 200 browsers connected to the event stream while
// each fetches pages, then checks that every one hears the next build.
func TestManyClients(t *testing.T) {
	s := New(Options{Dir: site(t), Reload: true})
	s.Built("/repo/", nil)
	addr := run(t, s)
	const n = 200
	tr := &http.Transport{MaxIdleConnsPerHost: n}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: patience}
	var wg sync.WaitGroup
	errs := make(chan error, n)
	ready := make(chan struct{}, n)
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			resp, err := client.Get("http://" + addr + Prefix + "events")
			if err != nil {
				errs <- err
				ready <- struct{}{}
				return
			}
			defer resp.Body.Close()
			es := &stream{t: t, resp: resp, r: bufio.NewReader(resp.Body)}
			if name, _, err := es.next(); err != nil || name != "hello" {
				errs <- fmt.Errorf("client %d: %q %v", i, name, err)
			}
			for k := range 10 {
				page := []string{"/repo/", "/repo/a/b/", "/repo/css/s.css", "/repo/feed.xml", "/repo/none/"}[k%5]
				r, err := client.Get("http://" + addr + page)
				if err != nil {
					errs <- err
					continue
				}
				io.Copy(io.Discard, r.Body)
				r.Body.Close()
				if r.StatusCode != 200 && page != "/repo/none/" {
					errs <- fmt.Errorf("GET %s: %d", page, r.StatusCode)
				}
			}
			ready <- struct{}{}
			<-start
			if name, _, err := es.next(); err != nil || name != "reload" {
				errs <- fmt.Errorf("client %d after the build: %q %v", i, name, err)
			}
		})
	}
	for range n {
		select {
		case <-ready:
		case <-time.After(4 * patience):
			t.Fatal("clients did not finish their requests")
		}
	}
	s.Built("/repo/", []string{"index.html"})
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if status, _, _ := get(t, "http://"+addr+"/repo/"); status != 200 {
		t.Errorf("after the load: %d", status)
	}
}

// TestShutdown: Serve returns when its context ends, though browsers hold
// event streams open.
func TestShutdown(t *testing.T) {
	s := New(Options{Dir: site(t), Reload: true})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	es := connect(t, ln.Addr().String())
	es.want("hello")
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve: %v", err)
		}
	case <-time.After(patience):
		t.Fatal("Serve did not return with a browser connected")
	}
	if _, _, err := es.next(); err == nil {
		t.Error("the event stream stayed open")
	}
}
