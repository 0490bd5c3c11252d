// Package images makes the resized copies of lead images: JPEG or PNG
// bytes in, the same format out at a few widths (never wider than the
// original), with the EXIF orientation applied and the colours in sRGB.
//
// Copies are kept in a cache folder outside the site, named by a hash of
// the source's bytes and of the settings, so an image is resized once,
// whatever builds, sites or output folders use it later. The cache is safe
// for concurrent use by several goroutines and processes: files appear
// whole, by rename.
package images

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"

	"github.com/kovidgoyal/imaging"
	"golang.org/x/sync/semaphore"
)

// widths are the widths of the copies, in pixels. An image narrower than
// the widest gets a copy at its own width in place of the wider ones.
var widths = []int{480, 800, 1200}

// settings names everything that changes the copies' bytes: a change to
// it makes new cache entries instead of reusing stale ones.
const settings = "v1 480,800,1200 lanczos jpeg-q82 png-default"

const jpegQuality = 82

// EnvDir is the environment variable that names the cache folder.
const EnvDir = "KABAR_CACHE_DIR"

// DefaultDir is the cache folder: $KABAR_CACHE_DIR, else kabar/ in the
// user's cache folder (~/.cache/kabar on Linux), else in the temp folder.
func DefaultDir() string {
	if d := os.Getenv(EnvDir); d != "" {
		return d
	}
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "kabar")
	}
	return filepath.Join(os.TempDir(), "kabar-cache")
}

// Size is one copy: its file in the cache and its size in pixels.
type Size struct {
	File          string // below the cache's Dir, slash-separated
	Width, Height int
}

// Result is what Make made of one image.
type Result struct {
	Key    string // the cache key: a hash of the source's bytes and the settings
	Format string // "jpeg" or "png"
	Ext    string // ".jpg" or ".png"
	Width  int    // the original's, after orientation
	Height int
	Sizes  []Size // narrowest first
}

// DefaultMaxPixels is the largest image Make decodes, in pixels: 40
// megapixels, some 160 MB once decoded.
const DefaultMaxPixels = 40_000_000

// Cache makes and keeps copies in one folder.
type Cache struct {
	dir       string
	maxPixels int64
	// decoding holds the pixels of the images being decoded and resized
	// at once, so that all cores together never hold more than the
	// largest image allowed.
	decoding *semaphore.Weighted
	resized  atomic.Int64
}

// New returns the cache in dir (made when first written), which decodes
// images of at most maxPixels pixels (DefaultMaxPixels when 0).
func New(dir string, maxPixels int64) *Cache {
	if maxPixels <= 0 {
		maxPixels = DefaultMaxPixels
	}
	return &Cache{dir: dir, maxPixels: maxPixels, decoding: semaphore.NewWeighted(maxPixels)}
}

// Dir is the cache's folder.
func (c *Cache) Dir() string { return c.dir }

// Resized counts the images this Cache decoded and resized, as opposed to
// found already made.
func (c *Cache) Resized() int64 { return c.resized.Load() }

// DecodeError says that bytes are not an image Make can read.
type DecodeError struct{ Err error }

func (e *DecodeError) Error() string { return e.Err.Error() }
func (e *DecodeError) Unwrap() error { return e.Err }

// TooLargeError says that an image has more pixels than the cache decodes.
type TooLargeError struct {
	Width, Height int
	Max           int64
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("%d × %d pixels (%s megapixels), more than the limit of %s megapixels",
		e.Width, e.Height, megapixels(int64(e.Width)*int64(e.Height)), megapixels(e.Max))
}

// megapixels writes n pixels in megapixels, with one decimal when it has one.
func megapixels(n int64) string {
	return strconv.FormatFloat(float64(n)/1e6, 'f', -1, 64)
}

// meta is what the cache keeps of a Result beside the copies.
type meta struct {
	Format        string `json:"format"`
	Width, Height int
	Sizes         []Size `json:"sizes"`
}

