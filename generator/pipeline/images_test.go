package pipeline

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/kabar-news/kabar/generator/diag"
)

// pictureBytes encodes a w×h picture of one colour as JPEG or PNG.
func pictureBytes(t testing.TB, w, h int, c color.RGBA, format string) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.SetRGBA(x, y, color.RGBA{c.R, uint8(x * 255 / w), c.B, 255})
		}
	}
	var buf bytes.Buffer
	var err error
	if format == "png" {
		err = png.Encode(&buf, img)
	} else {
		err = jpeg.Encode(&buf, img, nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// imageSite is a small site: one article with a local image, one with a
// remote one, one with none.
func imageSite(t *testing.T) string {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"site.yaml":           "title: Uji\nbase_url: https://example.github.io/uji/\n",
		"static/img/foto.jpg": string(pictureBytes(t, 1300, 650, color.RGBA{200, 0, 0, 255}, "jpeg")),
		"content/dunia/banjir.md": "---\ntitle: Banjir Rob\ndate: 2025-04-28T10:00:00+07:00\nsection: Dunia\nimage: /img/foto.jpg\n" +
			"image_alt: Air laut menggenangi jalan pesisir\n---\nAir laut naik ke jalan.\n",
		"content/dunia/jauh.md": "---\ntitle: Gambar dari Jauh\ndate: 2025-04-28T09:00:00+07:00\nsection: Dunia\nimage: https://cdn.example.com/a.jpg?w=2\n" +
			"image_alt: Foto kiriman kantor berita\n---\nTeks.\n",
		"content/dunia/polos.md": "---\ntitle: Tanpa Gambar\ndate: 2025-04-28T08:00:00+07:00\nsection: Dunia\n---\nTeks saja.\n",
	})
	return dir
}

// attrOf returns attribute name of the first element of page matching
// sel: "img.class" or "meta[property=og:image]"; "" when it has none.
func attrOf(t *testing.T, page, sel, name string) string {
	t.Helper()
	tag, rest, _ := strings.Cut(sel, ".")
	key, val := "class", rest
	if i := strings.IndexByte(sel, '['); i >= 0 {
		tag = sel[:i]
		key, val, _ = strings.Cut(strings.Trim(sel[i:], "[]"), "=")
	}
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var found *html.Node
	walk(doc, func(n *html.Node) {
		if found == nil && n.Type == html.ElementNode && n.Data == tag && slices.Contains(strings.Fields(attr(n, key)), val) {
			found = n
		}
	})
	if found == nil {
		t.Fatalf("no %s in the page", sel)
	}
	return attr(found, name)
}

