package output

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
)

// Update changes a folder that Replace wrote, in place: it removes the
// files named in remove, then writes files. Each file is written beside
// its final name and renamed over it, so a reader (the preview server)
// sees the old bytes or the new ones, never half a file. It is for a
// watching rebuild that changes a few files of a big site; the folder as a
// whole is not swapped atomically.
func Update(dir string, files []File, remove []string) error {
	dir = filepath.Clean(dir)
	if _, err := os.Stat(filepath.Join(dir, Marker)); err != nil {
		return fmt.Errorf("output folder %s is not one this generator wrote (no %s): build it whole first", dir, Marker)
	}
	for _, name := range remove {
		p, err := outPath(dir, name)
		if err != nil {
			return err
		}
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		// Drop folders the removal left empty; a folder still holding
		// files refuses, which ends the climb.
		for d := filepath.Dir(p); d != dir && strings.HasPrefix(d, dir); d = filepath.Dir(d) {
			if os.Remove(d) != nil {
				break
			}
		}
	}
	jobs := make(chan File)
	var mu sync.Mutex
	var errs []error
	var wg sync.WaitGroup
	for range min(len(files), 2*runtime.GOMAXPROCS(0)) {
		wg.Go(func() {
			for f := range jobs {
				if err := replaceFile(dir, f); err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
			}
		})
	}
	for _, f := range files {
		jobs <- f
	}
	close(jobs)
	wg.Wait()
	return errors.Join(errs...)
}

// outPath is name's path below dir, refusing names that leave it.
func outPath(dir, name string) (string, error) {
	if path.Clean("/"+name) != "/"+name || strings.Contains(name, "\\") || name == "" {
		return "", fmt.Errorf("refusing to write %q: the name is not a clean path inside the output folder", name)
	}
	return filepath.Join(dir, filepath.FromSlash(name)), nil
}

// replaceFile writes f to a temporary file in its folder and renames it
// into place.
func replaceFile(dir string, f File) error {
	dst, err := outPath(dir, f.Name)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	if fi, err := os.Lstat(dst); err == nil && fi.IsDir() {
		// A folder of old pages now has the name of a file: the pages
		// in it were removed above, so it is left empty, unless this
		// build also writes into it, which Remove refuses.
		if err := os.Remove(dst); err != nil {
			return fmt.Errorf("writing %s: a folder of that name holds other output files: %w", f.Name, err)
		}
	}
	tmp, err := os.CreateTemp(filepath.Dir(dst), "."+filepath.Base(dst)+".tmp-")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if f.Data != nil || f.From == nil {
		_, err = tmp.Write(f.Data)
	} else {
		var src fs.File
		if src, err = f.From.Open(f.FromName); err == nil {
			_, err = io.Copy(tmp, src)
			src.Close()
		}
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("writing %s: %w", f.Name, err)
	}
	return os.Rename(tmp.Name(), dst)
}
