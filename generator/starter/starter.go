// Package starter makes a new site: the files of site/, embedded in the
// binary, written into an empty folder. The workflows among them are the
// ones the README shows, so a test can hold the two to each other.
package starter

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

//go:embed all:site
var files embed.FS

// Placeholders in the files: the version of kabar the workflows install,
// and the date of the example article.
const (
	versionMark = "KABAR_VERSION"
	dateMark    = "KABAR_DATE"
)

// Files returns the new site's files by path, as Init writes them, with
// version the kabar version the workflows install ("latest", or a tag
// such as v1.2.0) and now the example article's date.
func Files(version string, now time.Time) (map[string][]byte, error) {
	r := strings.NewReplacer(versionMark, version, dateMark, now.Format(time.RFC3339))
	out := map[string][]byte{}
	err := fs.WalkDir(files, "site", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := files.ReadFile(p)
		if err != nil {
			return err
		}
		out[strings.TrimPrefix(p, "site/")] = []byte(r.Replace(string(b)))
		return nil
	})
	return out, err
}

// Init writes a new site into dir, which may not exist yet but must be
// empty if it does, and returns the paths it wrote, relative to dir.
func Init(dir, version string, now time.Time) ([]string, error) {
	entries, err := os.ReadDir(dir)
	switch {
	case err == nil && len(entries) > 0:
		return nil, fmt.Errorf("%s is not empty (it holds %s): give an empty or new folder, e.g. kabar init my-site", dir, entries[0].Name())
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return nil, err
	}
	site, err := Files(version, now)
	if err != nil {
		return nil, err
	}
	var wrote []string
	for p, b := range site {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return nil, err
		}
		// O_EXCL: a file made meanwhile by someone else is never replaced.
		f, err := os.OpenFile(full, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err != nil {
			return nil, err
		}
		_, err = f.Write(b)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return nil, err
		}
		wrote = append(wrote, p)
	}
	slices.Sort(wrote)
	return wrote, nil
}