func TestLeadImagesInTheBuiltPages(t *testing.T) {
	dir := imageSite(t)
	out := filepath.Join(t.TempDir(), "public")
	cache := t.TempDir()
	res := build(t, Options{SiteDir: dir, OutDir: out, CacheDir: cache})
	if res.Resized != 1 {
		t.Errorf("resized %d images, want 1", res.Resized)
	}
	tree := readTree(t, out)

	page := tree["2025/04/28/banjir/index.html"]
	img := "img.lead-image"
	if got, want := attrOf(t, page, img, "srcset"), "/uji/img/foto-480w.jpg 480w, /uji/img/foto-800w.jpg 800w, /uji/img/foto-1200w.jpg 1200w"; got != want {
		t.Errorf("srcset %q, want %q", got, want)
	}
	for name, want := range map[string]string{"src": "/uji/img/foto-1200w.jpg", "width": "1200", "height": "600", "alt": "Air laut menggenangi jalan pesisir", "loading": ""} {
		if got := attrOf(t, page, img, name); got != want {
			t.Errorf("the article's image has %s=%q, want %q", name, got, want)
		}
	}
	if attrOf(t, page, img, "sizes") == "" {
		t.Error("the article's image has no sizes")
	}
	for name, want := range map[string]string{
		"meta[property=og:image]":        "https://example.github.io/uji/img/foto-1200w.jpg",
		"meta[property=og:image:width]":  "1200",
		"meta[property=og:image:height]": "600",
		"meta[property=og:image:alt]":    "Air laut menggenangi jalan pesisir",
		"meta[name=twitter:image]":       "https://example.github.io/uji/img/foto-1200w.jpg",
		"meta[name=twitter:card]":        "summary_large_image",
	} {
		if got := attrOf(t, page, name, "content"); got != want {
			t.Errorf("%s has content=%q, want %q", name, got, want)
		}
	}
	// The copies are there, the size the page says; the original too.
	for _, tc := range []struct {
		name string
		w, h int
	}{{"img/foto-480w.jpg", 480, 240}, {"img/foto-800w.jpg", 800, 400}, {"img/foto-1200w.jpg", 1200, 600}, {"img/foto.jpg", 1300, 650}} {
		cfg, format, err := image.DecodeConfig(strings.NewReader(tree[tc.name]))
		if err != nil || format != "jpeg" || cfg.Width != tc.w || cfg.Height != tc.h {
			t.Errorf("%s: %v %s %dx%d, want a %dx%d JPEG", tc.name, err, format, cfg.Width, cfg.Height, tc.w, tc.h)
		}
	}

	// Cards are lazy thumbnails with the same copies.
	list := tree["sections/dunia/index.html"]
	card := "img.card-image"
	for name, want := range map[string]string{"loading": "lazy", "width": "1200", "height": "600", "alt": "Air laut menggenangi jalan pesisir"} {
		if got := attrOf(t, list, card, name); got != want {
			t.Errorf("the card's image has %s=%q, want %q", name, got, want)
		}
	}
	if !strings.Contains(attrOf(t, list, card, "srcset"), "/uji/img/foto-480w.jpg 480w") {
		t.Error("the card's image has no srcset")
	}
	if n := strings.Count(list, `class="card-image"`); n != 2 {
		t.Errorf("the section page shows %d card images, want 2 (local and remote)", n)
	}
	// The front page's lead story, the newest with an image, shows it
	// large and at once: not lazy, with its size, so nothing moves.
	home := tree["index.html"]
	for name, want := range map[string]string{"loading": "", "fetchpriority": "high", "width": "1200", "height": "600", "src": "/uji/img/foto-1200w.jpg"} {
		if got := attrOf(t, home, "img.lead-photo", name); got != want {
			t.Errorf("the lead story's image has %s=%q, want %q", name, got, want)
		}
	}

	// A remote image is used as it is.
	far := tree["2025/04/28/jauh/index.html"]
	if got := attrOf(t, far, img, "src"); got != "https://cdn.example.com/a.jpg?w=2" {
		t.Errorf("the remote image's src is %q", got)
	}
	for _, name := range []string{"srcset", "width", "height"} {
		if got := attrOf(t, far, img, name); got != "" {
			t.Errorf("the remote image has %s=%q", name, got)
		}
	}
	if got := attrOf(t, far, "meta[property=og:image]", "content"); got != "https://cdn.example.com/a.jpg?w=2" {
		t.Errorf("og:image of the remote image is %q", got)
	}
	if strings.Contains(far, "og:image:width") {
		t.Error("a remote image's width is not known, but the page gives one")
	}
	if strings.Contains(tree["2025/04/28/polos/index.html"], "og:image") {
		t.Error("an article without an image has og:image")
	}

	// A second build, as a new process would run it, finds the copies.
	again := build(t, Options{SiteDir: dir, OutDir: out, CacheDir: cache})
	if again.Resized != 0 {
		t.Errorf("the second build resized %d images, want 0", again.Resized)
	}
	sameTree(t, "the second build", readTree(t, out), tree)
}

func TestImageErrorsNameTheFileAndLine(t *testing.T) {
	for _, tc := range []struct {
		name, file, image string
		want              []string
	}{
		{"undecodable", "static/img/rusak.jpg", "/img/rusak.jpg", []string{"content/dunia/banjir.md:5:", "static/img/rusak.jpg", "JPEG or PNG"}},
		{"a GIF", "static/img/gerak.gif", "img/gerak.gif", []string{"content/dunia/banjir.md:5:", "static/img/gerak.gif", "gif"}},
		{"missing", "static/img/lain.jpg", "/img/tidak-ada.jpg", []string{"content/dunia/banjir.md:5:", "static/img/tidak-ada.jpg", "put the image there"}},
		{"outside the site", "static/img/lain.jpg", "../../rahasia.jpg", []string{"content/dunia/banjir.md:5:", "not a file of the site"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, map[string]string{
				tc.file:                   map[bool]string{true: "GIF89a\x01\x00\x01\x00\x00\x00\x00;", false: "bukan gambar sama sekali"}[strings.HasSuffix(tc.file, ".gif")],
				"content/dunia/banjir.md": "---\ntitle: Banjir\ndate: 2025-04-28\nsection: Dunia\nimage: " + tc.image + "\nimage_alt: Banjir\n---\nTeks.\n",
			})
			out := filepath.Join(t.TempDir(), "public")
			_, err := Build(Options{SiteDir: dir, OutDir: out})
			if err == nil {
				t.Fatal("the build succeeded")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("the error %q does not say %q", err, w)
				}
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Errorf("a failed build left an output folder: %v", err)
			}
		})
	}
}

