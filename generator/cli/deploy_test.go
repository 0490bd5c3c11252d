package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestDeployCommand deploys the sample to a folder bucket (file://, a
// real gocloud.dev store on disk) named in the config: the command picks
// the only target, prints the summary line, and a second run uploads
// nothing. The deploy package's tests run against a real S3 server.
func TestDeployCommand(t *testing.T) {
	siteDir := sampleCopy(t)
	out := filepath.Join(t.TempDir(), "public")
	bucket := t.TempDir()
	cfg := fmt.Sprintf("deploy:\n  - name: lokal\n    url: file://%s\n    cache_control: {\"*.html\": \"public, max-age=300\"}\n", filepath.ToSlash(bucket))
	f, err := os.OpenFile(filepath.Join(siteDir, "site.yaml"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("\n" + cfg)
	f.Close()

	if code, _, stderr := cli("deploy", "--site", siteDir, "--out", out); code != 1 || !strings.Contains(stderr, "run kabar build first") {
		t.Errorf("deploy before build: exit %d, %q", code, stderr)
	}
	if code, _, stderr := cli("build", "--site", siteDir, "--out", out); code != 0 {
		t.Fatalf("build: %s", stderr)
	}
	summary := regexp.MustCompile(`^uploaded (\d+) \([0-9.]+ [kM]B\), deleted 0, unchanged 0 in [0-9.]+ s\n$`)
	code, stdout, stderr := cli("deploy", "--site", siteDir, "--out", out)
	m := summary.FindStringSubmatch(stdout)
	if code != 0 || m == nil || m[1] == "0" {
		t.Fatalf("first deploy: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if _, err := os.Stat(filepath.Join(bucket, "index.html")); err != nil {
		t.Errorf("the bucket has no index.html: %v", err)
	}
	code, stdout, _ = cli("deploy", "--site", siteDir, "--out", out, "--target", "lokal")
	if want := "uploaded 0 (0 B), deleted 0, unchanged " + m[1] + " in "; code != 0 || !strings.HasPrefix(stdout, want) {
		t.Errorf("second deploy: exit %d, %q; want %q...", code, stdout, want)
	}

	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--target", "r2"}, 2, `no deploy target "r2": the targets are lokal`},
		{[]string{"--target", "lokal", "--to", "file:///tmp"}, 2, "not both"},
		{[]string{"--max-deletes", "-1"}, 2, "--max-deletes"},
	} {
		code, _, stderr := cli(append([]string{"deploy", "--site", siteDir, "--out", out}, c.args...)...)
		if code != c.code || !strings.Contains(stderr, c.want) {
			t.Errorf("deploy %v: exit %d, %q; want %d and %q", c.args, code, stderr, c.code, c.want)
		}
	}
}
