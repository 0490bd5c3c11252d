package progress

import (
	"bytes"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer that the meter's goroutine and the test can
// use at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// lastFrame is the last line drawn: the text after the last "\r", less the
// clear-to-end-of-line that closes it.
func lastFrame(out string) string {
	out = strings.TrimSuffix(out, clearLine)
	return out[strings.LastIndex(out, "\r")+1:]
}

// waitFor polls until the last frame drawn on buf contains want, and returns
// everything written so far.
func waitFor(t *testing.T, buf *syncBuffer, want string) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		out := buf.String()
		if strings.Contains(lastFrame(out), want) {
			return out
		}
		if time.Now().After(deadline) {
			t.Fatalf("no frame with %q within 10s; output %q", want, out)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// checkFrames fails unless out is only whole frames: "\r", a line, "\x1b[K",
// with no newline anywhere.
func checkFrames(t *testing.T, out string) {
	t.Helper()
	if strings.Contains(out, "\n") {
		t.Errorf("output has a newline: %q", out)
	}
	if !strings.HasPrefix(out, "\r") || !strings.HasSuffix(out, clearLine) {
		t.Errorf("output is not whole frames: %q", out)
	}
	for _, f := range strings.Split(out, "\r")[1:] {
		if !strings.HasSuffix(f, clearLine) {
			t.Errorf("frame %q does not end by clearing the rest of the line", f)
		}
	}
}

func TestNonTerminalWritesNothing(t *testing.T) {
	var buf bytes.Buffer
	m := New(&buf)
	if m.tty {
		t.Fatal("a bytes.Buffer was taken for a terminal")
	}
	m.Start()
	m.Stage("rendering", "pages", 10)
	m.Add(3)
	m.Stop()
	if buf.Len() != 0 {
		t.Errorf("non-terminal got output %q", buf.String())
	}
	if m.stop != nil {
		t.Error("Start ran a goroutine on a non-terminal")
	}
}

func TestFileIsNotATerminal(t *testing.T) {
	f, err := os.Create(t.TempDir() + "/log")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	for _, f := range []*os.File{f, w} {
		if New(f).tty {
			t.Errorf("%s was taken for a terminal", f.Name())
		}
	}
}

func TestTerminalShowsProgress(t *testing.T) {
	buf := &syncBuffer{}
	m := newMeter(buf, true, 0)
	m.Stage("rendering", "pages", 26510)
	m.Add(12000)
	m.Add(345)
	m.Start()
	defer m.Stop()
	out := waitFor(t, buf, "12,345")
	if f := lastFrame(out); !strings.HasPrefix(f, "rendering  12,345 / 26,510 pages  ") {
		t.Errorf("frame %q, want it to start with the stage, the count and the total", f)
	}
	checkFrames(t, out)

	m.Add(5)
	waitFor(t, buf, "rendering  12,350 / 26,510 pages  ")
}

func TestUnknownTotal(t *testing.T) {
	buf := &syncBuffer{}
	m := newMeter(buf, true, 0)
	m.Stage("reading", "articles", 0)
	m.Add(1234)
	m.Start()
	defer m.Stop()
	out := waitFor(t, buf, "1,234")
	if f := lastFrame(out); !strings.HasPrefix(f, "reading  1,234 articles  ") || strings.Contains(f, "/ ") {
		t.Errorf("frame %q, want the count and no total", f)
	}
}

func TestStageRestartsCounts(t *testing.T) {
	buf := &syncBuffer{}
	m := newMeter(buf, true, 0)
	m.Stage("reading", "articles", 100)
	m.Add(100)
	m.Start()
	defer m.Stop()
	waitFor(t, buf, "reading  100 / 100 articles")
	m.Stage("rendering", "pages", 400)
	if got := m.done.Load(); got != 0 {
		t.Errorf("count after Stage = %d, want 0", got)
	}
	m.Add(7)
	waitFor(t, buf, "rendering  7 / 400 pages")
}

func TestStopClearsLine(t *testing.T) {
	buf := &syncBuffer{}
	m := newMeter(buf, true, 0)
	m.Stage("writing", "files", 3)
	m.Add(2)
	m.Start()
	waitFor(t, buf, "writing  2 / 3 files")
	m.Stop()
	out := buf.String()
	if !strings.HasSuffix(out, "\r"+clearLine) || lastFrame(out) != "" {
		t.Errorf("output after Stop ends %q, want the line cleared", out[max(0, len(out)-40):])
	}
	checkFrames(t, out)

	// Stop returns only once the goroutine has gone: nothing more comes,
	// not from more work, a second Stop or a Start.
	m.Add(1)
	m.Stop()
	m.Start()
	time.Sleep(3 * refresh)
	if got := buf.String(); got != out {
		t.Errorf("output after Stop grew by %q", got[len(out):])
	}
}

func TestStopBeforeDelayWritesNothing(t *testing.T) {
	buf := &syncBuffer{}
	m := newMeter(buf, true, time.Hour)
	m.Stage("rendering", "pages", 10)
	m.Start()
	m.Add(10)
	m.Stop()
	if out := buf.String(); out != "" {
		t.Errorf("a build quicker than the delay got output %q", out)
	}
}

func TestStartTwice(t *testing.T) {
	buf := &syncBuffer{}
	m := newMeter(buf, true, 0)
	m.Stage("rendering", "pages", 0)
	m.Start()
	stop := m.stop
	m.Start()
	if m.stop != stop {
		t.Error("a second Start ran a second goroutine")
	}
	m.Add(1)
	waitFor(t, buf, "rendering  1 pages")
	m.Stop()
	m.Stop()
}

func TestStopWithoutStart(t *testing.T) {
	buf := &syncBuffer{}
	m := newMeter(buf, true, 0)
	m.Stage("rendering", "pages", 1)
	m.Stop()
	m.Start()
	if m.stop != nil {
		t.Error("Start after Stop ran a goroutine")
	}
	if out := buf.String(); out != "" {
		t.Errorf("got output %q", out)
	}
}

func TestNoStageDrawsNothing(t *testing.T) {
	m := newMeter(&syncBuffer{}, true, 0)
	if got := m.line(time.Now(), time.Now()); got != "" {
		t.Errorf("line before any stage = %q, want none", got)
	}
}

func TestNilMeter(t *testing.T) {
	var m *Meter
	m.Stage("rendering", "pages", 10)
	m.Add(1)
	m.Start()
	m.Stop()
	m.Stop()
}

func TestConcurrentAdd(t *testing.T) {
	buf := &syncBuffer{}
	m := newMeter(buf, true, 0)
	m.Stage("rendering", "pages", 64000)
	m.Start()
	defer m.Stop()
	var wg sync.WaitGroup
	for range 64 {
		wg.Go(func() {
			for range 1000 {
				m.Add(1)
			}
		})
	}
	wg.Wait()
	if got := m.done.Load(); got != 64000 {
		t.Errorf("count = %d, want 64000", got)
	}
	waitFor(t, buf, "rendering  64,000 / 64,000 pages")
}

func TestFormatLine(t *testing.T) {
	for _, c := range []struct {
		stage, unit        string
		done, total        int64
		stageTime, elapsed time.Duration
		want               string
	}{
		{"rendering", "pages", 12345, 26510, 1500 * time.Millisecond, 3200 * time.Millisecond,
			"rendering  12,345 / 26,510 pages  8,230/s  3.2s"},
		// Too early for a rate that means anything.
		{"reading", "articles", 40, 0, 100 * time.Millisecond, 1200 * time.Millisecond,
			"reading  40 articles  1.2s"},
		{"writing", "", 5, 9, 0, 61 * time.Second, "writing  5 / 9 items  1m01s"},
	} {
		if got := formatLine(c.stage, c.unit, c.done, c.total, c.stageTime, c.elapsed); got != c.want {
			t.Errorf("formatLine(%q, %q, %d, %d, %v, %v) = %q, want %q",
				c.stage, c.unit, c.done, c.total, c.stageTime, c.elapsed, got, c.want)
		}
	}
}

func TestGroup(t *testing.T) {
	for n, want := range map[int64]string{
		0: "0", 7: "7", 999: "999", 1000: "1,000", 26510: "26,510",
		123456: "123,456", 1234567: "1,234,567", -1234: "-1,234",
	} {
		if got := group(n); got != want {
			t.Errorf("group(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0:                             "0.0s",
		3249 * time.Millisecond:       "3.2s",
		59999 * time.Millisecond:      "59.9s",
		time.Minute:                   "1m00s",
		4*time.Minute + 5*time.Second: "4m05s",
		time.Hour + 2*time.Minute + 3*time.Second: "1h02m03s",
		-time.Second: "0.0s",
	} {
		if got := duration(d); got != want {
			t.Errorf("duration(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestTruncate(t *testing.T) {
	for _, c := range []struct {
		s     string
		width int
		want  string
	}{
		{"rendering  12 pages", 0, "rendering  12 pages"},
		{"rendering  12 pages", -1, "rendering  12 pages"},
		{"rendering  12 pages", 9, "rendering"},
		{"rendering  12 pages", 40, "rendering  12 pages"},
		{"menulis ünduh", 9, "menulis ü"},
	} {
		if got := truncate(c.s, c.width); got != c.want {
			t.Errorf("truncate(%q, %d) = %q, want %q", c.s, c.width, got, c.want)
		}
	}
}

func TestLineFitsTerminalWidth(t *testing.T) {
	m := newMeter(&syncBuffer{}, true, 0)
	m.width = func() int { return 20 }
	m.Stage("rendering", "pages", 26510)
	m.Add(12345)
	now := time.Now()
	if got, want := m.line(now, now), "rendering  12,345 /"; got != want {
		t.Errorf("line on a 20-column terminal = %q, want %q", got, want)
	}
}
