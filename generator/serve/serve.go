// Package serve is the preview server. It serves a built site from memory
// (an fs.FS) or from its output folder, under the site's base path as
// GitHub Pages would, and nothing else: no path leaves the site (no "..",
// no link pointing out of the folder), and folders are never listed.
//
// Into every HTML page it serves it adds one script tag, as the page goes
// out; the output folder never holds it. The script listens for reload
// events (Server-Sent Events at /_kabar/events): after a rebuild the page
// reloads, or, when only stylesheets changed, swaps them in place; a
// failed build shows its errors over the page until a build succeeds. It
// reconnects by itself, and reloads if the site changed meanwhile (a new
// server, or rebuilds it missed). Events to a browser that reads too
// slowly are not queued without end: that browser is disconnected, and
// catches up when it reconnects.
package serve

import (
	"bytes"
	"context"
	"crypto/rand"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/kabar-news/kabar/generator/diag"
)

// Prefix is the path of the server's own files, outside any base path a
// site is likely to have.
const Prefix = "/_kabar/"

// Options configure a Server.
type Options struct {
	Dir    string // the output folder
	FS     fs.FS  // when set, the site is served from it instead of Dir
	Reload bool   // add the live reload script to pages
	// Addr is the address to serve on as the user gave it (--addr): its
	// host name is one the requests' Host may name.
	Addr string
}

// Server serves one output folder. Tell it about each build with Built
// or Failed.
type Server struct {
	opt Options
	hub hub

	mu       sync.Mutex
	basePath string
	id       string // this server, so a page can tell it is a new one
	gen      int    // counts the builds that changed the site
	errs     []diag.Diag
}

// New returns a server for the folder opt.Dir, serving it under "/" until
// Built says otherwise.
func New(opt Options) *Server {
	var b [6]byte
	rand.Read(b[:])
	s := &Server{opt: opt, basePath: "/", id: hex.EncodeToString(b[:])}
	s.hub.clients = map[*client]struct{}{}
	return s
}

// BasePath is the path the site is served under.
func (s *Server) BasePath() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.basePath
}

// Built tells the server a build succeeded: changed lists the output files
// it wrote or removed. Pages reload, or swap their stylesheets when only
// those changed, and any error overlay goes.
func (s *Server) Built(basePath string, changed []string) {
	s.mu.Lock()
	if basePath == "" {
		basePath = "/"
	}
	hadErrs := len(s.errs) > 0
	s.errs = nil
	s.basePath = basePath
	if len(changed) == 0 {
		gen := s.generation()
		s.mu.Unlock()
		if hadErrs {
			s.hub.send(event{name: "ok", data: mustJSON(map[string]any{"generation": gen})})
		}
		return
	}
	s.gen++
	gen := s.generation()
	s.mu.Unlock()
	cssOnly := true
	for _, name := range changed {
		if !strings.HasSuffix(name, ".css") {
			cssOnly = false
		}
	}
	name := "reload"
	if cssOnly {
		name = "css"
	}
	s.hub.send(event{name: name, data: mustJSON(map[string]any{"generation": gen, "files": changed})})
}

// Failed tells the server a build failed with these problems; pages show
// them over the page, each with its file, line, column, message and fix.
func (s *Server) Failed(problems []diag.Diag) {
	s.mu.Lock()
	s.errs = problems
	s.mu.Unlock()
	s.hub.send(event{name: "failed", data: mustJSON(map[string]any{"errors": problems})})
}

func (s *Server) generation() string { return s.id + "-" + strconv.Itoa(s.gen) }

// Serve serves HTTP on ln until ctx is done; then it ends the event
// streams and shuts down, waiting up to five seconds for requests.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !hostAllowed(r.Host, ln.Addr(), s.opt.Addr) {
				http.Error(w, "this preview answers only to the address it listens on, not to "+r.Host, http.StatusMisdirectedRequest)
				return
			}
			s.ServeHTTP(w, r)
		}),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       time.Minute,
		BaseContext:       func(net.Listener) context.Context { return ctx },
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		s.hub.close()
		return err
	case <-ctx.Done():
	}
	s.hub.close() // event streams would hold Shutdown up
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := srv.Shutdown(sctx)
	if e := <-errc; !errors.Is(e, http.ErrServerClosed) && err == nil {
		err = e
	}
	return err
}

// ServeHTTP serves the output folder and the server's own files.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	switch r.URL.Path {
	case Prefix + "events":
		s.events(w, r)
		return
	case Prefix + "live.js":
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		w.Write(liveJS)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	base := s.BasePath()
	p := r.URL.Path
	if !strings.HasPrefix(p, base) {
		if p == "/" || p+"/" == base {
			http.Redirect(w, r, base, http.StatusFound)
			return
		}
		s.notFound(w, r)
		return
	}
	rel := strings.TrimPrefix(p, base)
	if !cleanPath(rel) {
		s.notFound(w, r)
		return
	}
	name := strings.TrimSuffix(rel, "/")
	if rel == "" || strings.HasSuffix(rel, "/") {
		// A folder is its index.html, never a listing.
		name = path.Join(name, "index.html")
	}
	f, err := s.open(name)
	var fi fs.FileInfo
	if err == nil {
		defer f.Close()
		fi, err = f.Stat()
	}
	if err == nil && fi.IsDir() || err != nil && !strings.HasSuffix(name, "index.html") && s.exists(path.Join(name, "index.html")) {
		http.Redirect(w, r, p+"/", http.StatusMovedPermanently)
		return
	}
	if err != nil || !fi.Mode().IsRegular() {
		s.notFound(w, r)
		return
	}
	if strings.HasSuffix(name, ".html") {
		data, err := io.ReadAll(f)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		s.page(w, r, http.StatusOK, data)
		return
	}
	rs, ok := f.(io.ReadSeeker)
	if !ok {
		http.Error(w, "cannot serve "+name, http.StatusInternalServerError)
		return
	}
	http.ServeContent(w, r, name, fi.ModTime(), rs)
}

