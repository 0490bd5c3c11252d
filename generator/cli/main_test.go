package cli

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kabar-news/kabar/generator/internal/testsite"
)

// sampleCopy copies the sample site (the repository root) into a fresh
// folder and returns it.
func sampleCopy(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	dst := t.TempDir()
	if err := testsite.CopySample(root, dst); err != nil {
		t.Fatal(err)
	}
	return dst
}

// cli runs the command line and returns its exit status and output.
func cli(args ...string) (code int, stdout, stderr string) {
	var out, errw bytes.Buffer
	code = run(args, &out, &errw)
	return code, out.String(), errw.String()
}

func TestBuildCommand(t *testing.T) {
	siteDir := sampleCopy(t)
	out := filepath.Join(t.TempDir(), "public")
	code, stdout, stderr := cli("build", "--site", siteDir, "--out", out, "--base-url", "https://user.github.io/repo")
	if code != 0 || stderr != "" {
		t.Fatalf("build: exit %d, stderr %q", code, stderr)
	}
	if !strings.HasPrefix(stdout, "built 16 articles into ") || !strings.Contains(stdout, out) {
		t.Errorf("build reported %q", stdout)
	}
	index, err := os.ReadFile(filepath.Join(out, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(index), `href="/repo/css/style.css"`) {
		t.Error("--base-url was not applied")
	}
}

// TestBuildCommandFails: a broken article gives exit status 1, every error
// on stderr with its file, nothing on stdout, and the old output kept.
func TestBuildCommandFails(t *testing.T) {
	siteDir := sampleCopy(t)
	out := filepath.Join(t.TempDir(), "public")
	if code, _, stderr := cli("build", "--site", siteDir, "--out", out); code != 0 {
		t.Fatalf("first build: exit %d: %s", code, stderr)
	}
	before, _ := os.ReadFile(filepath.Join(out, "index.html"))
	for name, text := range map[string]string{
		"2025-04-30-tanpa-judul.md":   "---\ndate: 2025-04-30\n---\nIsi tanpa judul.\n",
		"2025-04-30-tanggal-rusak.md": "---\ntitle: Tanggal Rusak\ndate: besok\n---\nIsi.\n",
	} {
		if err := os.WriteFile(filepath.Join(siteDir, "content", "nasional", name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, stdout, stderr := cli("build", "--site", siteDir, "--out", out)
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	if stdout != "" {
		t.Errorf("stdout %q, want nothing", stdout)
	}
	for _, want := range []string{"build failed with 2 error(s)", "content/nasional/2025-04-30-tanpa-judul.md", "content/nasional/2025-04-30-tanggal-rusak.md"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	after, _ := os.ReadFile(filepath.Join(out, "index.html"))
	if !bytes.Equal(before, after) || len(after) == 0 {
		t.Error("the failed build changed the output")
	}
}

// TestBuildCommandRefusesContent: an --out that is the site's content
// folder is a build error, and the content is left alone.
func TestBuildCommandRefusesContent(t *testing.T) {
	siteDir := sampleCopy(t)
	code, stdout, stderr := cli("build", "--site", siteDir, "--out", filepath.Join(siteDir, "content"))
	if code != 1 || stdout != "" || !strings.Contains(stderr, "refusing") {
		t.Errorf("--out content/: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if _, err := os.Stat(filepath.Join(siteDir, "content", "dunia", "2025-04-28-korea-utara-akui-kirim-pasukan-ke-rusia.md")); err != nil {
		t.Errorf("content/ was touched: %v", err)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"publish"},
		{"build", "--no-such-flag"},
		{"build", "extra"},
		{"build", "--site"},
		{"version", "extra"},
	} {
		code, stdout, stderr := cli(args...)
		if code != 2 {
			t.Errorf("%q: exit %d, want 2", args, code)
		}
		if stderr == "" || stdout != "" {
			t.Errorf("%q: usage errors go to stderr only; stdout %q, stderr %q", args, stdout, stderr)
		}
	}
	if _, _, stderr := cli("publish"); !strings.Contains(stderr, `unknown command "publish"`) || !strings.Contains(stderr, "kabar build") {
		t.Errorf("an unknown command names itself and shows the usage: %q", stderr)
	}
}

// TestHelp: --help on a command and help for a command print its usage
// to stdout, and nothing else, and exit 0.
func TestHelp(t *testing.T) {
	for _, cmd := range []string{"build", "serve", "watch", "version"} {
		for _, args := range [][]string{{cmd, "--help"}, {cmd, "-h"}, {"help", cmd}} {
			code, stdout, stderr := cli(args...)
			if code != 0 || stderr != "" {
				t.Errorf("%q: exit %d, stderr %q", args, code, stderr)
			}
			if !strings.HasPrefix(stdout, "Usage: kabar "+cmd) {
				t.Errorf("%q: stdout %q, want the command's usage", args, stdout)
			}
		}
	}
	for _, args := range [][]string{{"help"}, {"--help"}, {"-h"}, {"help", "--help"}} {
		code, stdout, _ := cli(args...)
		if code != 0 || !strings.Contains(stdout, "kabar build [flags]") {
			t.Errorf("%q: exit %d, stdout %q", args, code, stdout)
		}
	}
	for cmd, flags := range map[string][]string{
		"build": {"-site", "-out", "-base-url", "-drafts", "-future"},
		"serve": {"-site", "-addr", "-out", "-drafts", "-future", "-no-reload"},
		"watch": {"-site", "-out", "-drafts", "-future"},
	} {
		_, stdout, _ := cli(cmd, "--help")
		for _, f := range flags {
			if !strings.Contains(stdout, f) {
				t.Errorf("%s --help does not list %s: %q", cmd, f, stdout)
			}
		}
	}
}

func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}} {
		code, stdout, _ := cli(args...)
		if code != 0 || !strings.HasPrefix(stdout, "kabar ") || strings.TrimSpace(stdout) == "kabar" {
			t.Errorf("%q: exit %d, stdout %q", args, code, stdout)
		}
	}
	old := version
	version = "v1.2.3"
	defer func() { version = old }()
	_, stdout, _ := cli("version")
	// A binary built in a clone carries the commit (go test stamps it
	// too, as on a GitHub runner): then it must be this clone's HEAD.
	rest, ok := strings.CutPrefix(stdout, "kabar v1.2.3")
	if !ok {
		t.Fatalf("with -X cli.version=v1.2.3: %q", stdout)
	}
	if rest == "\n" {
		return
	}
	rev, ok := strings.CutPrefix(rest, " (")
	rev, ok2 := strings.CutSuffix(rev, ")\n")
	rev, _ = strings.CutSuffix(rev, "+dirty")
	head, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		t.Fatalf("the version names revision %q, but git rev-parse HEAD: %v", rev, err)
	}
	if !ok || !ok2 || len(rev) != 12 || !strings.HasPrefix(string(head), rev) {
		t.Errorf("with -X cli.version=v1.2.3: %q; want the version alone or followed by (%.12s)", stdout, head)
	}
}

// The installed binary names the commit it was built from, which the test
// binary (built without VCS stamping) cannot show.
func TestVersionNamesRevision(t *testing.T) {
	head, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		t.Fatalf("git rev-parse HEAD: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "kabar")
	// -buildvcs=true because GOFLAGS may turn stamping off.
	if out, err := exec.Command("go", "build", "-buildvcs=true", "-o", bin, "../cmd/kabar").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "version").Output()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(out), "kabar v") || !strings.Contains(string(out), string(head[:12])) {
		t.Errorf("version = %q, want kabar, a version and revision %.12s", out, head)
	}
}

func TestGCPercent(t *testing.T) {
	const mb = 1 << 20
	for _, c := range []struct {
		live uint64
		want int
	}{{0, 400}, {128 * mb, 400}, {256 * mb, 200}, {512 * mb, 100}, {4096 * mb, 50}} {
		if got := gcPercent(c.live, 128*mb); got != c.want {
			t.Errorf("gcPercent(%d MB) = %d, want %d", c.live/mb, got, c.want)
		}
	}
}
