package watch

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// The tests wait a generous while before calling a set of events one
// batch: the machine running them may be slow and busy. That no other
// batch follows is not decided by waiting: see probe.
const (
	testDebounce = 200 * time.Millisecond
	patience     = 10 * time.Second
)

type harness struct {
	t       *testing.T
	root    string
	w       *Watcher
	batches chan Batch
	stop    func()
	stopped chan error
	probes  int
}

// start watches a fresh site folder with content/, templates/ and
// static/. handle, if not nil, runs for each batch before it is passed on.
func start(t *testing.T, handle func(Batch)) *harness {
	t.Helper()
	root := t.TempDir()
	for _, d := range []string{"content/dunia", "templates", "static/css"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	h := &harness{t: t, root: root, batches: make(chan Batch, 100), stopped: make(chan error, 1)}
	h.write("content/dunia/a.md", "awal")
	h.write("site.yaml", "title: Uji\n")
	w, err := New(Options{
		Root:     root,
		Dirs:     []string{"content", "templates", "static"},
		Files:    []string{"site.yaml", "site.toml"},
		Ignore:   []string{filepath.Join(root, "content", "public")},
		Debounce: testDebounce,
	})
	if err != nil {
		t.Fatal(err)
	}
	h.w = w
	ctx, cancel := context.WithCancel(context.Background())
	h.stop = cancel
	go func() {
		h.stopped <- w.Run(ctx, func(b Batch) {
			if handle != nil {
				handle(b)
			}
			h.batches <- b
		})
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-h.stopped:
		case <-time.After(patience):
			t.Error("Run did not return after its context ended")
		}
	})
	return h
}

func (h *harness) path(rel string) string { return filepath.Join(h.root, filepath.FromSlash(rel)) }

func (h *harness) write(rel, data string) {
	h.t.Helper()
	if err := os.MkdirAll(filepath.Dir(h.path(rel)), 0o755); err != nil {
		h.t.Fatal(err)
	}
	if err := os.WriteFile(h.path(rel), []byte(data), 0o644); err != nil {
		h.t.Fatal(err)
	}
}

func (h *harness) rename(from, to string) {
	h.t.Helper()
	if err := os.Rename(h.path(from), h.path(to)); err != nil {
		h.t.Fatal(err)
	}
}

func (h *harness) remove(rel string) {
	h.t.Helper()
	if err := os.RemoveAll(h.path(rel)); err != nil {
		h.t.Fatal(err)
	}
}

// batch waits for the next batch.
func (h *harness) batch() Batch {
	h.t.Helper()
	select {
	case b := <-h.batches:
		return b
	case <-time.After(patience):
		h.t.Fatal("no batch came")
	}
	return Batch{}
}

// only waits for one batch and checks that no other follows it.
func (h *harness) only() Batch {
	h.t.Helper()
	b := h.batch()
	h.none()
	return b
}

// none checks that no batch is on its way: it changes a probe file and
// waits for its batch, which must come next and hold the probe alone. The
// system reports events in order, so any event still due from earlier
// changes is in a batch before the probe's, or in the probe's own.
func (h *harness) none() {
	h.t.Helper()
	h.probes++
	h.write("content/probe.txt", fmt.Sprint(h.probes))
	b := h.batch()
	if got := h.rels(b); !slices.Equal(got, []string{"content/probe.txt"}) || b.Overflow || len(b.Errors) > 0 {
		h.t.Fatalf("an unexpected batch %v (overflow %v, errors %v) came before the probe's", got, b.Overflow, b.Errors)
	}
}

// rels returns a batch's paths relative to the root.
func (h *harness) rels(b Batch) []string {
	var out []string
	for _, p := range b.Paths {
		rel, err := filepath.Rel(h.root, p)
		if err != nil {
			h.t.Fatal(err)
		}
		out = append(out, filepath.ToSlash(rel))
	}
	return out
}

