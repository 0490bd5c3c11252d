package images

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

// halves is a w×h image whose left half is red and right half blue.
func halves(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := color.RGBA{200, 20, 20, 255}
			if x >= w/2 {
				c = color.RGBA{20, 20, 200, 255}
			}
			img.SetRGBA(x, y, c)
		}
	}
	return img
}

func encodeJPEG(t *testing.T, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// withOrientation puts an EXIF APP1 segment holding only an Orientation
// tag right after a JPEG's start-of-image marker, as cameras write it.
func withOrientation(data []byte, orientation uint16) []byte {
	var tiff bytes.Buffer
	tiff.WriteString("MM\x00\x2a")                   // big-endian TIFF header
	binary.Write(&tiff, binary.BigEndian, uint32(8)) // IFD0 right after it
	binary.Write(&tiff, binary.BigEndian, uint16(1)) // one entry
	binary.Write(&tiff, binary.BigEndian, uint16(0x0112))
	binary.Write(&tiff, binary.BigEndian, uint16(3)) // SHORT
	binary.Write(&tiff, binary.BigEndian, uint32(1))
	binary.Write(&tiff, binary.BigEndian, orientation)
	binary.Write(&tiff, binary.BigEndian, uint16(0)) // padding of the value
	binary.Write(&tiff, binary.BigEndian, uint32(0)) // no next IFD
	payload := append([]byte("Exif\x00\x00"), tiff.Bytes()...)
	var out bytes.Buffer
	out.Write(data[:2]) // SOI
	out.Write([]byte{0xff, 0xe1})
	binary.Write(&out, binary.BigEndian, uint16(len(payload)+2))
	out.Write(payload)
	out.Write(data[2:])
	return out.Bytes()
}

func decodeFile(t *testing.T, c *Cache, s Size) (image.Image, string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(c.Dir(), filepath.FromSlash(s.File)))
	if err != nil {
		t.Fatal(err)
	}
	img, format, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: %v", s.File, err)
	}
	return img, format
}

func TestSizesAreTheWidthsAndNeverWider(t *testing.T) {
	for _, tc := range []struct {
		w, h int
		want [][2]int
	}{
		{2000, 1000, [][2]int{{480, 240}, {800, 400}, {1200, 600}}},
		{1200, 900, [][2]int{{480, 360}, {800, 600}, {1200, 900}}},
		{1000, 500, [][2]int{{480, 240}, {800, 400}, {1000, 500}}},
		{300, 200, [][2]int{{300, 200}}},
	} {
		c := New(t.TempDir(), DefaultMaxPixels)
		res, err := c.Make(encodeJPEG(t, halves(tc.w, tc.h)))
		if err != nil {
			t.Fatal(err)
		}
		if res.Width != tc.w || res.Height != tc.h || res.Format != "jpeg" || res.Ext != ".jpg" {
			t.Errorf("%dx%d: got %dx%d %s %s", tc.w, tc.h, res.Width, res.Height, res.Format, res.Ext)
		}
		if len(res.Sizes) != len(tc.want) {
			t.Fatalf("%dx%d: sizes %+v, want %v", tc.w, tc.h, res.Sizes, tc.want)
		}
		for i, s := range res.Sizes {
			if s.Width != tc.want[i][0] || s.Height != tc.want[i][1] {
				t.Errorf("%dx%d: size %d is %dx%d, want %v", tc.w, tc.h, i, s.Width, s.Height, tc.want[i])
			}
			img, format := decodeFile(t, c, s)
			if b := img.Bounds(); b.Dx() != s.Width || b.Dy() != s.Height || format != "jpeg" {
				t.Errorf("%s is %dx%d %s, the result says %dx%d jpeg", s.File, b.Dx(), b.Dy(), format, s.Width, s.Height)
			}
		}
	}
}

