package cli

import (
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kabar-news/kabar/generator/internal/testsite"
	"golang.org/x/sys/unix"
)

// TestServeImageBomb: a lead image declaring 50000×50000 pixels is
// refused from its header; the preview shows the error with the file and
// its size, and the server goes on serving the last good site.
func TestServeImageBomb(t *testing.T) {
	r := startLive(t, 6, true)
	ev := listen(t, strings.TrimSuffix(r.url, "uji/")+"_kabar/events")
	ev.want("hello")
	r.events = ev
	r.write("static/img/bom.png", string(testsite.BombPNG(50000, 50000)))
	ev.want("reload")
	r.oneRebuild("the image added")
	a := r.articles[1]
	a.Image, a.Alt = "/img/bom.png", "bom"
	r.write("content/"+a.File, a.Markdown())
	d := ev.want("failed")
	for _, want := range []string{`"file":"content/` + a.File, "static/img/bom.png is 50000 × 50000 pixels", "max_image_pixels"} {
		if !strings.Contains(d, want) {
			t.Errorf("the failed event lacks %q: %s", want, d)
		}
	}
	r.oneRebuild("the bomb")
	if code, _ := httpGet(t, r.url); code != http.StatusOK {
		t.Errorf("after the bomb, GET %s: %d", r.url, code)
	}
}

// TestServeRetriesAfterFailure runs serve as a child process, takes away
// its file descriptors (its RLIMIT_NOFILE lowered so that it can open no
// more) and saves an article: the rebuild fails with "too many open
// files" and the preview shows it. Once the limit is back, the server
// builds the saved change by itself, with no other save.
func TestServeRetriesAfterFailure(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "kabar")
	if out, err := exec.Command("go", "build", "-o", bin, "../cmd/kabar").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	dir := t.TempDir()
	list, err := testsite.Write(dir, 5, 3)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "serve", "--site", dir, "--addr", "127.0.0.1:0")
	stdout := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = stdout, stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	serving := regexp.MustCompile(`serving (\S+)\n`)
	deadline := time.Now().Add(livePatience)
	for !strings.Contains(stdout.String(), "press Ctrl+C") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	m := serving.FindStringSubmatch(stdout.String())
	if m == nil || !strings.Contains(stdout.String(), "press Ctrl+C") {
		t.Fatalf("serve did not start:\n%s", stdout)
	}
	url := m[1]
	ev := listen(t, strings.TrimSuffix(url, "uji/")+"_kabar/events")
	ev.want("hello")

	var limit unix.Rlimit
	if err := unix.Prlimit(cmd.Process.Pid, unix.RLIMIT_NOFILE, nil, &limit); err != nil {
		t.Fatal(err)
	}
	// A new descriptor takes the lowest free number, which must be below
	// the limit: with 3, only stdin, stdout and stderr's numbers are, and
	// they are taken. The descriptors it has keep working.
	low := unix.Rlimit{Cur: 3, Max: limit.Max}
	if err := unix.Prlimit(cmd.Process.Pid, unix.RLIMIT_NOFILE, &low, nil); err != nil {
		t.Fatal(err)
	}
	a := list[2]
	a.Body = "Paragraf yang ditulis saat berkas habis.\n\n" + a.Body
	writeFile(t, dir, "content/"+a.File, a.Markdown())
	if d := ev.want("failed"); !strings.Contains(d, "too many open files") {
		t.Errorf("the failed event does not say why: %s", d)
	}
	if err := unix.Prlimit(cmd.Process.Pid, unix.RLIMIT_NOFILE, &limit, nil); err != nil {
		t.Fatal(err)
	}
	ev.want("reload")
	if _, body := httpGet(t, url+strings.TrimSuffix(pageOf(a, a.File), "index.html")); !strings.Contains(body, "Paragraf yang ditulis saat berkas habis.") {
		t.Errorf("after the limit is back, the page lacks the saved change:\n%s", stdout)
	}
	cmd.Process.Signal(syscall.SIGINT)
	if err := cmd.Wait(); err != nil {
		t.Errorf("serve: %v\n%s", err, stdout)
	}
}

// TestWatchRefusesLinkInOutput: with watch running, a folder of the
// output is replaced by a symbolic link to a folder elsewhere and an
// article of that day is saved: the rebuild fails saying so, and nothing
// is written into the other folder.
func TestWatchRefusesLinkInOutput(t *testing.T) {
	r := startLive(t, 6, false)
	a := r.articles[3]
	page := pageOf(a, a.File)
	day := filepath.Join(r.out, filepath.FromSlash(page[:len("2006/01/02")]))
	elsewhere := t.TempDir()
	if err := os.RemoveAll(day); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(elsewhere, day); err != nil {
		t.Fatal(err)
	}
	a.Body = "Teks baru.\n\n" + a.Body
	r.write("content/"+a.File, a.Markdown())
	if b := r.nextBuild("the save"); !b.failed {
		t.Errorf("the rebuild through the link did not fail:\n%s%s", r.stdout, r.stderr)
	}
	if !strings.Contains(r.stderr.String(), "is a symbolic link out of the output folder") {
		t.Errorf("the error does not say the path leaves the output folder:\n%s", r.stderr)
	}
	if entries, _ := os.ReadDir(elsewhere); len(entries) != 0 {
		t.Errorf("the build wrote through the link into %s: %v", elsewhere, entries)
	}
}

// TestOutputLinkRefused: an --out that is a symbolic link is refused,
// saying so, and the folder it points to is left as it was.
func TestOutputLinkRefused(t *testing.T) {
	dir := t.TempDir()
	if _, err := testsite.Write(dir, 3, 1); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(t.TempDir(), "situs")
	if code, _, stderr := cli("build", "--site", dir, "--out", target); code != 0 {
		t.Fatalf("build: %s", stderr)
	}
	link := filepath.Join(t.TempDir(), "public")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := cli("build", "--site", dir, "--out", link)
	if code != 1 || !strings.Contains(stderr, "is a symbolic link (to "+target+")") {
		t.Errorf("build --out LINK: exit %d, %s", code, stderr)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v", err)
	}
}