// TestSaveStyles saves a file the ways editors do; each save must be one
// batch naming the file and no temporary one.
func TestSaveStyles(t *testing.T) {
	styles := map[string]func(h *harness){
		"in place": func(h *harness) {
			f, err := os.OpenFile(h.path("content/dunia/a.md"), os.O_WRONLY|os.O_TRUNC, 0)
			if err != nil {
				t.Fatal(err)
			}
			f.WriteString("baru ")
			f.Sync()
			f.WriteString("sekali")
			f.Close()
		},
		"vim": func(h *harness) {
			// vim tests the folder, keeps a backup, writes anew,
			// drops the backup; its swap file comes and goes.
			h.write("content/dunia/.a.md.swp", "swap")
			h.write("content/dunia/4913", "")
			h.remove("content/dunia/4913")
			h.rename("content/dunia/a.md", "content/dunia/a.md~")
			h.write("content/dunia/a.md", "baru")
			h.remove("content/dunia/a.md~")
			h.remove("content/dunia/.a.md.swp")
		},
		"temporary file renamed over": func(h *harness) {
			h.write("content/dunia/a.md___jb_tmp___", "baru")
			h.rename("content/dunia/a.md", "content/dunia/a.md___jb_old___")
			h.rename("content/dunia/a.md___jb_tmp___", "content/dunia/a.md")
			h.remove("content/dunia/a.md___jb_old___")
		},
		"delete and recreate": func(h *harness) {
			h.remove("content/dunia/a.md")
			h.write("content/dunia/a.md", "baru")
		},
		"emacs": func(h *harness) {
			if err := os.Symlink("user@host.123", h.path("content/dunia/.#a.md")); err != nil {
				t.Fatal(err)
			}
			h.write("content/dunia/#a.md#", "autosave")
			h.write("content/dunia/a.md", "baru")
			h.remove("content/dunia/#a.md#")
			h.remove("content/dunia/.#a.md")
		},
	}
	for name, save := range styles {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			h := start(t, nil)
			save(h)
			b := h.only()
			if got := h.rels(b); !slices.Equal(got, []string{"content/dunia/a.md"}) {
				t.Errorf("batch %v; want only content/dunia/a.md", got)
			}
			data, _ := os.ReadFile(h.path("content/dunia/a.md"))
			if !strings.HasPrefix(string(data), "baru") {
				t.Errorf("the file holds %q after the save", data)
			}
		})
	}
}

// TestFolders checks folders that arrive (nested, or full), are renamed
// and are removed: each is one batch, and files in them are watched.
func TestFolders(t *testing.T) {
	t.Parallel()
	h := start(t, nil)

	// mkdir -p and a file at once.
	h.write("content/a/b/c/x.md", "x")
	b := h.only()
	if got := h.rels(b); !slices.Contains(got, "content/a") {
		t.Errorf("new nested folder: batch %v; want content/a", got)
	}
	h.write("content/a/b/c/y.md", "y")
	if got := h.rels(h.only()); !slices.Equal(got, []string{"content/a/b/c/y.md"}) {
		t.Errorf("a file in the new folder: batch %v", got)
	}

	// A folder filled elsewhere and moved in whole, as a checkout does.
	outside := t.TempDir()
	for i := range 30 {
		os.MkdirAll(filepath.Join(outside, "full", "sub"), 0o755)
		os.WriteFile(filepath.Join(outside, "full", "sub", fmt.Sprintf("%d.md", i)), []byte("x"), 0o644)
	}
	if err := os.Rename(filepath.Join(outside, "full"), h.path("content/full")); err != nil {
		t.Fatal(err)
	}
	if got := h.rels(h.only()); !slices.Equal(got, []string{"content/full"}) {
		t.Errorf("a full folder moved in: batch %v; want content/full", got)
	}
	h.write("content/full/sub/0.md", "diubah")
	if got := h.rels(h.only()); !slices.Equal(got, []string{"content/full/sub/0.md"}) {
		t.Errorf("edit in the moved-in folder: batch %v", got)
	}

	// Renamed: reported under both names, watched under the new.
	h.rename("content/full", "content/penuh")
	if got := h.rels(h.only()); !slices.Equal(got, []string{"content/full", "content/penuh"}) {
		t.Errorf("renamed folder: batch %v", got)
	}
	h.write("content/penuh/sub/1.md", "diubah")
	if got := h.rels(h.only()); !slices.Equal(got, []string{"content/penuh/sub/1.md"}) {
		t.Errorf("edit in the renamed folder: batch %v", got)
	}
	for _, p := range h.w.Folders() {
		if strings.Contains(p, "full") {
			t.Errorf("still watching %s after it was renamed", p)
		}
	}

	// Removed: one batch; its watches go.
	h.remove("content/penuh")
	if got := h.rels(h.batch()); !slices.Contains(got, "content/penuh") {
		t.Errorf("removed folder: batch %v", got)
	}
	h.none()
	for _, p := range h.w.Folders() {
		if strings.Contains(p, "penuh") {
			t.Errorf("still watching %s after it was removed", p)
		}
	}

	// A folder the site did not have yet (templates/ removed and made
	// again) is watched from then on.
	h.remove("templates")
	h.only()
	h.write("templates/partials/card.html", "x")
	h.only()
	h.write("templates/partials/card.html", "y")
	if got := h.rels(h.only()); !slices.Equal(got, []string{"templates/partials/card.html"}) {
		t.Errorf("edit in a recreated templates/: batch %v", got)
	}
}

// TestBurst: 500 files copied in one go make one batch.
func TestBurst(t *testing.T) {
	t.Parallel()
	h := start(t, nil)
	for i := range 500 {
		h.write(fmt.Sprintf("content/dunia/%03d.md", i), "x")
	}
	b := h.only()
	if len(b.Paths) != 500 {
		t.Errorf("500 new files gave a batch of %d paths", len(b.Paths))
	}
}

