package output

import (
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"testing/fstest"
)

// TestTxnAbort: whatever a transaction wrote before it was aborted, the
// site is as it was, with no temporary file or new folder left.
func TestTxnAbort(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "public")
	if err := Replace(dir, []File{{Name: "index.html", Data: []byte("lama")}, {Name: "a/index.html", Data: []byte("a")}}); err != nil {
		t.Fatal(err)
	}
	before := tree(t, dir)
	for name, begin := range map[string]func() (Txn, error){"Replace": Dir(dir).Replace, "Update": Dir(dir).Update} {
		txn, err := begin()
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range []string{"index.html", "baru/x/index.html", "a/index.html"} {
			if err := txn.Write(f, []byte("baru")); err != nil {
				t.Fatal(err)
			}
		}
		if err := txn.Remove("a/index.html"); err != nil {
			t.Fatal(err)
		}
		txn.Abort()
		if got := tree(t, dir); !maps.Equal(got, before) {
			t.Errorf("%s aborted: the folder holds %v, want %v", name, got, before)
		}
		if _, err := os.Stat(filepath.Join(dir, "baru")); err == nil {
			t.Errorf("%s aborted: a new folder was left behind", name)
		}
		entries, _ := os.ReadDir(filepath.Dir(dir))
		if len(entries) != 1 {
			t.Errorf("%s aborted: beside the output: %v", name, entries)
		}
	}
}

// TestUpdateShowsNothingBeforeCommit: files written in an Update are in
// place only after Commit.
func TestUpdateShowsNothingBeforeCommit(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "public")
	if err := Replace(dir, []File{{Name: "index.html", Data: []byte("lama")}}); err != nil {
		t.Fatal(err)
	}
	txn, err := Dir(dir).Update()
	if err != nil {
		t.Fatal(err)
	}
	txn.Write("index.html", []byte("baru"))
	if got := tree(t, dir)["index.html"]; got != "lama" {
		t.Errorf("before Commit index.html is %q", got)
	}
	if err := txn.Commit(); err != nil {
		t.Fatal(err)
	}
	got := tree(t, dir)
	if got["index.html"] != "baru" || len(got) != 2 { // and the marker
		t.Errorf("after Commit: %v", got)
	}
}

func TestMemory(t *testing.T) {
	m := NewMemory()
	txn, _ := m.Replace()
	txn.Write("index.html", []byte("satu"))
	txn.Copy("css/s.css", fstest.MapFS{"s.css": {Data: []byte("body{}")}}, "s.css")
	if m.Len() != 0 {
		t.Error("a Replace shows before Commit")
	}
	if err := txn.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := fstest.TestFS(m, "index.html", "css/s.css"); err != nil {
		t.Error(err)
	}

	// An update changes, adds and removes files; an aborted one nothing.
	txn, _ = m.Update()
	txn.Write("index.html", []byte("dua"))
	txn.Write("a/index.html", []byte("a"))
	txn.Abort()
	if data, _ := m.ReadFile("index.html"); string(data) != "satu" || m.Len() != 2 {
		t.Errorf("after an aborted update: %q, %d files", data, m.Len())
	}
	txn, _ = m.Update()
	txn.Write("index.html", []byte("dua"))
	txn.Remove("css/s.css")
	if err := txn.Write("../x", nil); err == nil {
		t.Error("a name out of the site was taken")
	}
	txn.Commit()
	var names []string
	fs.WalkDir(m, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			names = append(names, p)
		}
		return nil
	})
	if data, _ := m.ReadFile("index.html"); string(data) != "dua" || !slices.Equal(names, []string{"index.html"}) {
		t.Errorf("after an update: %q, files %v", data, names)
	}
}
