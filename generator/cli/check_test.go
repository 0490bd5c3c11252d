package cli

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func writeArticle(t *testing.T, siteDir, name, body string) {
	t.Helper()
	data := "---\ntitle: Uji Tautan\ndate: 2025-04-29T08:00:00+07:00\nsection: Nasional\n---\n\n" + body
	if err := os.WriteFile(filepath.Join(siteDir, "content", "nasional", name), []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestCheckCommand: check writes nothing and exits 0 on the sample, 1
// with each broken link as file:line: what: fix, 2 on bad usage.
func TestCheckCommand(t *testing.T) {
	siteDir := sampleCopy(t)
	code, stdout, stderr := cli("check", "--site", siteDir)
	if code != 0 || !strings.Contains(stdout, "checked the links of 15 articles: nothing broken") {
		t.Fatalf("check of the sample: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	writeArticle(t, siteDir, "uji.md", "Lihat [arsip](/2025/04/01/tidak-ada/).\n")
	code, stdout, _ = cli("check", "--site", siteDir)
	want := `content/nasional/uji.md:7:7: link "/2025/04/01/tidak-ada/" is root-relative, but the site is served under /kabar/, and it has no /kabar/2025/04/01/tidak-ada/ either: link to a page of the site`
	if code != 1 || !strings.Contains(stdout, want) || !strings.Contains(stdout, "1 broken link") {
		t.Errorf("check with a broken link: exit %d, stdout %q; want 1 and %q", code, stdout, want)
	}
	if _, err := os.Stat(filepath.Join(siteDir, "public")); !os.IsNotExist(err) {
		t.Errorf("check wrote public/: %v", err)
	}
	if code, _, _ := cli("check", "--site", siteDir, "--nope"); code != 2 {
		t.Errorf("check --nope: exit %d, want 2", code)
	}
}

// TestBuildStrict: a broken link is a warning the summary counts, and
// with --strict a failure that leaves the output as it was.
func TestBuildStrict(t *testing.T) {
	siteDir := sampleCopy(t)
	out := filepath.Join(t.TempDir(), "public")
	if code, _, stderr := cli("build", "--site", siteDir, "--out", out, "--strict"); code != 0 {
		t.Fatalf("strict build of the sample: exit %d: %s", code, stderr)
	}
	index, _ := os.ReadFile(filepath.Join(out, "index.html"))
	writeArticle(t, siteDir, "uji.md", "Lihat ![grafik](/img/tidak-ada.png).\n")
	code, stdout, stderr := cli("build", "--site", siteDir, "--out", out, "--strict")
	if code != 1 || !strings.Contains(stderr, `content/nasional/uji.md:7:7: image "/img/tidak-ada.png" is root-relative, but the site is served under /kabar/, and it has no /kabar/img/tidak-ada.png either: put the file at static/img/tidak-ada.png (the link is then put under /kabar/)`) {
		t.Errorf("strict build with a broken image: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if now, _ := os.ReadFile(filepath.Join(out, "index.html")); string(now) != string(index) {
		t.Error("a failed strict build changed the output")
	}
	code, stdout, stderr = cli("build", "--site", siteDir, "--out", out)
	if code != 0 || !strings.Contains(stdout, "(1 warning)") || !strings.Contains(stderr, "kabar build: warning: content/nasional/uji.md:7:7: image") {
		t.Errorf("build with a broken image: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

// TestCheckExternal: --external asks each outside address once, on a
// server on 127.0.0.1, reports the dead ones where they are written, and
// a second run takes the answers from the cache.
func TestCheckExternal(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	var mu sync.Mutex
	hits := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hits[r.Method+" "+r.URL.Path]++
		mu.Unlock()
		switch {
		case r.URL.Path == "/hidup":
		case r.URL.Path == "/tanpa-head" && r.Method == http.MethodGet:
		case r.URL.Path == "/tanpa-head":
			w.WriteHeader(http.StatusMethodNotAllowed)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	// A site of its own: the sample's outside links go to the internet.
	siteDir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(siteDir, "content", "nasional"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeArticle(t, siteDir, "uji.md", "Sumber [hidup]("+srv.URL+"/hidup), [mati]("+srv.URL+"/hilang#bagian),\n"+
		"[tanpa HEAD]("+srv.URL+"/tanpa-head) dan [mati lagi]("+srv.URL+"/hilang).\n")
	writeArticle(t, siteDir, "sumber.md", "Isi.\n")
	data, _ := os.ReadFile(filepath.Join(siteDir, "content", "nasional", "sumber.md"))
	data = []byte(strings.Replace(string(data), "section: Nasional\n", "section: Nasional\nsource_url: "+srv.URL+"/dihapus\n", 1))
	if err := os.WriteFile(filepath.Join(siteDir, "content", "nasional", "sumber.md"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	want := []string{
		`content/nasional/sumber.md:5:1: link "` + srv.URL + `/dihapus" is dead (404 Not Found): correct the address, link to an archived copy`,
		fmt.Sprintf("content/nasional/uji.md:7:%d: ", len("Sumber [hidup]("+srv.URL+"/hidup), ")+1) + `link "` + srv.URL + `/hilang" is dead (404 Not Found): correct the address, link to an archived copy`,
		fmt.Sprintf("content/nasional/uji.md:8:%d: ", len("[tanpa HEAD]("+srv.URL+"/tanpa-head) dan ")+1) + `link "` + srv.URL + `/hilang" is dead (404 Not Found)`,
		"checked the links of 2 articles, 4 addresses elsewhere (2 dead): 3 broken links",
	}
	for run := 1; run <= 2; run++ {
		code, stdout, stderr := cli("check", "--site", siteDir, "--external")
		if code != 1 {
			t.Errorf("run %d: exit %d, want 1; stderr %q", run, code, stderr)
		}
		lines := strings.Split(strings.TrimSpace(stdout), "\n")
		if len(lines) != len(want) {
			t.Fatalf("run %d: stdout %q, want three dead links and the summary", run, stdout)
		}
		for i, w := range want {
			if !strings.Contains(lines[i], w) {
				t.Errorf("run %d: line %q does not contain %q", run, lines[i], w)
			}
		}
	}
	mu.Lock()
	defer mu.Unlock()
	for key, n := range map[string]int{"HEAD /hidup": 1, "GET /hidup": 0, "HEAD /hilang": 1, "GET /hilang": 0, "HEAD /tanpa-head": 1, "GET /tanpa-head": 1, "HEAD /dihapus": 1} {
		if hits[key] != n {
			t.Errorf("%s asked %d times over two runs, want %d (once, then cached)", key, hits[key], n)
		}
	}
}
