package output

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
)

// Update begins an in-place change of a folder that Replace wrote. Each
// file is written to a temporary file beside its final name as it comes,
// and renamed over it on Commit, so a reader (the preview server) sees the
// old bytes or the new ones, never half a file, and an aborted build
// leaves every file as it was. The folder as a whole is not swapped
// atomically: it is for a watching rebuild that changes a few files.
func (d Dir) Update() (Txn, error) {
	dir := filepath.Clean(string(d))
	if !marked(dir) {
		return nil, fmt.Errorf("output folder %s is not one this generator wrote (no %s): build it whole first", dir, Marker)
	}
	return &update{dir: dir}, nil
}

type update struct {
	dir    string
	mu     sync.Mutex
	writes []pending
	remove []string
}

type pending struct{ tmp, dst string }

func (u *update) Write(name string, data []byte) error {
	return u.put(name, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

func (u *update) Copy(name string, from fs.FS, fromName string) error {
	return u.put(name, func(w io.Writer) error {
		src, err := from.Open(fromName)
		if err != nil {
			return err
		}
		defer src.Close()
		_, err = io.Copy(w, src)
		return err
	})
}

func (u *update) put(name string, write func(io.Writer) error) error {
	dst, err := outPath(u.dir, name)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(dst), "."+filepath.Base(dst)+".tmp-")
	if err != nil {
		return err
	}
	err = tmp.Chmod(0o644)
	if err == nil {
		err = write(tmp)
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("writing %s: %w", name, err)
	}
	u.mu.Lock()
	u.writes = append(u.writes, pending{tmp.Name(), dst})
	u.mu.Unlock()
	return nil
}

func (u *update) Remove(name string) error {
	p, err := outPath(u.dir, name)
	if err != nil {
		return err
	}
	u.mu.Lock()
	u.remove = append(u.remove, p)
	u.mu.Unlock()
	return nil
}

// Commit removes, then renames the new files into place.
func (u *update) Commit() error {
	slices.Sort(u.remove)
	for _, p := range u.remove {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			u.Abort()
			return err
		}
		// Drop folders the removal left empty; a folder still holding
		// files refuses, which ends the climb.
		for d := filepath.Dir(p); d != u.dir && strings.HasPrefix(d, u.dir); d = filepath.Dir(d) {
			if os.Remove(d) != nil {
				break
			}
		}
	}
	var errs []error
	for i, w := range u.writes {
		if fi, err := os.Lstat(w.dst); err == nil && fi.IsDir() {
			// A folder of old pages now has the name of a file: the
			// pages in it were removed above, so it is left empty,
			// unless this build also writes into it.
			if err := os.Remove(w.dst); err != nil {
				errs = append(errs, fmt.Errorf("writing %s: a folder of that name holds other output files: %w", w.dst, err))
				os.Remove(w.tmp)
				continue
			}
		}
		if err := os.Rename(w.tmp, w.dst); err != nil {
			errs = append(errs, err)
			for _, rest := range u.writes[i+1:] {
				os.Remove(rest.tmp)
			}
			break
		}
	}
	u.writes, u.remove = nil, nil
	return errors.Join(errs...)
}

func (u *update) Abort() {
	for _, w := range u.writes {
		os.Remove(w.tmp)
		// Folders made for new files go too; one holding files refuses.
		for d := filepath.Dir(w.dst); d != u.dir && strings.HasPrefix(d, u.dir); d = filepath.Dir(d) {
			if os.Remove(d) != nil {
				break
			}
		}
	}
	u.writes, u.remove = nil, nil
}
