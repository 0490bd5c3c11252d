package testsite

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
)

// BombPNG is a PNG of a few bytes whose header declares w×h pixels: its
// one IDAT chunk holds almost nothing, as a decompression bomb's does.
func BombPNG(w, h uint32) []byte {
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
	hdr.Write([]byte{8, 2, 0, 0, 0}) // 8-bit RGB
	var idat bytes.Buffer
	z := zlib.NewWriter(&idat)
	z.Write(make([]byte, 1000))
	z.Close()
	out := []byte("\x89PNG\r\n\x1a\n")
	out = append(out, chunk("IHDR", hdr.Bytes())...)
	out = append(out, chunk("IDAT", idat.Bytes())...)
	return append(out, chunk("IEND", nil)...)
}
