package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestSourceDateEpoch: SOURCE_DATE_EPOCH is the build's "now": articles
// after it are held back, the news sitemap holds the two days before it,
// and two builds at that time write the same bytes.
func TestSourceDateEpoch(t *testing.T) {
	siteDir := sampleCopy(t)
	now := time.Date(2025, 4, 29, 12, 0, 0, 0, time.FixedZone("WIB", 7*3600))
	t.Setenv("SOURCE_DATE_EPOCH", strconv.FormatInt(now.Unix(), 10))
	var outs [2]string
	for i := range outs {
		outs[i] = filepath.Join(t.TempDir(), "public")
		if code, _, stderr := cli("build", "--site", siteDir, "--out", outs[i]); code != 0 {
			t.Fatalf("build: exit %d: %s", code, stderr)
		}
	}
	news, err := os.ReadFile(filepath.Join(outs[0], "sitemap-news.xml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"/2025/04/29/rupiah-dibuka-melemah/", "/2025/04/28/korea-utara-akui-kirim-pasukan-ke-rusia/"} {
		if !strings.Contains(string(news), want+"</loc>") {
			t.Errorf("the news sitemap lacks %s:\n%s", want, news)
		}
	}
	if strings.Contains(string(news), "uji-coba-5g") || strings.Contains(string(news), "/2025/04/25/") {
		t.Errorf("the news sitemap holds an article after now or older than two days:\n%s", news)
	}
	if _, err := os.Stat(filepath.Join(outs[0], "2025", "04", "29", "uji-coba-5g-kawasan-industri")); err == nil {
		t.Error("an article dated after SOURCE_DATE_EPOCH was published")
	}
	a, b := readAll(t, outs[0]), readAll(t, outs[1])
	if len(a) != len(b) {
		t.Fatalf("%d files, then %d", len(a), len(b))
	}
	for name, data := range a {
		if !bytes.Equal(data, b[name]) {
			t.Errorf("%s differs between two builds at the same SOURCE_DATE_EPOCH", name)
		}
	}

	t.Setenv("SOURCE_DATE_EPOCH", "kemarin")
	code, _, stderr := cli("build", "--site", siteDir, "--out", filepath.Join(t.TempDir(), "x"))
	if code != 2 || !strings.Contains(stderr, `SOURCE_DATE_EPOCH="kemarin" is not a number of seconds since 1970`) {
		t.Errorf("a bad SOURCE_DATE_EPOCH: exit %d, %q", code, stderr)
	}
}

func readAll(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[rel] = data
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