func TestImageWithoutAltWarns(t *testing.T) {
	dir := imageSite(t)
	writeFiles(t, dir, map[string]string{
		"content/dunia/tanpa-alt.md": "---\ntitle: Tanpa Alt\ndate: 2025-04-27\nsection: Dunia\nimage: /img/foto.jpg\n---\nTeks.\n",
	})
	res := build(t, Options{SiteDir: dir, OutDir: filepath.Join(t.TempDir(), "public")})
	var found []string
	for _, w := range res.Warnings {
		if strings.Contains(w.String(), "image_alt") {
			found = append(found, w.String())
			if w.File != "content/dunia/tanpa-alt.md" || w.Line != 5 || w.Severity != diag.Warning {
				t.Errorf("the warning is %+v, want a warning at content/dunia/tanpa-alt.md:5", w)
			}
		}
	}
	if len(found) != 1 {
		t.Errorf("warnings about image_alt: %q, want one", found)
	}
}

func TestPageBundle(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"site.yaml": "title: Uji\nbase_url: https://example.github.io/uji/\n",
		"content/dunia/gempa-palu/index.md": "---\ntitle: Gempa\ndate: 2025-04-28\nsection: Dunia\nimage: foto/peta.png\nimage_alt: Peta guncangan\n---\n" +
			"Lihat [data](data.csv).\n",
		"content/dunia/gempa-palu/data.csv":      "kota,skala\nPalu,5\n",
		"content/dunia/gempa-palu/foto/peta.png": string(pictureBytes(t, 640, 320, color.RGBA{0, 0, 200, 255}, "png")),
		"content/dunia/gempa-palu/.catatan":      "hidden",
		"content/dunia/lain.md":                  "---\ntitle: Lain\ndate: 2025-04-27\nsection: Dunia\n---\nTeks.\n",
	})
	out := filepath.Join(t.TempDir(), "public")
	res := build(t, Options{SiteDir: dir, OutDir: out})
	for _, w := range res.Warnings {
		t.Errorf("warning: %s", w) // the link to the bundle's file resolves
	}
	tree := readTree(t, out)
	base := "2025/04/28/gempa-palu/"
	if tree[base+"data.csv"] != "kota,skala\nPalu,5\n" {
		t.Errorf("the bundle's file is not beside its page: %q", tree[base+"data.csv"])
	}
	if _, ok := tree[base+".catatan"]; ok {
		t.Error("a hidden file of the bundle was copied")
	}
	// The bundle's sub-folders are copied too; the image's copies go
	// beside it.
	var names []string
	for name := range tree {
		if strings.HasPrefix(name, base) {
			names = append(names, strings.TrimPrefix(name, base))
		}
	}
	slices.Sort(names)
	if want := []string{"data.csv", "foto/peta-480w.png", "foto/peta-640w.png", "foto/peta.png", "index.html"}; !slices.Equal(names, want) {
		t.Errorf("the bundle's folder holds %q, want %q", names, want)
	}
	page := tree[base+"index.html"]
	if got := attrOf(t, page, "img.lead-image", "srcset"); got != "/uji/"+base+"foto/peta-480w.png 480w, /uji/"+base+"foto/peta-640w.png 640w" {
		t.Errorf("srcset %q", got)
	}
	if !strings.Contains(page, `href="data.csv"`) {
		t.Error("the body's relative link is not there")
	}
}

