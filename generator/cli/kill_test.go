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
)

// TestSIGKILLLeavesPreviousOutput kills real build processes at random
// moments and checks that the output folder is then always one complete
// site: the previous one, or the new one when the build had finished.
func TestSIGKILLLeavesPreviousOutput(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "digest")
	if out, err := exec.Command("go", "build", "-o", bin, "../cmd/kabar").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	siteDir := t.TempDir()
	out := filepath.Join(t.TempDir(), "public")
	writeKillSite(t, siteDir, 300)
	runDigest(t, bin, siteDir, out)
	before := treeHash(t, out)

	// The next build differs: one more article. Its complete output, built
	// elsewhere, is the only other state the folder may be in.
	writeKillArticle(t, siteDir, 300)
	ref := filepath.Join(t.TempDir(), "public")
	runDigest(t, bin, siteDir, ref)
	after := treeHash(t, ref)
	rng := rand.New(rand.NewSource(1))
	seen := map[string]int{}
	for i := range 25 {
		cmd := exec.Command(bin, "build", "--site", siteDir, "--out", out)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(rng.Intn(600)) * time.Millisecond)
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		switch got := treeHash(t, out); got {
		case before:
			seen["previous"]++
		case after:
			seen["new"]++
		default:
			t.Fatalf("kill %d: the output is neither the previous nor the new site", i)
		}
		if seen["new"] > 0 {
			// Back to the previous state, so later kills test a swap again.
			os.Remove(filepath.Join(siteDir, "content", "a300.md"))
			runDigest(t, bin, siteDir, out)
			if got := treeHash(t, out); got != before {
				t.Fatalf("rebuilding the previous site gave another output")
			}
			writeKillArticle(t, siteDir, 300)
		}
	}
	// A normal build after all the kills cleans every temporary folder.
	runDigest(t, bin, siteDir, out)
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(out), ".public.*")); len(left) > 0 {
		t.Fatalf("temporary folders left after a clean build: %v", left)
	}
	if seen["previous"] == 0 {
		t.Fatalf("no kill landed during a build (%v): the test proves nothing", seen)
	}
	t.Logf("outcomes: %v", seen)
}

func runDigest(t *testing.T, bin, siteDir, out string) {
	t.Helper()
	var stderr bytes.Buffer
	cmd := exec.Command(bin, "build", "--site", siteDir, "--out", out)
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
