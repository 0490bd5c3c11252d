package atomicfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func TestCreate(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a", "b", "x.md")
	if err := Create(p, []byte("satu")); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(p); string(got) != "satu" {
		t.Fatalf("content %q", got)
	}
	err := Create(p, []byte("dua"))
	if !errors.Is(err, fs.ErrExist) {
		t.Fatalf("second Create: %v, want ErrExist", err)
	}
	if got, _ := os.ReadFile(p); string(got) != "satu" {
		t.Fatalf("overwritten: %q", got)
	}
	// No temporary file is left behind, whether the create worked or not.
	entries, _ := os.ReadDir(filepath.Dir(p))
	if len(entries) != 1 {
		t.Fatalf("folder holds %d files, want 1", len(entries))
	}
	if info, _ := os.Stat(p); info.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", info.Mode().Perm())
	}
}

func TestLeftover(t *testing.T) {
	for name, want := range map[string]string{
		".x.md.tmp-123":       "x.md",
		".a.b.markdown.tmp-9": "a.b.markdown",
		"x.md.tmp-123":        "",
		".x.md.tmp-":          "",
		".x.md.tmp-12a":       "",
		".x.md":               "",
		".tmp-1":              "",
	} {
		if got, ok := Leftover(name); got != want || ok != (want != "") {
			t.Errorf("Leftover(%q) = %q, %v; want %q", name, got, ok, want)
		}
	}
	// Create's own temporary files are what Leftover recognises.
	dir := t.TempDir()
	f, err := os.CreateTemp(dir, "."+"berita.md"+tempInfix+"*")
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	if got, ok := Leftover(filepath.Base(f.Name())); !ok || got != "berita.md" {
		t.Errorf("Leftover(%q) = %q, %v", filepath.Base(f.Name()), got, ok)
	}
}
