package output

import (
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// tree reads every file below dir, dotfiles included.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// siblings lists the names in dir's parent folder.
func siblings(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Dir(dir))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func replace(t *testing.T, dir string, files ...File) {
	t.Helper()
	if err := Replace(dir, files); err != nil {
		t.Fatal(err)
	}
}

func TestReplaceWritesExactlyTheFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "public")
	static := fstest.MapFS{"css/style.css": {Data: []byte("body{}")}}
	replace(t, dir,
		File{Name: "index.html", Data: []byte("<h1>Beranda</h1>")},
		File{Name: "2025/04/28/berita/index.html", Data: []byte("<h1>Berita</h1>")},
		File{Name: ".nojekyll", Data: []byte{}},
		File{Name: "css/style.css", From: static, FromName: "css/style.css"},
	)
	got := tree(t, dir)
	want := map[string]string{
		"index.html":                   "<h1>Beranda</h1>",
		"2025/04/28/berita/index.html": "<h1>Berita</h1>",
		".nojekyll":                    "",
		"css/style.css":                "body{}",
		Marker:                         got[Marker],
	}
	if !strings.Contains(got[Marker], "replaces it whole") {
		t.Errorf("the marker explains nothing: %q", got[Marker])
	}
	if len(got) != len(want) {
		t.Errorf("files %v, want %v", slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(want)))
	}
	for name, data := range want {
		if got[name] != data {
			t.Errorf("%s = %q, want %q", name, got[name], data)
		}
	}
	for name, mode := range map[string]fs.FileMode{"": 0o755 | fs.ModeDir, "2025/04": 0o755 | fs.ModeDir, "index.html": 0o644} {
		fi, err := os.Stat(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil || fi.Mode() != mode {
			t.Errorf("%q: mode %v, %v; want %v", name, fi.Mode(), err, mode)
		}
	}
	if s := siblings(t, dir); !slices.Equal(s, []string{"public"}) {
		t.Errorf("beside the output: %v", s)
	}
}

// TestReplaceDropsOldFiles: the folder holds the new files only; pages of
// the previous build and their emptied folders are gone.
func TestReplaceDropsOldFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "public")
	replace(t, dir, File{Name: "index.html", Data: []byte("a")}, File{Name: "2025/04/28/lama/index.html", Data: []byte("lama")})
	replace(t, dir, File{Name: "index.html", Data: []byte("b")})
	if got := tree(t, dir); len(got) != 2 || got["index.html"] != "b" {
		t.Errorf("after the second build: %v", got)
	}
	if _, err := os.Stat(filepath.Join(dir, "2025")); !os.IsNotExist(err) {
		t.Errorf("the old folder 2025/ remains: %v", err)
	}
	if s := siblings(t, dir); !slices.Equal(s, []string{"public"}) {
		t.Errorf("beside the output: %v", s)
	}
}

// A folder written under the generator's earlier name carries the old
// marker; it is still the build's to replace, and comes back with the new one.
func TestReplaceTakesOverOldMarker(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "public")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string]string{oldMarker: "old", "index.html": "a"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	replace(t, dir, File{Name: "index.html", Data: []byte("b")})
	got := tree(t, dir)
	if _, old := got[oldMarker]; old || got["index.html"] != "b" || got[Marker] == "" {
		t.Errorf("after replacing an old-marked folder: %v", got)
	}
}

// TestReplaceLinksUnchangedFiles: a file with the bytes it had is the same
// inode as before; a changed one is a new inode, so a reader of the old
// site never sees it change.
func TestReplaceLinksUnchangedFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "public")
	replace(t, dir, File{Name: "same.html", Data: []byte("tetap")}, File{Name: "changed.html", Data: []byte("lama")})
	sameBefore, _ := os.Stat(filepath.Join(dir, "same.html"))
	oldChanged, err := os.Open(filepath.Join(dir, "changed.html"))
	if err != nil {
		t.Fatal(err)
	}
	defer oldChanged.Close()
	replace(t, dir, File{Name: "same.html", Data: []byte("tetap")}, File{Name: "changed.html", Data: []byte("baru!")})
	sameAfter, _ := os.Stat(filepath.Join(dir, "same.html"))
	if !os.SameFile(sameBefore, sameAfter) {
		t.Error("an unchanged file was written again instead of linked")
	}
	if got := tree(t, dir); got["changed.html"] != "baru!" || got["same.html"] != "tetap" {
		t.Errorf("after the rebuild: %v", got)
	}
	buf := make([]byte, 16)
	n, _ := oldChanged.ReadAt(buf, 0)
	if string(buf[:n]) != "lama" {
		t.Errorf("the previous site's file changed under its reader: %q", buf[:n])
	}
}

