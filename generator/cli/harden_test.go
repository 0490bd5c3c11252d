package cli

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"net/http"
	"strings"
	"testing"
)

// bombPNG is a PNG of a few bytes whose header declares w×h pixels.
func bombPNG(w, h uint32) string {
	chunk := func(typ string, data []byte) []byte {
		var b bytes.Buffer
		binary.Write(&b, binary.BigEndian, uint32(len(data)))
		b.WriteString(typ)
		b.Write(data)
		binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(append([]byte(typ), data...)))
		return b.Bytes()
	}
	var hdr bytes.Buffer
	binary.Write(&hdr, binary.BigEndian, w)
	binary.Write(&hdr, binary.BigEndian, h)
	hdr.Write([]byte{8, 2, 0, 0, 0})
	var idat bytes.Buffer
	z := zlib.NewWriter(&idat)
	z.Write(make([]byte, 1000))
	z.Close()
	out := []byte("\x89PNG\r\n\x1a\n")
	out = append(out, chunk("IHDR", hdr.Bytes())...)
	out = append(out, chunk("IDAT", idat.Bytes())...)
	return string(append(out, chunk("IEND", nil)...))
}

// TestServeImageBomb: a lead image declaring 50000×50000 pixels is
// refused from its header; the preview shows the error with the file and
// its size, and the server goes on serving the last good site.
func TestServeImageBomb(t *testing.T) {
	r := startLive(t, 6, true)
	ev := listen(t, strings.TrimSuffix(r.url, "uji/")+"_kabar/events")
	ev.want("hello")
	r.events = ev
	r.write("static/img/bom.png", bombPNG(50000, 50000))
	ev.want("reload")
	r.oneRebuild("the image added")
	a := r.articles[1]
	a.Image, a.Alt = "/img/bom.png", "bom"
	r.write("content/"+a.File, a.Markdown())
	d := ev.want("failed")
	for _, want := range []string{`"file":"content/` + a.File, "static/img/bom.png is 50000 × 50000 pixels", "max_image_pixels"} {
		if !strings.Contains(d, want) {
			t.Errorf("the failed event lacks %q: %s", want, d)
		}
	}
	r.oneRebuild("the bomb")
	if code, _ := httpGet(t, r.url); code != http.StatusOK {
		t.Errorf("after the bomb, GET %s: %d", r.url, code)
	}
}
