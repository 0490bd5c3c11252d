package output

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// swap puts tmp in dir's place in one step where the kernel can (Linux's
// RENAME_EXCHANGE), so there is no moment without a complete site.
func swap(tmp, dir string) error {
	if _, err := os.Lstat(dir); errors.Is(err, os.ErrNotExist) {
		return os.Rename(tmp, dir)
	}
	err := unix.Renameat2(unix.AT_FDCWD, tmp, unix.AT_FDCWD, dir, unix.RENAME_EXCHANGE)
	if err == nil {
		return os.RemoveAll(tmp) // tmp now holds the previous site
	}
	if errors.Is(err, unix.EINVAL) || errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EXDEV) {
		return swapTwoSteps(tmp, dir)
	}
	return err
}
