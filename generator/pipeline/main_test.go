package pipeline

import (
	"testing"

	"github.com/kabar-news/kabar/generator/internal/testsite"
)

// TestMain keeps the builds' saved states and resized images out of the
// user's cache.
func TestMain(m *testing.M) { testsite.Main(m) }
