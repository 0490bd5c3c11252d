// Package watch reports changes to a site's files in batches, one batch at
// a time, so that whoever rebuilds on them never runs twice at once.
//
// It watches chosen folders below a root with everything in them, and
// chosen files directly in the root (the config). fsnotify does not
// recurse, so a folder is watched as soon as it appears, and read at once:
// a folder that arrives full (cp -r, git checkout) is reported whole.
// Editors save in different ways (writing in place; writing a temporary
// file and renaming it over the original; deleting and recreating): all
// end in events on the saved file's path, and the temporary names, swap
// and backup files are dropped. Events are gathered until the files have
// been quiet for a short while (Options.Debounce), so a burst of them, from
// a checkout or a copy of 500 files, is one batch. A batch is handed to the
// handler only when the previous one is done; what arrives meanwhile is
// the next batch. The package knows nothing of what a batch leads to.
package watch

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Options say what to watch.
type Options struct {
	Root   string   // the site folder
	Dirs   []string // folders in Root watched with all below them, e.g. "content"
	Files  []string // files in Root, e.g. "site.yaml"
	Ignore []string // paths never reported, with all below them (the output folder)
	// Debounce is how long the files must be quiet before a batch is
	// handed over; 0 means 30ms. Under a steady stream of events a batch
	// is handed over after at most 10 times as long.
	Debounce time.Duration
}

// Batch is the changes since the last batch.
type Batch struct {
	// Paths are the changed files and folders, absolute, sorted, each
	// once. A folder stands for everything in it: it arrived, left or
	// was renamed whole.
	Paths []string
	// Overflow means the system dropped events: anything may have changed.
	Overflow bool
	// Errors are problems watching, e.g. a new folder that could not be
	// watched; the batch still reports what was seen.
	Errors []error
}

// Watcher watches a site. Run it once.
type Watcher struct {
	opt     Options
	fsw     *fsnotify.Watcher
	mu      sync.Mutex      // guards watched, for Folders
	watched map[string]bool // folders with a watch
}

// New starts watching. It fails with an explanation when the system's
// limits on watches are reached.
func New(opt Options) (*Watcher, error) {
	root, err := filepath.Abs(opt.Root)
	if err != nil {
		return nil, err
	}
	opt.Root = root
	for i, p := range opt.Ignore {
		if opt.Ignore[i], err = filepath.Abs(p); err != nil {
			return nil, err
		}
	}
	if opt.Debounce <= 0 {
		opt.Debounce = 30 * time.Millisecond
	}
	fsw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, explain(err, root)
	}
	w := &Watcher{opt: opt, fsw: fsw, watched: map[string]bool{}}
	if err := w.add(root); err != nil {
		fsw.Close()
		return nil, err
	}
	for _, d := range opt.Dirs {
		if _, err := w.addTree(filepath.Join(root, d)); err != nil {
			fsw.Close()
			return nil, err
		}
	}
	return w, nil
}

// Folders returns the folders watched, sorted.
func (w *Watcher) Folders() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make([]string, 0, len(w.watched))
	for p := range w.watched {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}

// Run reports batches to handle until ctx is done, then waits for the
// batch being handled, stops watching and returns. handle is called from
// one goroutine, one batch at a time. Run returns an error only when the
// system stops delivering events.
func (w *Watcher) Run(ctx context.Context, handle func(Batch)) error {
	defer w.fsw.Close()
	work := make(chan Batch)
	done := make(chan struct{})
	go func() {
		for b := range work {
			handle(b)
			done <- struct{}{}
		}
	}()
	var (
		next    = Batch{}
		pending = map[string]bool{}
		quiet   = time.NewTimer(time.Hour) // fires when the files have been quiet
		first   time.Time                  // when the oldest pending change came
		ready   bool                       // quiet since the last change
		busy    bool                       // handle is running
		failure error
	)
	quiet.Stop()
	defer quiet.Stop()
	arm := func() {
		now := time.Now()
		if first.IsZero() {
			first = now
		}
		ready = false
		wait := w.opt.Debounce
		if now.Sub(first) > 10*w.opt.Debounce {
			wait = 0 // a steady stream: hand over what there is
		}
		quiet.Reset(wait)
	}
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case ev, ok := <-w.fsw.Events:
			if !ok {
				failure = errors.New("the system stopped sending file events")
				break loop
			}
			if w.event(ev, pending, &next) {
				arm()
			}
		case err, ok := <-w.fsw.Errors:
			if !ok {
				failure = errors.New("the system stopped sending file events")
				break loop
			}
			if errors.Is(err, fsnotify.ErrEventOverflow) {
				next.Overflow = true
			} else {
				next.Errors = append(next.Errors, explain(err, w.opt.Root))
			}
			arm()
		case <-quiet.C:
			ready = true
		case <-done:
			busy = false
		}
		if ready && !busy && (len(pending) > 0 || next.Overflow || len(next.Errors) > 0) {
			for p := range pending {
				next.Paths = append(next.Paths, p)
			}
			slices.Sort(next.Paths)
			work <- next
			busy, ready, first = true, false, time.Time{}
			next, pending = Batch{}, map[string]bool{}
		}
	}
	close(work)
	if busy {
		<-done
	}
	return failure
}

