package view

import (
	"strconv"
	"strings"

	"github.com/kabar-news/kabar/generator/config"
)

// Lead is an article's lead image as the build made it: a remote address
// used as it is, or the resized copies of a local file.
type Lead struct {
	URL   string // a remote image's address; "" for a local one
	Alt   string
	Sizes []Size // the copies, narrowest first; none for a remote image
}

// Size is one copy of a lead image.
type Size struct {
	Path          string // its path on the site, e.g. /img/banjir-800w.jpg
	Width, Height int
}

// Image is the view of a lead image. What it returns was recorded when
// the article's LeadImage was read.
type Image struct {
	l   *Lead
	cfg *config.Config
}

func (i *Image) widest() Size { return i.l.Sizes[len(i.l.Sizes)-1] }

// Remote reports whether the image is a web address used as it is.
func (i *Image) Remote() bool { return len(i.l.Sizes) == 0 }

// Src is the widest copy's path on the site, or the remote address: for
// relURL and absURL.
func (i *Image) Src() string {
	if i.Remote() {
		return i.l.URL
	}
	return i.widest().Path
}

func (i *Image) String() string { return i.Src() }

// Width and Height are the widest copy's; 0 for a remote image, whose
// size is not known.
func (i *Image) Width() int {
	if i.Remote() {
		return 0
	}
	return i.widest().Width
}

func (i *Image) Height() int {
	if i.Remote() {
		return 0
	}
	return i.widest().Height
}

func (i *Image) Alt() string { return i.l.Alt }

// Srcset lists the copies for the srcset attribute, under the base path:
// "/repo/img/a-480w.jpg 480w, /repo/img/a-800w.jpg 800w"; "" for a remote
// image.
func (i *Image) Srcset() string {
	var b strings.Builder
	for k, s := range i.l.Sizes {
		if k > 0 {
			b.WriteString(", ")
		}
		b.WriteString(i.cfg.RelURL(s.Path))
		b.WriteByte(' ')
		b.WriteString(strconv.Itoa(s.Width))
		b.WriteByte('w')
	}
	return b.String()
}

// Sizes are the copies, narrowest first.
func (i *Image) Sizes() []Size { return i.l.Sizes }

// URLs are the image's absolute addresses, widest first: for structured
// data, which takes a list.
func (i *Image) URLs() []string {
	if i.Remote() {
		return []string{i.l.URL}
	}
	out := make([]string, 0, len(i.l.Sizes))
	for k := len(i.l.Sizes) - 1; k >= 0; k-- {
		out = append(out, i.cfg.AbsURL(i.l.Sizes[k].Path))
	}
	return out
}
