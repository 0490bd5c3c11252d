// Package hashing is the one hash the build's fingerprints are made with.
// It is xxHash64 with no seed: the same bytes hash the same in every
// process, so what a build recorded (a page's fingerprint, the values it
// read, a file's sum) can be checked by the next build in a new process.
package hashing

import (
	"encoding/binary"

	"github.com/cespare/xxhash/v2"
)

// Hash is a running hash; its zero value is not ready: use New.
type Hash struct {
	d   xxhash.Digest
	buf [8]byte
}

// New returns an empty Hash.
func New() *Hash {
	h := &Hash{}
	h.d.Reset()
	return h
}

func (h *Hash) Write(p []byte) (int, error)       { return h.d.Write(p) }
func (h *Hash) WriteString(s string) (int, error) { return h.d.WriteString(s) }

// WriteByte writes one byte, for separators.
func (h *Hash) WriteByte(c byte) error {
	h.buf[0] = c
	h.d.Write(h.buf[:1])
	return nil
}

// PutUint writes x as 8 bytes.
func (h *Hash) PutUint(x uint64) {
	binary.LittleEndian.PutUint64(h.buf[:], x)
	h.d.Write(h.buf[:])
}

// Sum64 is the hash of what was written.
func (h *Hash) Sum64() uint64 { return h.d.Sum64() }

// Sum is the hash of what was written, never 0 (which means "unknown").
func (h *Hash) Sum() uint64 { return h.d.Sum64() | 1 }

// Bytes hashes data, never to 0.
func Bytes(data []byte) uint64 { return xxhash.Sum64(data) | 1 }

// String hashes s, never to 0.
func String(s string) uint64 { return xxhash.Sum64String(s) | 1 }
