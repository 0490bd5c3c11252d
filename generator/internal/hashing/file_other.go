//go:build !unix

package hashing

import (
	"io"
	"os"
)

func file(path string, buf []byte) (uint64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	h := New()
	if _, err := io.CopyBuffer(struct{ io.Writer }{h}, struct{ io.Reader }{f}, buf); err != nil {
		return 0, err
	}
	return h.Sum(), nil
}