// event records one event; it reports whether it counts as a change.
func (w *Watcher) event(ev fsnotify.Event, pending map[string]bool, next *Batch) bool {
	name := filepath.Clean(ev.Name)
	// A deleted file also sends Chmod (its link count changed); a touch
	// sends only Chmod. Neither changes what is built.
	if ev.Op == fsnotify.Chmod || !w.relevant(name) {
		return false
	}
	if ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename) {
		// A folder that left takes its watches along; one renamed keeps
		// them, under its old name, so drop them.
		w.forget(name)
	}
	if ev.Has(fsnotify.Create) {
		if fi, err := os.Lstat(name); err == nil && fi.IsDir() {
			if errs, err := w.addTree(name); err != nil {
				next.Errors = append(next.Errors, err)
			} else {
				next.Errors = append(next.Errors, errs...)
			}
		}
	}
	pending[name] = true
	return true
}

// relevant reports whether a path is one to report.
func (w *Watcher) relevant(name string) bool {
	for _, ig := range w.opt.Ignore {
		if within(ig, name) {
			return false
		}
	}
	rel, err := filepath.Rel(w.opt.Root, name)
	if err != nil || rel == "." || strings.HasPrefix(rel, "..") {
		return false
	}
	top, rest, _ := strings.Cut(filepath.ToSlash(rel), "/")
	if rest == "" && slices.Contains(w.opt.Files, top) {
		return true
	}
	return slices.Contains(w.opt.Dirs, top) && !EditorFile(filepath.Base(name))
}

// EditorFile reports whether a file name is an editor's swap, backup,
// lock or temporary file, never part of a site.
func EditorFile(base string) bool {
	switch {
	case base == "4913", // vim's test of whether it may write in a folder
		base == ".DS_Store",
		strings.HasSuffix(base, "~"),                                                     // backups (vim, emacs, gedit)
		strings.HasPrefix(base, ".#"),                                                    // emacs locks
		strings.HasPrefix(base, "#") && strings.HasSuffix(base, "#"),                     // emacs auto-saves
		strings.HasSuffix(base, "___jb_tmp___"), strings.HasSuffix(base, "___jb_old___"), // JetBrains
		strings.HasPrefix(base, ".goutputstream-"), // GNOME
		strings.HasSuffix(base, ".kate-swp"):
		return true
	}
	// vim swap files: .name.swp, .swo, .swn, ..., .swx
	if ext := filepath.Ext(base); len(ext) == 4 && strings.HasPrefix(ext, ".sw") {
		return true
	}
	return false
}

// add watches one folder.
func (w *Watcher) add(dir string) error {
	if w.watched[dir] {
		return nil
	}
	if err := w.fsw.Add(dir); err != nil {
		return explain(err, dir)
	}
	w.mu.Lock()
	w.watched[dir] = true
	w.mu.Unlock()
	return nil
}

// addTree watches dir and every folder below it. A folder that cannot be
// read (gone again already, or forbidden) is reported in errs; running
// out of watches fails.
func (w *Watcher) addTree(dir string) (errs []error, err error) {
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if !errors.Is(err, fs.ErrNotExist) {
				errs = append(errs, err)
			}
			return nil
		}
		if !d.IsDir() {
			return nil
		}
		for _, ig := range w.opt.Ignore {
			if within(ig, p) {
				return fs.SkipDir
			}
		}
		// The watch comes first, then WalkDir reads the folder: a file
		// made in between shows in one or the other.
		if err := w.add(p); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return fs.SkipDir
			}
			return err
		}
		return nil
	})
	return errs, err
}

// forget drops the watches on dir and below it.
func (w *Watcher) forget(dir string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for p := range w.watched {
		if within(dir, p) {
			delete(w.watched, p)
			w.fsw.Remove(p) // fails harmlessly when the system dropped it already
		}
	}
}

func within(dir, p string) bool {
	return p == dir || strings.HasPrefix(p, dir+string(filepath.Separator))
}

// LimitError is running out of the system's watches or file handles,
// with the fix.
type LimitError struct {
	Path string
	Err  error
	Fix  string
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("cannot watch %s for changes: %v: %s", e.Path, e.Err, e.Fix)
}

func (e *LimitError) Unwrap() error { return e.Err }

// explain adds the fix to errors that mean a system limit was reached.
func explain(err error, path string) error {
	switch {
	case errors.Is(err, syscall.ENOSPC):
		return &LimitError{Path: path, Err: err, Fix: "the system's limit on watched folders (fs.inotify.max_user_watches) is reached; " +
			"raise it with: sudo sysctl fs.inotify.max_user_watches=524288 (add fs.inotify.max_user_watches=524288 to /etc/sysctl.conf to keep it), " +
			"or stop other programs that watch many files"}
	case errors.Is(err, syscall.EMFILE), errors.Is(err, syscall.ENFILE):
		return &LimitError{Path: path, Err: err, Fix: "the limit on open files or file watchers is reached; " +
			"raise it with: sudo sysctl fs.inotify.max_user_instances=512 (on Linux), or ulimit -n 65536 in this shell (on macOS and BSD), " +
			"or stop other programs that watch files"}
	}
	return err
}
