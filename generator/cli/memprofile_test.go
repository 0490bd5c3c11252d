package cli

import (
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// The profile is a whole gzip stream in the named file, and the temporary
// file it was written to is gone.
func TestWriteHeapProfile(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "heap.pprof")
	if err := writeHeapProfile(file); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("the profile is not gzip: %v", err)
	}
	data, err := io.ReadAll(z)
	if err != nil || len(data) == 0 {
		t.Fatalf("the profile is truncated or empty: %d bytes, %v", len(data), err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("the folder holds %d files, want the profile alone", len(entries))
	}
}
