package output

import (
	"fmt"
	"os"
)

// refuseLink refuses an output folder that is a symbolic link: a build
// swaps a new folder into the output's name, which would replace the link
// and leave the folder it points to as it was.
func refuseLink(dir string) error {
	fi, err := os.Lstat(dir)
	if err != nil || fi.Mode()&os.ModeSymlink == 0 {
		return nil
	}
	target, _ := os.Readlink(dir)
	return fmt.Errorf("output %s is a symbolic link (to %s): give the folder itself as --out (or output: in site.yaml), as a build replaces the output folder whole", dir, target)
}