// TestImageChangesRenderOnlyTheirPages changes an image's bytes, then its
// alt, and checks that the pages rendered again are exactly those that
// show the image, and that the output is a clean build's.
func TestImageChangesRenderOnlyTheirPages(t *testing.T) {
	dir := imageSite(t)
	for i := range 6 { // neighbours that show no image
		writeFiles(t, dir, map[string]string{fmt.Sprintf("content/dunia/lain-%d.md", i): fmt.Sprintf("---\ntitle: Lain %d\ndate: 2025-04-2%dT12:00:00+07:00\nsection: Dunia\ntags: [Uji]\n---\nTeks %d.\n", i, 2+i, i)})
	}
	cache := t.TempDir()
	out := filepath.Join(t.TempDir(), "inc")
	b, err := NewBuilder(Options{SiteDir: dir, OutDir: out, CacheDir: cache})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if _, err := b.Build(nil); err != nil {
		t.Fatal(err)
	}
	// showing counts the HTML pages whose bytes contain s.
	showing := func(s string) int {
		n := 0
		for name, data := range readTree(t, out) {
			if strings.HasSuffix(name, ".html") && strings.Contains(data, s) {
				n++
			}
		}
		return n
	}
	check := func(what string, rb Rebuild, wantRendered, wantResized int) {
		t.Helper()
		if rb.Rendered != wantRendered {
			t.Errorf("%s: rendered %d pages and feeds, want %d (the pages that show the image)", what, rb.Rendered, wantRendered)
		}
		if rb.Resized != wantResized {
			t.Errorf("%s: resized %d images, want %d", what, rb.Resized, wantResized)
		}
		clean, err := cleanBuild(t, Options{SiteDir: dir, CacheDir: cache})
		if err != nil {
			t.Fatal(err)
		}
		got := readOutput(t, out)
		delete(got, ".kabar-output")
		if diffs := sameOutput(got, clean); len(diffs) > 0 {
			t.Errorf("%s: the output is not a clean build's: %v", what, diffs)
		}
	}

	// New bytes, a new shape: 1600×1200.
	p := writeAt(t, dir, "static/img/foto.jpg", pictureBytes(t, 1600, 1200, color.RGBA{0, 200, 0, 255}, "jpeg"))
	rb, err := b.Build([]string{p})
	if err != nil {
		t.Fatal(err)
	}
	check("a new image", rb, showing(`height="900"`), 1)
	if !slices.Contains(rb.Changed, "img/foto-480w.jpg") || !slices.Contains(rb.Changed, "2025/04/28/banjir/index.html") {
		t.Errorf("the new copies or the article were not written: %v", rb.Changed)
	}
	if slices.Contains(rb.Changed, "2025/04/28/polos/index.html") {
		t.Error("a page that does not show the image was written")
	}

	// A new alt.
	p = writeAt(t, dir, "content/dunia/banjir.md", []byte("---\ntitle: Banjir Rob\ndate: 2025-04-28T10:00:00+07:00\nsection: Dunia\nimage: /img/foto.jpg\n"+
		"image_alt: Jalan pesisir tergenang air laut setinggi lutut\n---\nAir laut naik ke jalan.\n"))
	rb, err = b.Build([]string{p})
	if err != nil {
		t.Fatal(err)
	}
	check("a new alt", rb, showing("setinggi lutut"), 0)

	// An edit of another article resizes nothing.
	p = writeAt(t, dir, "content/dunia/polos.md", []byte("---\ntitle: Tanpa Gambar\ndate: 2025-04-28T08:00:00+07:00\nsection: Dunia\n---\nTeks lain.\n"))
	rb, err = b.Build([]string{p})
	if err != nil {
		t.Fatal(err)
	}
	if rb.Resized != 0 || rb.Rendered == 0 {
		t.Errorf("a body edit resized %d images and rendered %d pages", rb.Resized, rb.Rendered)
	}
}

func writeAt(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCopiesOfTwoImagesMayNotShareAName(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"static/img/a.jpg":  string(pictureBytes(t, 300, 200, color.RGBA{200, 0, 0, 255}, "jpeg")),
		"static/img/a.jpeg": string(pictureBytes(t, 300, 200, color.RGBA{0, 0, 200, 255}, "jpeg")),
		"content/satu.md":   "---\ntitle: Satu\ndate: 2025-04-28\nimage: /img/a.jpg\nimage_alt: Merah\n---\nTeks.\n",
		"content/dua.md":    "---\ntitle: Dua\ndate: 2025-04-27\nimage: /img/a.jpeg\nimage_alt: Biru\n---\nTeks.\n",
	})
	_, err := Build(Options{SiteDir: dir, OutDir: filepath.Join(t.TempDir(), "public")})
	if err == nil || !strings.Contains(err.Error(), "content/satu.md:4:") || !strings.Contains(err.Error(), "img/a-300w.jpg") {
		t.Errorf("got %v, want an error about img/a-300w.jpg naming content/satu.md:4", err)
	}
}

// TestBundleLinkOneError: a symlink in a page bundle is refused, and that
// is the only error: the bundle's image it names is not also "missing".
func TestBundleLinkOneError(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"content/ekonomi/grafik/index.md": "---\ntitle: Grafik\ndate: 2025-04-28\nimage: grafik.png\nimage_alt: Grafik\n---\nTeks.\n",
		"content/ekonomi/grafik/asli.png": string(pictureBytes(t, 64, 32, color.RGBA{0, 0, 200, 255}, "png")),
	})
	if err := os.Symlink("asli.png", filepath.Join(dir, "content/ekonomi/grafik/grafik.png")); err != nil {
		t.Fatal(err)
	}
	_, err := Build(Options{SiteDir: dir, OutDir: filepath.Join(t.TempDir(), "public"), CacheDir: t.TempDir()})
	list := diag.List(err)
	if len(list) != 1 || list[0].File != "content/ekonomi/grafik/grafik.png" || !strings.Contains(list[0].Message, "not a regular file") {
		t.Errorf("got %d problems, want the one link: %v", len(list), err)
	}
}
