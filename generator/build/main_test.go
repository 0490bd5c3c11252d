package build

import (
	"os"
	"testing"

	"github.com/kabar-news/kabar/generator/images"
)

// TestMain keeps the tests' resized images out of the user's cache.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "kabar-test-cache-")
	if err != nil {
		panic(err)
	}
	os.Setenv(images.EnvDir, dir)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}
