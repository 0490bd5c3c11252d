package hashing

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// A file hashes as its bytes do, whatever its size beside the read
// buffer's, and one that is missing or a folder is an error.
func TestFileHashesItsBytes(t *testing.T) {
	dir := t.TempDir()
	for _, size := range []int{0, 1, 32<<10 - 1, 32 << 10, 32<<10 + 1, 200_000} {
		data := bytes.Repeat([]byte("kabar\n"), size/6+1)[:size]
		path := filepath.Join(dir, "f")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		got, err := File(path)
		if err != nil {
			t.Fatal(err)
		}
		if want := Bytes(data); got != want {
			t.Errorf("%d bytes: File %x, Bytes %x", size, got, want)
		}
		f, _ := os.Open(path)
		got, err = Reader(f)
		f.Close()
		if err != nil || got != Bytes(data) {
			t.Errorf("%d bytes: Reader %x, %v", size, got, err)
		}
	}
	if _, err := File(filepath.Join(dir, "none")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a missing file: %v", err)
	}
	if _, err := File(dir); err == nil {
		t.Error("a folder hashed")
	}
}
