package pipeline

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Links in content/ are followed only to files inside the site; every bad
// link is reported in one run and nothing is written.
func TestContentSymlinks(t *testing.T) {
	siteDir := t.TempDir()
	secret := filepath.Join(t.TempDir(), "secret.md")
	article := "---\ntitle: Asli\ndate: 2025-04-28\n---\nIsi berita.\n"
	for name, data := range map[string]string{secret: article, filepath.Join(siteDir, "content", "a.md"): article,
		filepath.Join(siteDir, "notes", "inside.md"): strings.Replace(article, "Asli", "Dari dalam situs", 1)} {
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	link := func(target, name string) {
		if err := os.Symlink(target, filepath.Join(siteDir, "content", name)); err != nil {
			t.Fatal(err)
		}
	}
	link(secret, "out.md")
	link("loop.md", "loop.md")
	link(filepath.Join(siteDir, "notes"), "folder.md")
	out := filepath.Join(t.TempDir(), "public")

	_, err := Build(Options{SiteDir: siteDir, OutDir: out})
	if err == nil {
		t.Fatal("build with links out of the site succeeded")
	}
	for _, want := range []string{
		"content/out.md: the link points outside the site",
		"content/loop.md: the link is broken or loops",
		"content/folder.md: links to folders are not followed",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not say %q:\n%v", want, err)
		}
	}
	if _, statErr := os.Stat(out); !os.IsNotExist(statErr) {
		t.Errorf("a failed build wrote %s", out)
	}

	for _, name := range []string{"out.md", "loop.md", "folder.md"} {
		os.Remove(filepath.Join(siteDir, "content", name))
	}
	link(filepath.Join(siteDir, "notes", "inside.md"), "inside.md")
	res, err := Build(Options{SiteDir: siteDir, OutDir: out})
	if err != nil {
		t.Fatalf("a link inside the site: %v", err)
	}
	if res.Articles != 2 {
		t.Errorf("built %d articles, want 2 (a.md and the linked inside.md)", res.Articles)
	}
	page, err := os.ReadFile(filepath.Join(out, "2025", "04", "28", "inside", "index.html"))
	if err != nil || !strings.Contains(string(page), "Dari dalam situs") {
		t.Errorf("the linked article's page is missing or wrong: %v", err)
	}
}