// TestReplaceRefusesForeignFolders: a folder with files the generator did
// not write, or a file where the folder should be, is left alone.
func TestReplaceRefusesForeignFolders(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "skripsi.docx"), []byte("jangan dihapus"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := Replace(dir, []File{{Name: "index.html", Data: []byte("x")}})
	if err == nil || !strings.Contains(err.Error(), "did not write") {
		t.Errorf("err = %v, want a refusal", err)
	}
	if got := tree(t, dir); len(got) != 1 || got["skripsi.docx"] != "jangan dihapus" {
		t.Errorf("the foreign folder changed: %v", got)
	}

	file := filepath.Join(t.TempDir(), "public")
	if err := os.WriteFile(file, []byte("a file"), 0o644); err != nil {
		t.Fatal(err)
	}
	err = Replace(file, []File{{Name: "index.html", Data: []byte("x")}})
	if err == nil || !strings.Contains(err.Error(), "is a file") {
		t.Errorf("err = %v, want 'is a file'", err)
	}
	if data, _ := os.ReadFile(file); string(data) != "a file" {
		t.Error("the file was replaced")
	}

	// An empty folder is fine to fill.
	empty := t.TempDir()
	replace(t, empty, File{Name: "index.html", Data: []byte("x")})
}

// TestReplaceFailureKeepsPrevious: a bad name or a missing source file
// fails the whole write; the previous site stays and nothing is left
// beside it or outside it.
func TestReplaceFailureKeepsPrevious(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "public")
	replace(t, dir, File{Name: "index.html", Data: []byte("lama")})
	before := tree(t, dir)
	for _, bad := range []File{
		{Name: "../escape.html", Data: []byte("x")},
		{Name: "/abs.html", Data: []byte("x")},
		{Name: "a/../b.html", Data: []byte("x")},
		{Name: `a\b.html`, Data: []byte("x")},
		{Name: "hilang.css", From: fstest.MapFS{}, FromName: "hilang.css"},
	} {
		err := Replace(dir, []File{{Name: "index.html", Data: []byte("baru")}, bad})
		if err == nil {
			t.Errorf("%q: no error", bad.Name)
		}
		got := tree(t, dir)
		if len(got) != len(before) || got["index.html"] != "lama" {
			t.Errorf("%q: the previous site changed: %v", bad.Name, got)
		}
		if s := siblings(t, dir); !slices.Equal(s, []string{"public"}) {
			t.Errorf("%q: beside the output: %v", bad.Name, s)
		}
	}
}

// TestRecover puts back a site moved aside by a build killed between its
// two renames, and clears temporary folders of killed builds.
func TestRecover(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "public")
	replace(t, dir, File{Name: "index.html", Data: []byte("lama")})
	if err := os.Rename(dir, filepath.Join(parent, ".public.old-123")); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(parent, ".public.tmp-456", "2025"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := Recover(dir); err != nil {
		t.Fatal(err)
	}
	if got := tree(t, dir); got["index.html"] != "lama" {
		t.Errorf("the previous site was not put back: %v", got)
	}
	if s := siblings(t, dir); !slices.Equal(s, []string{"public"}) {
		t.Errorf("beside the output after Recover: %v", s)
	}

	// With the site in place, a leftover copy is just removed, and the
	// next Replace does the cleaning itself.
	if err := os.MkdirAll(filepath.Join(parent, ".public.old-789"), 0o755); err != nil {
		t.Fatal(err)
	}
	replace(t, dir, File{Name: "index.html", Data: []byte("baru")})
	if got := tree(t, dir); got["index.html"] != "baru" {
		t.Errorf("after Replace: %v", got)
	}
	if s := siblings(t, dir); !slices.Equal(s, []string{"public"}) {
		t.Errorf("beside the output after Replace: %v", s)
	}
}
