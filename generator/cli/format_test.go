package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/kabar-news/kabar/generator/diag"
)

// jsonLines decodes every line of out as a diagnostic, failing on a line
// that is not one: an editor reads them so.
func jsonLines(t *testing.T, out string) []diag.Diag {
	t.Helper()
	var ds []diag.Diag
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if l == "" {
			continue
		}
		var d diag.Diag
		dec := json.NewDecoder(strings.NewReader(l))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&d); err != nil {
			t.Fatalf("stdout line %q is not a diagnostic: %v", l, err)
		}
		ds = append(ds, d)
	}
	return ds
}

// TestBuildFormatJSON: with --format json, stdout holds the diagnostics
// alone, one JSON object per line with file, line, severity, message and
// fix, in the order the text output gives them; the summary goes to
// stderr; the exit status is as without it.
func TestBuildFormatJSON(t *testing.T) {
	siteDir := sampleCopy(t)
	out := filepath.Join(t.TempDir(), "public")
	write := func(rel, text string) {
		t.Helper()
		p := filepath.Join(siteDir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	// A clean build: nothing on stdout.
	code, stdout, stderr := cli("build", "--site", siteDir, "--out", out, "--format", "json")
	if code != 0 || stdout != "" || !strings.HasPrefix(stderr, "built 16 articles") {
		t.Fatalf("clean build: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}

	// A warning, and the site still built.
	write("templates/article.html", "{{define \"main\"}}{{range .Site.Articles}}{{.Title}}{{end}}{{end}}\n")
	code, stdout, _ = cli("build", "--site", siteDir, "--out", out, "--format", "json")
	ds := jsonLines(t, stdout)
	if code != 0 || len(ds) != 1 || ds[0].File != "templates/article.html" || ds[0].Severity != diag.Warning ||
		!strings.Contains(ds[0].Message, ".Site.Articles") || ds[0].Fix == "" {
		t.Fatalf("build with a slow template: exit %d, diagnostics %+v", code, ds)
	}
	if err := os.Remove(filepath.Join(siteDir, "templates", "article.html")); err != nil {
		t.Fatal(err)
	}

	// Errors in two articles and in a template.
	write("content/nasional/2025-04-30-kutip.md", "---\ntitle: \"tidak ditutup\ndate: 2025-04-30\n---\nIsi.\n")
	write("content/nasional/2025-04-30-tanggal-rusak.md", "---\ntitle: Tanggal Rusak\ndate: besok\n---\nIsi.\n")
	code, stdout, stderr = cli("build", "--site", siteDir, "--out", out, "--format", "json")
	if code != 1 || !strings.Contains(stderr, "build failed with 2 error(s)") {
		t.Errorf("exit %d, stderr %q: want 1 and the count", code, stderr)
	}
	want := []diag.Diag{
		{File: "content/nasional/2025-04-30-kutip.md", Line: 2, Severity: diag.Error,
			Message: `the title's quote is not closed: the value starts with " and the line ends without one`,
			Fix:     `end the value with ", e.g. title: "tidak ditutup"`},
		{File: "content/nasional/2025-04-30-tanggal-rusak.md", Line: 3, Severity: diag.Error,
			Message: `date "besok" is not a date I can read`, Fix: "write it as 2025-04-28, 2025-04-28 14:30, 2025-04-28T14:30:00+07:00 or Mon, 28 Apr 2025 14:30:00 +0700"},
	}
	if got := jsonLines(t, stdout); !reflect.DeepEqual(got, want) {
		t.Errorf("diagnostics\n%+v\nwant\n%+v", got, want)
	}
	// The text form says the same, line by line.
	_, _, text := cli("build", "--site", siteDir, "--out", out)
	for _, d := range want {
		if !strings.Contains(text, "  "+d.String()+"\n") {
			t.Errorf("the text output lacks %q:\n%s", d.String(), text)
		}
	}

	// A template that fails as it runs: its line and column.
	for _, name := range []string{"2025-04-30-kutip.md", "2025-04-30-tanggal-rusak.md"} {
		os.Remove(filepath.Join(siteDir, "content", "nasional", name))
	}
	write("templates/article.html", "{{define \"main\"}}\n  <p>{{.Article.NoSuchField}}</p>\n{{end}}\n")
	code, stdout, _ = cli("build", "--site", siteDir, "--out", out, "--format", "json")
	ds = jsonLines(t, stdout)
	if code != 1 || len(ds) != 1 || ds[0].File != "templates/article.html" || ds[0].Line != 2 || ds[0].Column != 15 ||
		!strings.Contains(ds[0].Message, "NoSuchField") || !strings.Contains(ds[0].Message, "(rendering ") {
		t.Errorf("template error: exit %d, diagnostics %+v", code, ds)
	}

	if code, _, stderr := cli("build", "--site", siteDir, "--format", "xml"); code != 2 || !strings.Contains(stderr, "--format") {
		t.Errorf("--format xml: exit %d, stderr %q; want 2 and a word on --format", code, stderr)
	}
}
