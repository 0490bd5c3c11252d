package cli

import (
	"errors"
	"slices"
	"sync"
	"syscall"
	"time"
)

// retrier runs the preview's rebuilds one at a time and, after one that
// failed for a reason of the machine's (too many open files, no memory,
// a file that could not be read), runs it again by itself, waiting
// longer each time, with the changes it was for: they would otherwise
// stay unbuilt until the next save.
type retrier struct {
	rebuild func(paths []string) error

	mu      sync.Mutex
	pending []string // the failed build's paths, to build with the next
	all     bool     // the failed build was of everything
	failed  bool
	wait    time.Duration
	timer   *time.Timer
	stopped bool
}

const (
	firstRetry = 250 * time.Millisecond
	lastRetry  = 8 * time.Second
)

func newRetrier(rebuild func([]string) error) *retrier { return &retrier{rebuild: rebuild} }

// build rebuilds for paths (nil: everything) and the pending changes of a
// failed build.
func (r *retrier) build(paths []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stopped {
		return
	}
	if r.timer != nil {
		r.timer.Stop()
		r.timer = nil
	}
	if r.failed {
		if r.all || paths == nil {
			paths = nil
		} else {
			paths = append(slices.Clone(r.pending), paths...)
			slices.Sort(paths)
			paths = slices.Compact(paths)
		}
	}
	err := r.rebuild(paths)
	r.failed = err != nil && transient(err)
	if !r.failed {
		r.pending, r.all, r.wait = nil, false, 0
		return
	}
	r.pending, r.all = paths, paths == nil
	r.wait = min(max(2*r.wait, firstRetry), lastRetry)
	r.timer = time.AfterFunc(r.wait, func() { r.build([]string{}) })
}

// stop ends the retries; build does nothing after it.
func (r *retrier) stop() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stopped = true
	if r.timer != nil {
		r.timer.Stop()
	}
}

// transient reports whether a build failed for a reason that may pass by
// itself, as opposed to a mistake in a file that only an edit fixes.
func transient(err error) bool {
	var errno syscall.Errno
	if !errors.As(err, &errno) {
		return false
	}
	switch errno {
	case syscall.EMFILE, syscall.ENFILE, syscall.ENOMEM, syscall.EAGAIN, syscall.EINTR, syscall.EIO,
		syscall.ENOSPC, syscall.EDQUOT, syscall.EACCES, syscall.EPERM, syscall.EBUSY:
		return true
	}
	return false
}
