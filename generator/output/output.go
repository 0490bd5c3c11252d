// Package output is the one place that writes a site. A build writes
// through a Txn: into a fresh staging folder swapped into place on Commit
// (Dir.Replace), into temporary files renamed over the old ones on Commit
// (Dir.Update), or into memory for the preview server (Memory). Files are
// handed over as they are rendered and not kept by the build, and a failed
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
	"strings"
	"syscall"
)

// Marker is the file that marks a folder as this generator's output. A
// folder without it is never replaced, so a mistyped --out cannot wipe a
// folder of someone's files.
const Marker = ".kabar-output"

// oldMarker is the name the marker had before the generator was named
// kabar; folders it marks are still recognised, and rebuilt with Marker.
const oldMarker = ".digest-output"

const markerText = "This folder is written by kabar; each build replaces it whole.\n"

// Stamper is a Txn that writes a stamp into the marker when it commits,
// so that what a build remembers of the output, kept elsewhere, can be
// checked against the output it describes. A commit without one clears
// the stamp: whatever was remembered no longer matches.
type Stamper interface{ SetStamp(stamp string) }

const stampPrefix = "stamp: "

func markerBytes(stamp string) []byte {
	if stamp == "" {
		return []byte(markerText)
	}
	return []byte(markerText + stampPrefix + stamp + "\n")
}

// Stamp is the stamp in dir's marker, "" for none.
func Stamp(dir string) string {
	data, err := os.ReadFile(filepath.Join(dir, Marker))
	if err != nil {
		return ""
	}
	for line := range strings.Lines(string(data)) {
		if s, ok := strings.CutPrefix(line, stampPrefix); ok {
			return strings.TrimSpace(s)
		}
	}
	return ""
}

// marked reports whether dir holds a marker, new or old.
func marked(dir string) bool {
	for _, m := range []string{Marker, oldMarker} {
		if _, err := os.Stat(filepath.Join(dir, m)); err == nil {
			return true
		}
	}
	return false
}

// File is one output file: its bytes, or a file to copy.
type File struct {
	Name string // slash-separated path below the output folder
	Data []byte
	From fs.FS // when Data is nil: copy From/FromName
	// FromName is the file's name in From.
	FromName string
}

// Target is where a site is written.
type Target interface {
	// Replace begins a whole new site: after Commit it holds exactly the
	// files written in the Txn.
	Replace() (Txn, error)
	// Update begins a change to some files of the site Replace wrote.
	Update() (Txn, error)
}

// Txn is one build's writes. Write, Copy and Remove are safe for
// concurrent use and keep no reference to data once they return; nothing
// shows in the target before Commit, and Abort drops it all.
type Txn interface {
	Write(name string, data []byte) error
	Copy(name string, from fs.FS, fromName string) error
	Remove(name string) error
	Commit() error
	Abort()
}

// Replace makes dir hold exactly files, atomically.
func Replace(dir string, files []File) error {
	return writeFiles(Dir(dir).Replace, files, nil)
}

// Update changes a folder that Replace wrote, in place: it removes the
// files named in remove and writes files, each renamed into place so that
// a reader sees the old bytes or the new ones, never half a file.
func Update(dir string, files []File, remove []string) error {
	return writeFiles(Dir(dir).Update, files, remove)
}

func writeFiles(begin func() (Txn, error), files []File, remove []string) error {
	txn, err := begin()
	if err != nil {
		return err
	}
	for _, name := range remove {
		if err := txn.Remove(name); err != nil {
			txn.Abort()
			return err
		}
	}
	for _, f := range files {
		if err := Put(txn, f); err != nil {
			txn.Abort()
			return err
		}
	}
	return txn.Commit()
}

// Put writes f through txn: its bytes, or a copy of its source file.
func Put(txn Txn, f File) error {
	if f.Data == nil && f.From != nil {
		return txn.Copy(f.Name, f.From, f.FromName)
	}
	return txn.Write(f.Name, f.Data)
}

