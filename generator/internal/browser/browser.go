// Package browser starts headless Chromium for the tests that need a real
// browser. Every browser test finds the browser the same way, here: the
// program $CHROME names (as browser-actions/setup-chrome gives it on a
// GitHub runner), else the first of Names on $PATH.
package browser

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// Names are the commands Chromium and Chrome are installed as: Debian,
// Ubuntu and Fedora, and Google's packages.
var Names = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"}

// Install says how to get a browser, for the messages of tests without one.
const Install = "install it with: apt-get update && apt-get install -y chromium, or set CHROME to the browser's path"

// Find is $CHROME when set (a path or a command name), else the first of
// Names on $PATH.
func Find() (string, error) {
	if c := os.Getenv("CHROME"); c != "" {
		p, err := exec.LookPath(c)
		if err != nil {
			return "", fmt.Errorf("$CHROME is %q, which is not a program: %w", c, err)
		}
		return p, nil
	}
	for _, name := range Names {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("none of %s is on $PATH and $CHROME is not set", strings.Join(Names, ", "))
}

// New starts headless Chromium for a test and returns the context of its
// first tab, which lives until the test ends. A missing browser fails the
// test: what such a test checks is what a browser does.
func New(t testing.TB) context.Context {
	t.Helper()
	chromium, err := Find()
	if err != nil {
		t.Fatalf("headless Chromium or Chrome is needed for this test: %v; %s", err, Install)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		// Without these Chromium keeps dialling Google's hosts, which a
		// closed network refuses many times a second.
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	t.Cleanup(func() {
		cancelCtx()
		cancelAlloc()
	})
	// The browser lives as long as the context of the first call: no
	// timeout on that one.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting %s: %v", chromium, err)
	}
	return ctx
}
