// Package progress shows how far a long build has got, on one line of a
// terminal.
//
// A Meter counts the items done in the current stage of a build ("reading"
// articles, "rendering" pages, ...). Once started, and only when its writer
// is a terminal, it redraws one line at most ten times a second:
//
//	rendering  12,345 / 26,510 pages  8,210/s  3.2s
//
// that is the stage, the items done, the stage's total (left out when
// unknown), the stage's rate (once it has run half a second) and the time
// since Start. Each redraw is "\r", the line, then "\x1b[K" (clear to end of
// line); nothing else is written, never a newline, so output before and
// after the meter is not disturbed. Nothing shows until a delay (1 s) has
// passed, so quick builds stay silent.
//
// When the writer is not a terminal (a pipe, a file, CI's log, a
// bytes.Buffer), or TERM is "dumb", a Meter writes nothing at all: the
// caller prints its own summary line when the build is done, on a terminal
// too, after Stop.
//
// Add is cheap and safe from many goroutines at once. Stage, Start and Stop
// are meant for the goroutine that drives the build: call Stage between
// stages, not while another goroutine may still Add for the previous one.
// Every method is a no-op on a nil *Meter, so callers need not check.
package progress

import (
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"golang.org/x/term"
)

const (
	defaultDelay = time.Second
	// Ten redraws a second look live without costing the build anything.
	refresh = 100 * time.Millisecond
	// A rate taken over a shorter time jumps about too much to read.
	minRateTime = 500 * time.Millisecond
	clearLine   = "\x1b[K"
)

// Meter counts the work of one build and, on a terminal, shows it on one line.
type Meter struct {
	w     io.Writer
	tty   bool
	delay time.Duration
	// width reports the terminal's width in columns, 0 if unknown.
	width func() int

	done  atomic.Int64
	total atomic.Int64

	mu         sync.Mutex // guards the fields below
	stage      string
	unit       string
	stageStart time.Time
	started    bool
	stopped    bool
	stop       chan struct{}
	exited     chan struct{}
	drawn      bool // the goroutine has put a line on the terminal
}

// New returns a meter writing to w (usually os.Stderr). It animates only when
// w is an *os.File on a terminal.
func New(w io.Writer) *Meter {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) || os.Getenv("TERM") == "dumb" {
		return newMeter(w, false, defaultDelay)
	}
	m := newMeter(w, true, defaultDelay)
	m.width = func() int {
		cols, _, err := term.GetSize(int(f.Fd()))
		if err != nil {
			return 0
		}
		return cols
	}
	return m
}

// newMeter returns a meter that animates on w when tty is set, whatever w is,
// after delay: tests use it to see what a terminal would.
func newMeter(w io.Writer, tty bool, delay time.Duration) *Meter {
	return &Meter{w: w, tty: tty, delay: delay, width: func() int { return 0 }}
}

// Stage starts a named stage ("reading", "rendering", "writing") whose items
// are called unit ("articles", "pages", "files"), with a total (0 if unknown).
// Counts restart.
func (m *Meter) Stage(name, unit string, total int) {
	if m == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.stage, m.unit = name, unit
	m.stageStart = time.Now()
	m.done.Store(0)
	m.total.Store(int64(total))
}

// Add counts n more items done in the current stage. It is safe for
// concurrent use and costs one atomic add.
func (m *Meter) Add(n int) {
	if m == nil {
		return
	}
	m.done.Add(int64(n))
}

// Start begins showing progress after the meter's delay (1 s), so that quick
// builds show nothing; elapsed time counts from here. It does nothing on a
// non-terminal, when already started, or after Stop.
func (m *Meter) Start() {
	if m == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.tty || m.started || m.stopped {
		return
	}
	m.started = true
	m.stop = make(chan struct{})
	m.exited = make(chan struct{})
	go m.run(time.Now(), m.stop, m.exited)
}