// open opens a file of the site: from Options.FS, or below the folder,
// refusing links that lead out of it.
func (s *Server) open(name string) (fs.File, error) {
	if s.opt.FS != nil {
		return s.opt.FS.Open(name)
	}
	return os.OpenInRoot(s.opt.Dir, name)
}

func (s *Server) exists(name string) bool {
	f, err := s.open(name)
	if err != nil {
		return false
	}
	defer f.Close()
	fi, err := f.Stat()
	return err == nil && fi.Mode().IsRegular()
}

// cleanPath reports whether a path below the base path names a file
// inside the folder: no ".." or "." segment, no backslash, no NUL.
func cleanPath(rel string) bool {
	if strings.ContainsAny(rel, "\\\x00") || strings.HasPrefix(rel, "/") {
		return false
	}
	for _, seg := range strings.Split(rel, "/") {
		if seg == ".." || seg == "." {
			return false
		}
	}
	return true
}

// notFound serves the site's 404.html with status 404, or a short page
// when there is none (no build has succeeded yet).
func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	data, err := s.readFile("404.html")
	if err != nil {
		data = []byte("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Not found</title></head>\n<body><h1>Not found</h1><p>" +
			"No page here, or the site has not been built yet.</p></body></html>\n")
	}
	s.page(w, r, http.StatusNotFound, data)
}

func (s *Server) readFile(name string) ([]byte, error) {
	f, err := s.open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

// page serves an HTML page, with the live reload script when reloading.
func (s *Server) page(w http.ResponseWriter, r *http.Request, status int, data []byte) {
	if s.opt.Reload {
		s.mu.Lock()
		tag := fmt.Sprintf(`<script src="%slive.js" data-generation="%s" data-events="%sevents"></script>`, Prefix, s.generation(), Prefix)
		s.mu.Unlock()
		data = inject(data, tag)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(data)
	}
}

// inject puts tag before the page's last </body>, or at its end.
func inject(page []byte, tag string) []byte {
	i := bytes.LastIndex(bytes.ToLower(page), []byte("</body>"))
	if i < 0 {
		i = len(page)
	}
	out := make([]byte, 0, len(page)+len(tag)+1)
	out = append(out, page[:i]...)
	out = append(out, tag...)
	out = append(out, '\n')
	return append(out, page[i:]...)
}

//go:embed live.js
var liveJS []byte

// events streams reload events to one browser.
func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("X-Accel-Buffering", "no")
	c := s.hub.join()
	if c == nil {
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	}
	defer s.hub.leave(c)
	s.mu.Lock()
	hello := mustJSON(map[string]any{"generation": s.generation(), "errors": s.errs})
	s.mu.Unlock()
	rc := http.NewResponseController(w)
	write := func(ev event) error {
		rc.SetWriteDeadline(time.Now().Add(10 * time.Second))
		if _, err := io.WriteString(w, ev.String()); err != nil {
			return err
		}
		return rc.Flush()
	}
	if write(event{retry: 1000, name: "hello", data: hello}) != nil {
		return
	}
	ping := time.NewTicker(15 * time.Second)
	defer ping.Stop()
	for {
		select {
		case ev := <-c.ch:
			if write(ev) != nil {
				return
			}
		case <-ping.C:
			if write(event{comment: "ping"}) != nil {
				return
			}
		case <-c.gone:
			return
		case <-r.Context().Done():
			return
		}
	}
}

// event is one Server-Sent Event.
type event struct {
	name, data, comment string
	retry               int
}

func (e event) String() string {
	var b strings.Builder
	if e.retry > 0 {
		fmt.Fprintf(&b, "retry: %d\n", e.retry)
	}
	if e.comment != "" {
		fmt.Fprintf(&b, ": %s\n", e.comment)
	}
	if e.name != "" {
		fmt.Fprintf(&b, "event: %s\n", e.name)
	}
	if e.data != "" {
		for _, l := range strings.Split(e.data, "\n") {
			fmt.Fprintf(&b, "data: %s\n", l)
		}
	}
	b.WriteString("\n")
	return b.String()
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // maps of strings and numbers
	}
	return string(b)
}

// hub holds the connected browsers.
type hub struct {
	mu      sync.Mutex
	clients map[*client]struct{}
	closed  bool
}

type client struct {
	ch   chan event
	gone chan struct{} // closed to disconnect the browser
	once sync.Once
}

// clientQueue is how many events a browser may fall behind before it is
// disconnected; it reconnects and catches up at once.
const clientQueue = 8

func (h *hub) join() *client {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil
	}
	c := &client{ch: make(chan event, clientQueue), gone: make(chan struct{})}
	h.clients[c] = struct{}{}
	return c
}

func (h *hub) leave(c *client) {
	h.mu.Lock()
	delete(h.clients, c)
	h.mu.Unlock()
	c.drop()
}

func (c *client) drop() { c.once.Do(func() { close(c.gone) }) }

// send queues ev for every browser without ever waiting for one.
func (h *hub) send(ev event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for c := range h.clients {
		select {
		case c.ch <- ev:
		default:
			delete(h.clients, c)
			c.drop()
		}
	}
}

// close disconnects every browser and refuses new ones.
func (h *hub) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	for c := range h.clients {
		delete(h.clients, c)
		c.drop()
	}
}

// Clients counts the connected browsers.
func (s *Server) Clients() int {
	s.hub.mu.Lock()
	defer s.hub.mu.Unlock()
	return len(s.hub.clients)
}
