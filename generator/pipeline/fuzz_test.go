package pipeline

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kabar-news/kabar/generator/internal/htmlcheck"
)

// FuzzBuild builds a one-article site from arbitrary bytes. The build
// either fails with an error or writes a site in which nothing the writer
// typed became live markup, by the rule of package htmlcheck (the one the
// Markdown tests and FuzzParse hold pages to). Inputs that found problems
// once are kept in testdata/fuzz/FuzzBuild.
func FuzzBuild(f *testing.F) {
	for _, seed := range []string{
		"---\ntitle: Halo\ndate: 2025-04-28\n---\nIsi.\n",
		"---\ntitle: \"<script>alert(1)</script> & \\\"kutip\\\"\"\ndate: 2025-04-28\ntags: [\"<b>x</b>\", \"a&b\"]\nsource: \"<img src=x onerror=alert(1)>\"\nsource_url: \"javascript:alert(1)\"\nimage: \"data:text/html,<script>alert(1)</script>\"\n---\n<script>alert(2)</script>\n\n[klik](javascript:alert(3)) <a href=\"javascript:x\" onclick=\"y\">z</a>\n",
		"---\ntitle: x\ndate: 2025-04-28\nslug: ../../etc/passwd\nsection: ../..\n---\n",
		"---\ntitle: \"</script><script>alert(1)</script>\"\ndate: 2025-04-28\ncorrection: [{date: 2025-04-29, text: \"</script><b>x</b>\"}]\n---\nIsi.\n",
		"+++\ntitle = \"T\"\ndate = 2025-04-28T10:00:00+07:00\n+++\nbody\n",
		"\xef\xbb\xbf---\r\ntitle: CRLF\r\ndate: 2025-04-28\r\n---\r\nbody\r\n",
		"---\ntitle: [a, b]\ndate: yesterday\ntags: 5\n---\n",
		"---\ntitle: a\ntitle: b\n---\n",
		"---\n",
		"",
		"\x00\x01\x02",
	} {
		f.Add(seed)
	}
	siteDir := f.TempDir()
	if err := os.MkdirAll(filepath.Join(siteDir, "content"), 0o755); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, src string) {
		if err := os.WriteFile(filepath.Join(siteDir, "content", "a.md"), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(t.TempDir(), "public")
		if _, err := Build(Options{SiteDir: siteDir, OutDir: out}); err != nil {
			if _, statErr := os.Stat(out); statErr == nil {
				t.Fatalf("a failed build wrote %s: %v", out, err)
			}
			return
		}
		err := filepath.WalkDir(out, func(p string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(out, p)
			if strings.HasPrefix(rel, "..") {
				t.Fatalf("wrote outside the output folder: %s", p)
			}
			if d.IsDir() || !strings.HasSuffix(p, ".html") {
				return nil
			}
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			if m := htmlcheck.Live(data); m != "" {
				t.Fatalf("%s holds live markup %q from the article:\n%s", rel, m, src)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