// Stop stops the drawing goroutine and, if it drew anything, clears the line,
// leaving the cursor at the start of an empty line. Nothing is written after
// Stop returns. Calling it again, or without Start, does nothing; a stopped
// meter cannot be started again.
func (m *Meter) Stop() {
	if m == nil {
		return
	}
	m.mu.Lock()
	if m.stopped {
		m.mu.Unlock()
		return
	}
	m.stopped = true
	stop, exited := m.stop, m.exited
	m.mu.Unlock()
	if stop == nil {
		return
	}
	close(stop)
	<-exited
	// The goroutine has exited, so nothing else writes now.
	if m.drawn {
		io.WriteString(m.w, "\r"+clearLine)
	}
}

func (m *Meter) run(start time.Time, stop <-chan struct{}, exited chan<- struct{}) {
	defer close(exited)
	delay := time.NewTimer(m.delay)
	defer delay.Stop()
	select {
	case <-stop:
		return
	case <-delay.C:
	}
	tick := time.NewTicker(refresh)
	defer tick.Stop()
	last := ""
	for {
		if line := m.line(time.Now(), start); line != "" && line != last {
			// A write error (a closed terminal) is no reason to fail the
			// build, and the next frame will simply try again.
			io.WriteString(m.w, "\r"+line+clearLine)
			last = line
			m.mu.Lock()
			m.drawn = true
			m.mu.Unlock()
		}
		select {
		case <-stop:
			return
		case <-tick.C:
		}
	}
}

// line is what the terminal shows now, cut to its width, or "" before the
// first stage.
func (m *Meter) line(now, start time.Time) string {
	// The counts are read under the lock too, so that a frame never shows
	// the previous stage's count beside the new stage's name.
	m.mu.Lock()
	stage, unit, stageStart := m.stage, m.unit, m.stageStart
	done, total := m.done.Load(), m.total.Load()
	m.mu.Unlock()
	if stage == "" {
		return ""
	}
	s := formatLine(stage, unit, done, total, now.Sub(stageStart), now.Sub(start))
	// A line that wraps would leave its first part behind: "\r" only
	// returns to the start of the last row. The last column stays free
	// because some terminals wrap on writing it.
	return truncate(s, m.width()-1)
}

// formatLine lays out one progress line.
func formatLine(stage, unit string, done, total int64, stageTime, elapsed time.Duration) string {
	if unit == "" {
		unit = "items"
	}
	var b strings.Builder
	b.WriteString(stage)
	b.WriteString("  ")
	b.WriteString(group(done))
	if total > 0 {
		b.WriteString(" / ")
		b.WriteString(group(total))
	}
	b.WriteString(" ")
	b.WriteString(unit)
	if stageTime >= minRateTime {
		b.WriteString("  ")
		b.WriteString(group(int64(float64(done) / stageTime.Seconds())))
		b.WriteString("/s")
	}
	b.WriteString("  ")
	b.WriteString(duration(elapsed))
	return b.String()
}

// group writes n with a comma between each group of three digits.
func group(n int64) string {
	s := strconv.FormatInt(n, 10)
	sign := ""
	if n < 0 {
		sign, s = "-", s[1:]
	}
	var b strings.Builder
	b.WriteString(sign)
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// duration writes d as 3.2s, 4m05s or 1h02m03s.
func duration(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	if d < time.Minute {
		return strconv.FormatFloat(d.Truncate(100*time.Millisecond).Seconds(), 'f', 1, 64) + "s"
	}
	s := int64(d / time.Second)
	h, m, sec := s/3600, s/60%60, s%60
	pad := func(n int64) string {
		if n < 10 {
			return "0" + strconv.FormatInt(n, 10)
		}
		return strconv.FormatInt(n, 10)
	}
	if h == 0 {
		return strconv.FormatInt(m, 10) + "m" + pad(sec) + "s"
	}
	return strconv.FormatInt(h, 10) + "h" + pad(m) + "m" + pad(sec) + "s"
}

// truncate cuts s to at most width characters; width <= 0 means no limit.
func truncate(s string, width int) string {
	if width <= 0 || utf8.RuneCountInString(s) <= width {
		return s
	}
	i, n := 0, 0
	for i < len(s) && n < width {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
		n++
	}
	return s[:i]
}