// Make returns the copies of the image whose bytes are data, from the
// cache when they were made before.
func (c *Cache) Make(data []byte) (*Result, error) {
	h := sha256.New()
	h.Write([]byte(settings))
	h.Write([]byte{0})
	h.Write(data)
	key := hex.EncodeToString(h.Sum(nil))[:32]
	sub := "images/" + key[:2] + "/" + key
	// The header first: a few bytes can declare billions of pixels, which
	// decoding would try to allocate.
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, &DecodeError{fmt.Errorf("not a JPEG or PNG image (%v)", err)}
	}
	if format != "jpeg" && format != "png" {
		return nil, &DecodeError{fmt.Errorf("a %s image, not JPEG or PNG", format)}
	}
	pixels := int64(cfg.Width) * int64(cfg.Height)
	if pixels > c.maxPixels {
		return nil, &TooLargeError{Width: cfg.Width, Height: cfg.Height, Max: c.maxPixels}
	}
	if r := c.lookup(key, sub); r != nil {
		return r, nil
	}
	weight := min(max(pixels, 1), c.maxPixels)       // never more than the semaphore holds
	c.decoding.Acquire(context.Background(), weight) // never fails: no deadline
	defer c.decoding.Release(weight)
	// Go's own decoders only: the library can also run ImageMagick, which
	// would make the output depend on what the machine has installed.
	img, err := imaging.Decode(bytes.NewReader(data), imaging.Backends(imaging.GO_IMAGE))
	if err != nil {
		return nil, &DecodeError{fmt.Errorf("damaged: it cannot be decoded (%v)", err)}
	}
	c.resized.Add(1)
	b := img.Bounds()
	m := meta{Format: format, Width: b.Dx(), Height: b.Dy()}
	ext := extOf(format)
	for _, w := range widthsFor(m.Width) {
		hgt := max(1, (m.Height*w+m.Width/2)/m.Width)
		var dst image.Image = img
		if w != m.Width {
			dst = imaging.Resize(img, w, hgt, imaging.Lanczos)
		} else {
			hgt = m.Height
		}
		var buf bytes.Buffer
		if format == "jpeg" {
			err = jpeg.Encode(&buf, dst, &jpeg.Options{Quality: jpegQuality})
		} else {
			err = (&png.Encoder{CompressionLevel: png.DefaultCompression}).Encode(&buf, dst)
		}
		if err != nil {
			return nil, fmt.Errorf("encoding a copy %d px wide: %w", w, err)
		}
		name := sub + "-" + strconv.Itoa(w) + ext
		if err := c.put(name, buf.Bytes()); err != nil {
			return nil, err
		}
		m.Sizes = append(m.Sizes, Size{File: name, Width: w, Height: hgt})
	}
	js, _ := json.Marshal(m)
	if err := c.put(sub+".json", js); err != nil {
		return nil, err
	}
	return result(key, m), nil
}

// lookup returns what an earlier Make left for key, if it is all there.
func (c *Cache) lookup(key, sub string) *Result {
	js, err := os.ReadFile(filepath.Join(c.dir, filepath.FromSlash(sub+".json")))
	if err != nil {
		return nil
	}
	var m meta
	if json.Unmarshal(js, &m) != nil || len(m.Sizes) == 0 || extOf(m.Format) == "" {
		return nil
	}
	for _, s := range m.Sizes {
		if _, err := os.Stat(filepath.Join(c.dir, filepath.FromSlash(s.File))); err != nil {
			return nil
		}
	}
	return result(key, m)
}

func result(key string, m meta) *Result {
	return &Result{Key: key, Format: m.Format, Ext: extOf(m.Format), Width: m.Width, Height: m.Height, Sizes: m.Sizes}
}

// put writes a cache file whole: to a temporary name, then renamed.
func (c *Cache) put(name string, data []byte) error {
	p := filepath.Join(c.dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("the image cache %s cannot be written (%v): set %s to a folder you can write", c.dir, err, EnvDir)
	}
	f, err := os.CreateTemp(filepath.Dir(p), ".tmp-")
	if err != nil {
		return fmt.Errorf("the image cache %s cannot be written (%v): set %s to a folder you can write", c.dir, err, EnvDir)
	}
	_, err = f.Write(data)
	err = errors.Join(err, f.Chmod(0o644), f.Close())
	if err == nil {
		err = os.Rename(f.Name(), p)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("writing %s to the image cache: %w", name, err)
	}
	return nil
}

// FS is the cache's folder, to copy the files from.
func (c *Cache) FS() fs.FS { return os.DirFS(c.dir) }

// widthsFor is the widths of the copies of an image w pixels wide: the
// widths below w, and w itself in place of any wider one.
func widthsFor(w int) []int {
	var out []int
	for _, x := range widths {
		if x >= w {
			return append(out, w)
		}
		out = append(out, x)
	}
	return out
}

func extOf(format string) string {
	switch format {
	case "jpeg":
		return ".jpg"
	case "png":
		return ".png"
	}
	return ""
}