// Dir is an output folder on disk.
type Dir string

// Replace begins writing a new site into a temporary folder beside the
// output folder; Commit swaps it into place.
func (d Dir) Replace() (Txn, error) {
	dir := filepath.Clean(string(d))
	if err := refuseLink(dir); err != nil {
		return nil, err
	}
	parent, base := filepath.Dir(dir), filepath.Base(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, err
	}
	if err := Recover(dir); err != nil {
		return nil, err
	}
	if err := checkOwned(dir); err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp(parent, "."+base+".tmp-")
	if err != nil {
		return nil, fmt.Errorf("cannot make a temporary folder beside %s: %w", dir, err)
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		os.RemoveAll(tmp)
		return nil, err
	}
	s := &stage{dir: dir, tmp: tmp}
	if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
		s.prev = dir
	}
	return s, nil
}

// stage is a Replace in progress.
type stage struct{ dir, tmp, prev, stamp string }

func (s *stage) SetStamp(stamp string) { s.stamp = stamp }

// mkdir makes folder d below the staging folder. Almost every page has a
// folder of its own (2025/04/28/slug/index.html), so remembering the
// folders made would cost memory for nothing: one mkdir does, and its
// parents are made only when it says they are missing.
func (s *stage) mkdir(d string) error {
	err := os.Mkdir(d, 0o755)
	if errors.Is(err, fs.ErrNotExist) {
		if err = os.MkdirAll(filepath.Dir(d), 0o755); err == nil {
			err = os.Mkdir(d, 0o755)
		}
	}
	if err == nil || errors.Is(err, fs.ErrExist) {
		return nil
	}
	return err
}

// Write writes one file into the staging folder. A file whose bytes equal
// the same file in the previous site is hard-linked from there instead:
// making an inode costs far more than reading a file back, and most files
// of a rebuild are unchanged. Nothing is ever written into an existing
// file, so the shared inodes stay intact.
func (s *stage) Write(name string, data []byte) error {
	dst, err := outPath(s.tmp, name)
	if err != nil {
		return err
	}
	if err := s.mkdir(filepath.Dir(dst)); err != nil {
		return err
	}
	if s.prev != "" {
		old := filepath.Join(s.prev, filepath.FromSlash(name))
		if same(old, data) && os.Link(old, dst) == nil {
			return nil
		}
	}
	return os.WriteFile(dst, data, 0o644)
}

func (s *stage) Copy(name string, from fs.FS, fromName string) error {
	data, err := fs.ReadFile(from, fromName)
	if err != nil {
		return fmt.Errorf("copying %s: %w", fromName, err)
	}
	return s.Write(name, data)
}

// Remove has nothing to do: a new site holds only what was written.
func (s *stage) Remove(name string) error {
	_, err := outPath(s.tmp, name)
	return err
}

func (s *stage) Commit() error {
	if err := os.WriteFile(filepath.Join(s.tmp, Marker), markerBytes(s.stamp), 0o644); err != nil {
		s.Abort()
		return err
	}
	if err := swap(s.tmp, s.dir); err != nil {
		s.Abort()
		return err
	}
	return nil
}

func (s *stage) Abort() { os.RemoveAll(s.tmp) }

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
		if errors.Is(err, syscall.ENOTDIR) {
			return fmt.Errorf("output %s is a file, not a folder: pick another --out", dir)
		}
		return err
	}
	if len(entries) == 0 {
		return nil
	}
	if marked(dir) {
		return nil
	}
	return fmt.Errorf("output folder %s already holds files this generator did not write: each build replaces the output folder whole, so empty it or pick another --out", dir)
}

// outPath is name's path below dir, refusing names that leave it.
func outPath(dir, name string) (string, error) {
	if name == "" || path.Clean("/"+name) != "/"+name || strings.Contains(name, "\\") {
		return "", fmt.Errorf("refusing to write %q: the name is not a clean path inside the output folder", name)
	}
	return filepath.Join(dir, filepath.FromSlash(name)), nil
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
