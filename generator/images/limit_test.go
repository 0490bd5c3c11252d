package images_test

import (
	"bytes"
	"errors"
	"image"
	"image/png"
	"testing"

	"github.com/kabar-news/kabar/generator/images"
	"github.com/kabar-news/kabar/generator/internal/testsite"
)

// TestRefusesTooManyPixels: an image whose header declares more pixels
// than the limit is refused from its header, with its size, before any
// decoding.
func TestRefusesTooManyPixels(t *testing.T) {
	c := images.New(t.TempDir(), images.DefaultMaxPixels)
	_, err := c.Make(testsite.BombPNG(50000, 50000))
	var big *images.TooLargeError
	if !errors.As(err, &big) || big.Width != 50000 || big.Height != 50000 {
		t.Fatalf("a 50000×50000 PNG: %v, want a TooLargeError", err)
	}
	if want := "50000 × 50000 pixels (2500 megapixels), more than the limit of 40 megapixels"; err.Error() != want {
		t.Errorf("message %q, want %q", err, want)
	}
	if c.Resized() != 0 {
		t.Errorf("%d images decoded", c.Resized())
	}

	// The limit is the one given: a real image one pixel over it is
	// refused, one at it is made.
	var buf bytes.Buffer
	png.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 100, 50)))
	if _, err := images.New(t.TempDir(), 4999).Make(buf.Bytes()); !errors.As(err, &big) {
		t.Errorf("100×50 with a limit of 4999 pixels: %v, want a TooLargeError", err)
	}
	if _, err := images.New(t.TempDir(), 5000).Make(buf.Bytes()); err != nil {
		t.Errorf("100×50 with a limit of 5000 pixels: %v", err)
	}
}
