package output

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

func TestUpdate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "public")
	if err := Replace(dir, []File{
		{Name: "index.html", Data: []byte("lama")},
		{Name: "a/b/index.html", Data: []byte("ab")},
		{Name: "a/c.txt", Data: []byte("c")},
		{Name: "x/index.html", Data: []byte("x")},
	}); err != nil {
		t.Fatal(err)
	}
	static := fstest.MapFS{"css/s.css": {Data: []byte("body{}")}}
	err := Update(dir, []File{
		{Name: "index.html", Data: []byte("baru")},
		{Name: "d/e/index.html", Data: []byte("de")},
		{Name: "css/s.css", From: static, FromName: "css/s.css"},
		{Name: "x", Data: []byte("a file where a folder was")},
	}, []string{"a/b/index.html", "x/index.html"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"index.html":     "baru",
		"a/c.txt":        "c",
		"d/e/index.html": "de",
		"css/s.css":      "body{}",
		"x":              "a file where a folder was",
	}
	got := map[string]string{}
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel == "a/b" {
				t.Errorf("the emptied folder a/b was left behind")
			}
			return nil
		}
		if strings.Contains(rel, ".tmp-") {
			t.Errorf("temporary file %s left behind", rel)
		}
		data, _ := os.ReadFile(p)
		got[rel] = string(data)
		return nil
	})
	delete(got, Marker)
	for name, data := range want {
		if got[name] != data {
			t.Errorf("%s = %q, want %q", name, got[name], data)
		}
	}
	if len(got) != len(want) {
		t.Errorf("files %v, want %v", got, want)
	}
	if fi, err := os.Stat(filepath.Join(dir, "index.html")); err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("index.html mode: %v %v; want 0644", fi, err)
	}
}

func TestUpdateRefuses(t *testing.T) {
	foreign := t.TempDir()
	os.WriteFile(filepath.Join(foreign, "notes.txt"), []byte("mine"), 0o644)
	err := Update(foreign, []File{{Name: "index.html", Data: []byte("x")}}, nil)
	if err == nil || !strings.Contains(err.Error(), "not one this generator wrote") {
		t.Errorf("Update of a folder without the marker: %v; want a refusal", err)
	}
	dir := filepath.Join(t.TempDir(), "public")
	if err := Replace(dir, nil); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"../escape.html", "/abs.html", "a/../../b", ""} {
		if err := Update(dir, []File{{Name: name, Data: []byte("x")}}, nil); err == nil {
			t.Errorf("Update wrote %q", name)
		}
		if err := Update(dir, nil, []string{name}); err == nil {
			t.Errorf("Update removed %q", name)
		}
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(dir), "escape.html")); err == nil {
		t.Errorf("a file was written outside the output folder")
	}
}

// A build killed before its commit ended leaves its files in the staging
// folder, not among the pages: the folder says it was interrupted, the
// pages are the last build's, and the next update clears the rest.
func TestKilledUpdateLeavesOnlyItsStaging(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "public")
	if err := Replace(dir, []File{{Name: "index.html", Data: []byte("lama")}, {Name: "a/index.html", Data: []byte("a")}}); err != nil {
		t.Fatal(err)
	}
	txn, err := Dir(dir).Update()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []File{{Name: "index.html", Data: []byte("baru")}, {Name: "b/c/index.html", Data: []byte("c")}} {
		if err := Put(txn, f); err != nil {
			t.Fatal(err)
		}
	}
	// The process dies here: no Commit, no Abort.
	if !Interrupted(dir) {
		t.Fatal("a folder with files staged and not committed does not say it was interrupted")
	}
	var stray []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		rel, _ := filepath.Rel(dir, p)
		if d.IsDir() && rel == Staging {
			return filepath.SkipDir
		}
		if !d.IsDir() && rel != Marker && rel != "index.html" && rel != filepath.Join("a", "index.html") {
			stray = append(stray, rel)
		}
		return nil
	})
	if len(stray) > 0 {
		t.Errorf("files outside %s after the kill: %v", Staging, stray)
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "index.html")); string(data) != "lama" {
		t.Errorf("index.html = %q after the kill; want the last build's", data)
	}
	if err := Update(dir, []File{{Name: "index.html", Data: []byte("lagi")}}, nil); err != nil {
		t.Fatal(err)
	}
	if Interrupted(dir) {
		t.Errorf("%s is still there after the next update", Staging)
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "index.html")); string(data) != "lagi" {
		t.Errorf("index.html = %q, want the new update's", data)
	}
}
