// Package atomicfile creates files whole or not at all, and never over an
// existing one: what the import and new commands need, since a reader (a
// running watch, a build) must never see half an article, and a file an
// editor wrote must never be replaced.
package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// tempInfix is in the name of the temporary file of Create: ".NAME.tmp-"
// and a number (os.CreateTemp's).
const tempInfix = ".tmp-"

// Leftover reports whether name is that of a temporary file of Create for
// a file named target, such as ".x.md.tmp-123" for "x.md": one that a
// process killed while writing leaves behind.
func Leftover(name string) (target string, ok bool) {
	i := strings.LastIndex(name, tempInfix)
	if !strings.HasPrefix(name, ".") || i < 2 {
		return "", false
	}
	num := name[i+len(tempInfix):]
	if num == "" || strings.Trim(num, "0123456789") != "" {
		return "", false
	}
	return name[1:i], true
}

// Create writes data to a new file at path, creating its folders. It
// fails with an error that wraps fs.ErrExist when path exists. The bytes
// go to a temporary file beside path first, which is then hard-linked to
// path: a link, unlike a rename, refuses to replace a file that appeared
// in the meantime.
func Create(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if _, err := os.Lstat(path); err == nil {
		return &fs.PathError{Op: "create", Path: path, Err: fs.ErrExist}
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+tempInfix+"*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	err = os.Link(tmp.Name(), path)
	if errors.Is(err, fs.ErrExist) {
		return &fs.PathError{Op: "create", Path: path, Err: fs.ErrExist}
	}
	var le *os.LinkError
	if err != nil && errors.As(err, &le) && !errors.Is(err, fs.ErrPermission) {
		// A file system without hard links: rename, having checked above
		// that nothing is there.
		return os.Rename(tmp.Name(), path)
	}
	return err
}
