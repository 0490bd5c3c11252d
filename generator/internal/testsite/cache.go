package testsite

import (
	"os"
	"testing"

	"github.com/kabar-news/kabar/generator/images"
)

// TempImageCache points the cache folder (resized images, builds' saved
// states) at a new temporary folder, so that tests leave the user's cache
// alone, and returns its removal.
func TempImageCache() func() {
	dir, err := os.MkdirTemp("", "kabar-test-cache-")
	if err != nil {
		panic(err)
	}
	os.Setenv(images.EnvDir, dir)
	return func() { os.RemoveAll(dir) }
}

// Main runs a package's tests with TempImageCache: a TestMain of one line.
func Main(m *testing.M) {
	done := TempImageCache()
	code := m.Run()
	done()
	os.Exit(code)
}