func TestPNGStaysPNG(t *testing.T) {
	var buf bytes.Buffer
	if err := png.Encode(&buf, halves(900, 300)); err != nil {
		t.Fatal(err)
	}
	c := New(t.TempDir(), DefaultMaxPixels)
	res, err := c.Make(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if res.Format != "png" || res.Ext != ".png" || len(res.Sizes) != 3 || res.Sizes[2].Width != 900 {
		t.Fatalf("got %+v", res)
	}
	for _, s := range res.Sizes {
		if _, format := decodeFile(t, c, s); format != "png" {
			t.Errorf("%s is %s, not png", s.File, format)
		}
	}
}

func TestEXIFOrientationIsApplied(t *testing.T) {
	// Stored 600×300, left red and right blue, with orientation 6: shown
	// turned a quarter clockwise, 300×600, red on top and blue below.
	data := withOrientation(encodeJPEG(t, halves(600, 300)), 6)
	if cfg, err := jpeg.DecodeConfig(bytes.NewReader(data)); err != nil || cfg.Width != 600 {
		t.Fatalf("the test JPEG is broken: %v %+v", err, cfg)
	}
	c := New(t.TempDir(), DefaultMaxPixels)
	res, err := c.Make(data)
	if err != nil {
		t.Fatal(err)
	}
	if res.Width != 300 || res.Height != 600 {
		t.Fatalf("the oriented image is %dx%d, want 300x600", res.Width, res.Height)
	}
	if len(res.Sizes) != 1 || res.Sizes[0].Width != 300 || res.Sizes[0].Height != 600 {
		t.Fatalf("sizes %+v", res.Sizes)
	}
	img, _ := decodeFile(t, c, res.Sizes[0])
	if b := img.Bounds(); b.Dx() != 300 || b.Dy() != 600 {
		t.Fatalf("the copy is %dx%d", b.Dx(), b.Dy())
	}
	top, bottom := img.At(150, 100), img.At(150, 500)
	if r, _, b, _ := top.RGBA(); r < b {
		t.Errorf("the top of the copy is %v, want red", top)
	}
	if r, _, b, _ := bottom.RGBA(); b < r {
		t.Errorf("the bottom of the copy is %v, want blue", bottom)
	}
}

func TestCacheHitDoesNotResize(t *testing.T) {
	dir := t.TempDir()
	data := encodeJPEG(t, halves(1000, 400))
	first := New(dir, DefaultMaxPixels)
	a, err := first.Make(data)
	if err != nil {
		t.Fatal(err)
	}
	if first.Resized() != 1 {
		t.Fatalf("the first Make resized %d images", first.Resized())
	}
	second := New(dir, DefaultMaxPixels) // as a later build does
	b, err := second.Make(data)
	if err != nil {
		t.Fatal(err)
	}
	if second.Resized() != 0 {
		t.Errorf("an image in the cache was resized again")
	}
	if a.Key != b.Key || len(a.Sizes) != len(b.Sizes) || a.Sizes[2] != b.Sizes[2] {
		t.Errorf("the cache gave %+v, the first Make %+v", b, a)
	}
	// A copy gone from the cache is made again.
	if err := os.Remove(filepath.Join(dir, filepath.FromSlash(a.Sizes[1].File))); err != nil {
		t.Fatal(err)
	}
	if _, err := second.Make(data); err != nil || second.Resized() != 1 {
		t.Errorf("a damaged cache entry was not made again: %v, %d", err, second.Resized())
	}
}

func TestUndecodable(t *testing.T) {
	c := New(t.TempDir(), DefaultMaxPixels)
	good := encodeJPEG(t, halves(100, 100))
	for name, data := range map[string][]byte{
		"text":      []byte("bukan gambar"),
		"truncated": good[:len(good)/2],
		"gif":       []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"),
	} {
		_, err := c.Make(data)
		var de *DecodeError
		if !errors.As(err, &de) {
			t.Errorf("%s: got %v, want a DecodeError", name, err)
		}
	}
}
