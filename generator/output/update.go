package output

import (
	"crypto/rand"
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
// file is written, as it comes, to the folder's Staging folder, and
// renamed over its final name on Commit, so a reader (the preview server)
// sees the old bytes or the new ones, never half a file, and an aborted
// build leaves every file as it was. The folder as a whole is not swapped
// atomically: it is for a rebuild that changes a few files. A build killed
// before its commit ended leaves the Staging folder, which the next
// Update removes and deploy refuses; never a stray file among the pages.
//
// Every path is opened relative to the folder (an os.Root), so a symbolic
// link put inside it, to a folder elsewhere, is refused instead of
// followed: the build writes into the output folder and nowhere else.
func (d Dir) Update() (Txn, error) {
	dir := filepath.Clean(string(d))
	if err := refuseLink(dir); err != nil {
		return nil, err
	}
	if !marked(dir) {
		return nil, fmt.Errorf("output folder %s is not one this generator wrote (no %s): build it whole first", dir, Marker)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	// What a killed build left half-done: its files never reached their
	// names, or the next build renders them again.
	if err := root.RemoveAll(Staging); err != nil {
		root.Close()
		return nil, fmt.Errorf("removing what an interrupted build left in %s: %w", filepath.Join(dir, Staging), err)
	}
	if err := root.Mkdir(Staging, 0o755); err != nil {
		root.Close()
		return nil, fmt.Errorf("writing into %s: %w", dir, err)
	}
	return &update{dir: dir, root: root}, nil
}

// Staging is the folder, inside the output folder, that an Update writes
// its files into until they are renamed into place.
const Staging = ".kabar-staging"

// Interrupted reports whether a build into dir stopped while it wrote or
// moved its files: dir may then hold some new files and some old.
func Interrupted(dir string) bool {
	_, err := os.Lstat(filepath.Join(dir, Staging))
	return err == nil
}

type update struct {
	dir    string
	root   *os.Root
	mu     sync.Mutex
	writes []pending // paths below the root
	remove []string
	stamp  string
}

func (u *update) SetStamp(stamp string) { u.stamp = stamp }

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
	dst, err := outPath("", name)
	if err != nil {
		return err
	}
	if err := u.root.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return u.refused(name, err)
	}
	tmpName := filepath.Join(Staging, rand.Text())
	tmp, err := u.root.OpenFile(tmpName, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return u.refused(name, err)
	}
	err = tmp.Chmod(0o644)
	if err == nil {
		err = write(tmp)
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		u.root.Remove(tmpName)
		return fmt.Errorf("writing %s: %w", name, err)
	}
	u.mu.Lock()
	u.writes = append(u.writes, pending{tmpName, dst})
	u.mu.Unlock()
	return nil
}

// refused is the error of a file that could not be begun, saying what to
// do when a link inside the output folder leads out of it (os.Root says
// so only in words).
func (u *update) refused(name string, err error) error {
	if strings.Contains(err.Error(), "path escapes") {
		return fmt.Errorf("writing %s: %w: a folder on the way is a symbolic link out of the output folder %s, which the build does not follow; remove the link and build again", name, err, u.dir)
	}
	return fmt.Errorf("writing %s: %w", name, err)
}

func (u *update) Remove(name string) error {
	p, err := outPath("", name)
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
	// The marker is renamed last: its stamp changes only once every
	// file is in place.
	if err := u.Write(Marker, markerBytes(u.stamp)); err != nil {
		u.Abort()
		return err
	}
	defer u.root.Close()
	slices.Sort(u.remove)
	for _, p := range u.remove {
		if err := u.root.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			u.Abort()
			return err
		}
		// Drop folders the removal left empty; a folder still holding
		// files refuses, which ends the climb.
		u.removeEmpty(filepath.Dir(p))
	}
	var errs []error
	for i, w := range u.writes {
		if fi, err := u.root.Lstat(w.dst); err == nil && fi.IsDir() {
			// A folder of old pages now has the name of a file: the
			// pages in it were removed above, so it is left empty,
			// unless this build also writes into it.
			if err := u.root.Remove(w.dst); err != nil {
				errs = append(errs, fmt.Errorf("writing %s: a folder of that name holds other output files: %w", filepath.Join(u.dir, w.dst), err))
				u.root.Remove(w.tmp)
				continue
			}
		}
		if err := u.root.Rename(w.tmp, w.dst); err != nil {
			errs = append(errs, err)
			for _, rest := range u.writes[i+1:] {
				u.root.Remove(rest.tmp)
			}
			break
		}
	}
	u.writes, u.remove = nil, nil
	if err := u.root.RemoveAll(Staging); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

func (u *update) Abort() {
	for _, w := range u.writes {
		// Folders made for new files go too; one holding files refuses.
		u.removeEmpty(filepath.Dir(w.dst))
	}
	u.root.RemoveAll(Staging)
	u.writes, u.remove = nil, nil
	u.root.Close()
}

// removeEmpty removes folder d below the root and the folders above it
// while they are empty.
func (u *update) removeEmpty(d string) {
	for ; d != "." && d != string(filepath.Separator); d = filepath.Dir(d) {
		if u.root.Remove(d) != nil {
			return
		}
	}
}