// TestOneAtATime: a slow handler is never entered twice, and what
// changes while it runs is exactly one batch after it.
func TestOneAtATime(t *testing.T) {
	t.Parallel()
	var running, overlaps atomic.Int32
	release := make(chan struct{})
	first := true
	h := start(t, func(b Batch) {
		if running.Add(1) > 1 {
			overlaps.Add(1)
		}
		if first {
			first = false
			<-release
		}
		running.Add(-1)
	})
	h.write("content/dunia/a.md", "1")
	// While the first batch is handled (the handler waits for release),
	// three files change, each after a quiet spell.
	time.Sleep(2 * testDebounce)
	for i := range 3 {
		h.write(fmt.Sprintf("content/dunia/b%d.md", i), "x")
		time.Sleep(2 * testDebounce)
	}
	close(release)
	if got := h.rels(h.batch()); !slices.Equal(got, []string{"content/dunia/a.md"}) {
		t.Errorf("first batch %v", got)
	}
	if got := h.rels(h.only()); !slices.Equal(got, []string{"content/dunia/b0.md", "content/dunia/b1.md", "content/dunia/b2.md"}) {
		t.Errorf("changes during the first batch: %v; want them as one batch", got)
	}
	if overlaps.Load() > 0 {
		t.Error("the handler ran twice at once")
	}
}

// TestIgnored: attribute changes, files outside the watched set, the
// ignored folder and editor files make no batch; the config does.
func TestIgnored(t *testing.T) {
	t.Parallel()
	h := start(t, nil)
	if err := os.Chmod(h.path("content/dunia/a.md"), 0o600); err != nil {
		t.Fatal(err)
	}
	h.write("notes.txt", "x")
	h.write("content/public/index.html", "x")
	h.write("content/dunia/.a.md.swx", "x")
	h.write("content/dunia/a.md~", "x")
	h.write(".site.yaml.swp", "x")
	os.MkdirAll(h.path("public/x"), 0o755)
	h.none()
	h.write("site.yaml", "title: Lain\n")
	if got := h.rels(h.only()); !slices.Equal(got, []string{"site.yaml"}) {
		t.Errorf("config change: batch %v", got)
	}
}

// TestStop: Run returns when its context ends, and the handler is not
// called after.
func TestStop(t *testing.T) {
	t.Parallel()
	h := start(t, nil)
	h.stop()
	select {
	case err := <-h.stopped:
		if err != nil {
			t.Errorf("Run: %v", err)
		}
	case <-time.After(patience):
		t.Fatal("Run did not return")
	}
	h.stopped <- nil // for the cleanup
	// Run has returned: nothing is left to call the handler, and no event
	// could tell that it does not, so the test gives it a while to.
	h.write("content/dunia/a.md", "baru")
	select {
	case b := <-h.batches:
		t.Errorf("a batch after Run returned: %+v", b)
	case <-time.After(4 * testDebounce):
	}
}

func TestEditorFile(t *testing.T) {
	for _, name := range []string{".a.md.swp", ".a.md.swo", "a.md~", "4913", ".#a.md", "#a.md#", "a.md___jb_tmp___", ".goutputstream-XYZ", "a.md.kate-swp"} {
		if !EditorFile(name) {
			t.Errorf("EditorFile(%q) = false", name)
		}
	}
	for _, name := range []string{"a.md", "style.css", "_index.md", ".well-known", "a.swift", "x.sw"} {
		if EditorFile(name) {
			t.Errorf("EditorFile(%q) = true", name)
		}
	}
}

// TestLimitExplained runs out of file handles for real, in a child
// process, and checks that the error says how to raise the limit.
func TestLimitExplained(t *testing.T) {
	if os.Getenv("WATCH_LIMIT_CHILD") == "1" {
		// Start the runtime's poller, which needs handles of its own,
		// then lower the limit and use up every handle left.
		if r, w, err := os.Pipe(); err == nil {
			r.Close()
			w.Close()
		}
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &syscall.Rlimit{Cur: 64, Max: 64}); err != nil {
			fmt.Println("setrlimit:", err)
			os.Exit(3)
		}
		var hold []*os.File
		for {
			f, err := os.Open(os.DevNull)
			if err != nil {
				break
			}
			hold = append(hold, f)
		}
		_, err := New(Options{Root: os.Getenv("WATCH_LIMIT_ROOT"), Dirs: []string{"content"}})
		fmt.Println(err, len(hold))
		var le *LimitError
		if errors.As(err, &le) {
			os.Exit(0)
		}
		os.Exit(4)
	}
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "content"), 0o755)
	cmd := exec.Command(os.Args[0], "-test.run=^TestLimitExplained$")
	cmd.Env = append(os.Environ(), "WATCH_LIMIT_CHILD=1", "WATCH_LIMIT_ROOT="+root)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("with no file handles left: %v\n%s", err, out)
	}
	for _, want := range []string{"fs.inotify.max_user_instances", "ulimit -n"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the error does not say %q:\n%s", want, out)
		}
	}

	err = explain(fmt.Errorf("adding a watch: %w", syscall.ENOSPC), "/site/content/x")
	if !strings.Contains(err.Error(), "sudo sysctl fs.inotify.max_user_watches=") || !strings.Contains(err.Error(), "/site/content/x") {
		t.Errorf("out of watches: %v", err)
	}
}
