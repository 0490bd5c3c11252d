package scaffold

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	_ "time/tzdata"
)

func write(t *testing.T, root string, files ...string) {
	t.Helper()
	for _, f := range files {
		p := filepath.Join(root, "content", filepath.FromSlash(f))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte("---\ntitle: X\ndate: 2025-04-01\n---\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestLayout: the draft is named the way most of the site's articles are,
// in the section's existing folder whatever its case.
func TestLayout(t *testing.T) {
	now := time.Date(2025, 4, 28, 20, 0, 0, 0, time.UTC) // 29 April in Jakarta
	for name, tc := range map[string]struct {
		files   []string
		section string
		want    string
	}{
		"empty site":                         {nil, "Ekonomi", "content/ekonomi/kopi-naik.md"},
		"jekyll names":                       {[]string{"ekonomi/2025-04-01-a.md", "ekonomi/2025-04-02-b.md", "c.md"}, "Ekonomi", "content/ekonomi/2025-04-29-kopi-naik.md"},
		"jekyll names with one-digit months": {[]string{"ekonomi/2025-4-1-a.md", "ekonomi/2025-4-2-b.MD", "c.md"}, "Ekonomi", "content/ekonomi/2025-04-29-kopi-naik.md"},
		"dated folders":                      {[]string{"antara/2025/04/01/a.md", "antara/2025/04/02/b.md", "c.md"}, "Antara", "content/antara/2025/04/29/kopi-naik.md"},
		"plain names":                        {[]string{"a.md", "b.md", "2025-04-01-c.md", "_index.md"}, "Berita Daerah", "content/berita-daerah/kopi-naik.md"},
		"folder own case":                    {[]string{"Dunia/a.md"}, "dunia", "content/Dunia/kopi-naik.md"},
		"bundles left out":                   {[]string{"ekonomi/2025-04-01-a.md", "ekonomi/b/index.md", "ekonomi/c/index.md"}, "Ekonomi", "content/ekonomi/2025-04-29-kopi-naik.md"},
	} {
		t.Run(name, func(t *testing.T) {
			site := t.TempDir()
			write(t, site, tc.files...)
			got, err := New(Options{SiteDir: site, Title: "  Kopi   Naik ", Section: tc.section, Now: now})
			if err != nil || got != tc.want {
				t.Fatalf("New = %q, %v; want %q", got, err, tc.want)
			}
			data, _ := os.ReadFile(filepath.Join(site, filepath.FromSlash(got)))
			if !strings.Contains(string(data), "title: \"Kopi Naik\"\ndate: 2025-04-29T03:00:00+07:00\n") {
				t.Errorf("draft:\n%s", data)
			}
		})
	}
}

func TestBadTitle(t *testing.T) {
	site := t.TempDir()
	for _, title := range []string{"", "   ", "!!!"} {
		if _, err := New(Options{SiteDir: site, Title: title}); err == nil || !strings.Contains(err.Error(), "title") {
			t.Errorf("title %q: %v", title, err)
		}
	}
	if entries, _ := os.ReadDir(site); len(entries) != 0 {
		t.Errorf("a refused draft wrote %d entries", len(entries))
	}
}

// TestNoSection: without --section and without section: in the config, the
// draft is not put at the root of content/ beside no other article: new
// asks for a section and names the site's section folders.
func TestNoSection(t *testing.T) {
	site := t.TempDir()
	write(t, site, "dunia/a.md", "ekonomi/b.md", "ekonomi/grafik/index.md", "_data/c.md", "d.md")
	_, err := New(Options{SiteDir: site, Title: "Kopi Naik"})
	if err == nil || !strings.Contains(err.Error(), "give --section with one of dunia, ekonomi (or a new one), or set section: in site.yaml") {
		t.Errorf("New without a section: %v", err)
	}
	empty := t.TempDir()
	if _, err := New(Options{SiteDir: empty, Title: "Kopi Naik"}); err == nil || !strings.Contains(err.Error(), "give --section, e.g. --section Nasional") {
		t.Errorf("New without a section in an empty site: %v", err)
	}
	for _, dir := range []string{site, empty} {
		if _, err := os.Stat(filepath.Join(dir, "content", "kopi-naik.md")); err == nil {
			t.Error("the draft was written at the root of content/")
		}
	}
	// The config's section is used when no --section is given.
	if err := os.WriteFile(filepath.Join(site, "site.yaml"), []byte("section: Dunia\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := New(Options{SiteDir: site, Title: "Kopi Naik"})
	if err != nil || got != "content/dunia/kopi-naik.md" {
		t.Errorf("New with section: Dunia in site.yaml = %q, %v", got, err)
	}
	data, _ := os.ReadFile(filepath.Join(site, "content", "dunia", "kopi-naik.md"))
	if !strings.Contains(string(data), "section: \"Dunia\"\n") && !strings.Contains(string(data), "section: Dunia\n") {
		t.Errorf("draft:\n%s", data)
	}
}
