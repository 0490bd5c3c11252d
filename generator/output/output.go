// Package output is the one place that writes a site to disk. Replace
// writes every file into a fresh temporary folder beside the output folder
// and swaps it into place only when all of them are written, so a failed
// or killed build leaves the previous site as it was.
package output

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
)

// Marker is the file that marks a folder as this generator's output. A
// folder without it is never replaced, so a mistyped --out cannot wipe a
// folder of someone's files.
const Marker = ".digest-output"

// File is one output file: its bytes, or a file to copy.
type File struct {
	Name string // slash-separated path below the output folder
	Data []byte
	From fs.FS // when Data is nil: copy From/FromName
	// FromName is the file's name in From.
	FromName string
}

// Replace makes dir hold exactly files, atomically.
func Replace(dir string, files []File) error {
	dir = filepath.Clean(dir)
	parent, base := filepath.Dir(dir), filepath.Base(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	if err := Recover(dir); err != nil {
		return err
	}
	if err := checkOwned(dir); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(parent, "."+base+".tmp-")
	if err != nil {
		return fmt.Errorf("cannot make a temporary folder beside %s: %w", dir, err)
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		os.RemoveAll(tmp)
		return err
	}
	files = append(files, File{Name: Marker, Data: []byte("This folder is written by the digest generator; each build replaces it whole.\n")})
	prev := ""
	if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
		prev = dir
	}
	if err := writeAll(tmp, prev, files); err != nil {
		os.RemoveAll(tmp)
		return err
	}
	if err := swap(tmp, dir); err != nil {
		os.RemoveAll(tmp)
		return err
	}
	return nil
}

// Recover cleans up after a build that was killed: it removes temporary
// folders left beside dir and, where the old site had been moved aside
// but the new one not yet moved in, puts the old one back.
func Recover(dir string) error {
	parent, base := filepath.Dir(dir), filepath.Base(dir)
	entries, err := os.ReadDir(parent)
	if err != nil {
		return nil
	}
	_, statErr := os.Lstat(dir)
	for _, e := range entries {
		name := e.Name()
		switch {
		case strings.HasPrefix(name, "."+base+".tmp-"):
			os.RemoveAll(filepath.Join(parent, name))
		case strings.HasPrefix(name, "."+base+".old-"):
			if errors.Is(statErr, fs.ErrNotExist) {
				if err := os.Rename(filepath.Join(parent, name), dir); err != nil {
					return fmt.Errorf("restoring the previous output %s: %w", dir, err)
				}
				statErr = nil
				continue
			}
			os.RemoveAll(filepath.Join(parent, name))
		}
	}
	return nil
}

func checkOwned(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) && strings.Contains(err.Error(), "not a directory") {
			return fmt.Errorf("output %s is a file, not a folder: pick another --out", dir)
		}
		return err
	}
	if len(entries) == 0 {
		return nil
	}
	if _, err := os.Stat(filepath.Join(dir, Marker)); err == nil {
		return nil
	}
	return fmt.Errorf("output folder %s already holds files this generator did not write: each build replaces the output folder whole, so empty it or pick another --out", dir)
}

// writeAll writes files below root using all cores. A file whose bytes
// equal the same file in prev (the current output) is hard-linked from
// there instead: on most file systems making an inode costs far more than
// reading a file back, and most files of a rebuild are unchanged. Nothing
// is ever written into an existing file, so the shared inodes stay intact.
func writeAll(root, prev string, files []File) error {
	var dirs sync.Map
	mkdir := func(d string) error {
		if _, ok := dirs.Load(d); ok {
			return nil
		}
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
		dirs.Store(d, true)
		return nil
	}
	jobs := make(chan File)
	errc := make(chan error, 1)
	var wg sync.WaitGroup
	for range 2 * runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for f := range jobs {
				if err := writeOne(root, prev, f, mkdir); err != nil {
					select {
					case errc <- err:
					default:
					}
				}
			}
		}()
	}
	for _, f := range files {
		jobs <- f
	}
	close(jobs)
	wg.Wait()
	select {
	case err := <-errc:
		return err
	default:
		return nil
	}
}

func writeOne(root, prev string, f File, mkdir func(string) error) error {
	clean := path.Clean("/" + f.Name)
	if clean != "/"+f.Name || strings.Contains(f.Name, "\\") {
		return fmt.Errorf("refusing to write %q: the name is not a clean path inside the output folder", f.Name)
	}
	dst := filepath.Join(root, filepath.FromSlash(f.Name))
	if err := mkdir(filepath.Dir(dst)); err != nil {
		return err
	}
	data := f.Data
	if data == nil && f.From != nil {
		var err error
		if data, err = fs.ReadFile(f.From, f.FromName); err != nil {
			return fmt.Errorf("copying %s: %w", f.FromName, err)
		}
	}
	if prev != "" {
		old := filepath.Join(prev, filepath.FromSlash(f.Name))
		if same(old, data) && os.Link(old, dst) == nil {
			return nil
		}
	}
	return os.WriteFile(dst, data, 0o644)
}

// same reports whether the regular file name holds exactly data.
func same(name string, data []byte) bool {
	fi, err := os.Lstat(name)
	if err != nil || !fi.Mode().IsRegular() || fi.Size() != int64(len(data)) {
		return false
	}
	old, err := os.ReadFile(name)
	return err == nil && bytes.Equal(old, data)
}
