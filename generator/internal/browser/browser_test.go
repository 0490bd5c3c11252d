package browser

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFind finds the browser under each name it is installed as, and lets
// $CHROME override $PATH.
func TestFind(t *testing.T) {
	fake := func(name string) string {
		dir := t.TempDir()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("#!/bin/sh\n"), 0o755); err != nil {
			t.Fatal(err)
		}
		return p
	}
	t.Setenv("CHROME", "")
	for _, name := range Names {
		p := fake(name)
		t.Setenv("PATH", filepath.Dir(p))
		if got, err := Find(); err != nil || got != p {
			t.Errorf("with only %s on $PATH: found %q, %v", name, got, err)
		}
	}
	onPath := fake("chromium")
	t.Setenv("PATH", filepath.Dir(onPath))
	other := fake("chrome")
	t.Setenv("CHROME", other)
	if got, err := Find(); err != nil || got != other {
		t.Errorf("with CHROME=%s: found %q, %v", other, got, err)
	}
	t.Setenv("CHROME", filepath.Join(t.TempDir(), "missing"))
	if got, err := Find(); err == nil || !strings.Contains(err.Error(), "$CHROME") {
		t.Errorf("with CHROME naming no file: found %q, %v; want an error naming $CHROME", got, err)
	}
	// A file that is there but may not run (as /usr/bin/chromium bound
	// over by an empty file) is no browser.
	notRunnable := filepath.Join(t.TempDir(), "chromium")
	os.WriteFile(notRunnable, nil, 0o644)
	t.Setenv("CHROME", "")
	t.Setenv("PATH", filepath.Dir(notRunnable))
	if got, err := Find(); err == nil {
		t.Errorf("with only a chromium that may not run on $PATH: found %q", got)
	}
}
