package testsite

import (
	"os"
	"path/filepath"
)

// CopySample copies the sources of the site at root (content/, templates/,
// static/ and site.yaml) into dst, for tests that change them.
func CopySample(root, dst string) error {
	for _, d := range []string{"content", "templates", "static"} {
		if err := os.CopyFS(filepath.Join(dst, d), os.DirFS(filepath.Join(root, d))); err != nil {
			return err
		}
	}
	data, err := os.ReadFile(filepath.Join(root, "site.yaml"))
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dst, "site.yaml"), data, 0o644)
}
