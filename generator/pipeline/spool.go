package pipeline

import (
	"fmt"
	"html/template"
	"os"
	"sync/atomic"
)

// spool keeps rendered article bodies on disk from parsing until their
// pages are rendered, so that a build holds metadata, not a whole
// archive's text. The file is unlinked as soon as it is made: nothing is
// left behind, however the process ends.
type spool struct {
	f    *os.File
	size atomic.Int64
}

// bodyRef is where one body is in the spool.
type bodyRef struct {
	off int64
	n   int
}

func newSpool(dir string) (*spool, error) {
	f, err := os.CreateTemp(dir, ".digest-bodies-")
	if err != nil {
		return nil, fmt.Errorf("cannot make a temporary file in %s for article bodies: %w", dir, err)
	}
	os.Remove(f.Name())
	return &spool{f: f}, nil
}

// put appends a body; safe for concurrent use.
func (s *spool) put(body string) (bodyRef, error) {
	n := int64(len(body))
	off := s.size.Add(n) - n
	if _, err := s.f.WriteAt([]byte(body), off); err != nil {
		return bodyRef{}, fmt.Errorf("writing an article body to the spool: %w", err)
	}
	return bodyRef{off, len(body)}, nil
}

// get reads a body back; safe for concurrent use.
func (s *spool) get(r bodyRef) (template.HTML, error) {
	buf := make([]byte, r.n)
	if _, err := s.f.ReadAt(buf, r.off); err != nil {
		return "", fmt.Errorf("reading an article body from the spool: %w", err)
	}
	return template.HTML(buf), nil
}

func (s *spool) close() { s.f.Close() }
