package cli

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io/fs"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/kabar-news/kabar/generator/output"
)

// TestSIGKILLLeavesPreviousOutput kills real build processes and checks
// that the output folder is then always one complete site: the previous
// one, or the new one when the build had got so far. Half of the kills
// come at random moments within the time a build takes, most of them
// while the site is being written;
// the others the moment the staged site is complete (its marker file is
// written, just before the swap), so that they land in the swap itself:
// the exchange of the two folders, or the removal of the previous site
// after it. Each kill is told apart by what it left, and the test fails
// unless kills landed both while writing and during the swap.
func TestSIGKILLLeavesPreviousOutput(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "kabar")
	if out, err := exec.Command("go", "build", "-o", bin, "../cmd/kabar").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	siteDir := t.TempDir()
	out := filepath.Join(t.TempDir(), "public")
	writeKillSite(t, siteDir, 300)
	runDigest(t, bin, siteDir, out)
	before := treeHash(t, out)

	// The next build differs: one more article. Its complete output, built
	// elsewhere, is the only other state the folder may be in. Once a
	// build got through, the article is taken away again, so that the
	// next build changes the site back: each kill hits a real swap.
	writeKillArticle(t, siteDir, 300)
	ref := filepath.Join(t.TempDir(), "public")
	start := time.Now()
	runDigest(t, bin, siteDir, ref)
	took := time.Since(start) // random kills come within it, most of them while writing
	after := treeHash(t, ref)
	toggle := func() {
		if _, err := os.Stat(filepath.Join(siteDir, "content", "a300.md")); err == nil {
			os.Remove(filepath.Join(siteDir, "content", "a300.md"))
		} else {
			writeKillArticle(t, siteDir, 300)
		}
		before, after = after, before
	}
	staged := filepath.Join(filepath.Dir(out), ".public.tmp-*", output.Marker)
	rng := rand.New(rand.NewSource(1))
	seen := map[string]int{}
	for i := range 20 {
		// --fresh: each build replaces the folder whole, through the swap
		// this test is about (a build that goes on from the saved state
		// renames its few changed files in place).
		cmd := exec.Command(bin, "build", "--fresh", "--site", siteDir, "--out", out)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		atSwap := i%2 == 1
		if atSwap {
			// Kill as soon as the staged site is complete.
			deadline := time.Now().Add(livePatience)
		poll:
			for time.Now().Before(deadline) {
				if m, _ := filepath.Glob(staged); len(m) > 0 {
					break
				}
				select {
				case <-exited:
					exited <- nil
					break poll
				default:
				}
			}
		} else {
			time.Sleep(time.Duration(rng.Int63n(int64(took * 9 / 10))))
		}
		_ = cmd.Process.Kill()
		<-exited
		left, _ := filepath.Glob(filepath.Join(filepath.Dir(out), ".public.*"))
		stagedLeft, _ := filepath.Glob(staged)
		switch got := treeHash(t, out); {
		case got == before && len(stagedLeft) > 0:
			seen["in the swap, before the exchange"]++
		case got == before:
			seen["while writing"]++
		case got == after && len(left) > 0:
			seen["in the swap, removing the previous site"]++
		case got == after:
			seen["after the build"]++
		default:
			t.Fatalf("kill %d: the output is neither the previous nor the new site (left beside it: %v)", i, left)
		}
		if treeHash(t, out) == after {
			toggle()
		}
	}
	// A normal build after all the kills cleans every temporary folder.
	runDigest(t, bin, siteDir, out)
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(out), ".public.*")); len(left) > 0 {
		t.Fatalf("temporary folders left after a clean build: %v", left)
	}
	t.Logf("kills: %v", seen)
	if seen["while writing"] == 0 {
		t.Errorf("no kill landed while the site was written (%v): the test proves nothing of that", seen)
	}
	if seen["in the swap, before the exchange"]+seen["in the swap, removing the previous site"] == 0 {
		t.Errorf("no kill landed during the swap (%v): the test proves nothing of it", seen)
	}
}

func runDigest(t *testing.T, bin, siteDir, out string) {
	t.Helper()
	var stderr bytes.Buffer
	cmd := exec.Command(bin, "build", "--fresh", "--site", siteDir, "--out", out)
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("build: %v\n%s", err, stderr.String())
	}
}

func writeKillSite(t *testing.T, dir string, n int) {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(dir, "content"), 0o755); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		writeKillArticle(t, dir, i)
	}
}

func writeKillArticle(t *testing.T, dir string, i int) {
	t.Helper()
	body := strings.Repeat(fmt.Sprintf("Paragraf %d tentang berita hari ini.\n\n", i), 20)
	src := fmt.Sprintf("---\ntitle: Berita nomor %d\ndate: 2025-04-%02dT%02d:00:00+07:00\nsection: S%d\ntags: [t%d, t%d]\nsource: Sumber %d\n---\n%s",
		i, 1+i%28, i%24, i%4, i%10, i%7, i%5, body)
	if err := os.WriteFile(filepath.Join(dir, "content", fmt.Sprintf("a%d.md", i)), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
}

// treeHash hashes every file name and content below dir.
func treeHash(t *testing.T, dir string) string {
	t.Helper()
	h := sha256.New()
	var names []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			names = append(names, p)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("output %s is not a complete folder: %v", dir, err)
	}
	sort.Strings(names)
	for _, p := range names {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(h, "%s %d\n", strings.TrimPrefix(p, dir), len(data))
		h.Write(data)
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}
