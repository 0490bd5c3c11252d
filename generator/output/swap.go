package output

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
)

// swapTwoSteps moves dir aside, then tmp into place. A kill between the
// two renames leaves the old site under .NAME.old-*, which Recover puts
// back on the next build.
func swapTwoSteps(tmp, dir string) error {
	old := filepath.Join(filepath.Dir(dir), "."+filepath.Base(dir)+".old-"+strings.TrimPrefix(filepath.Base(tmp), "."+filepath.Base(dir)+".tmp-"))
	if err := os.Rename(dir, old); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if err := os.Rename(tmp, dir); err != nil {
		_ = os.Rename(old, dir)
		return err
	}
	return os.RemoveAll(old)
}
