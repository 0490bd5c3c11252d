package pipeline

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/gob"
	"errors"
	"fmt"
	"html/template"
	"io"
	"math"
	"slices"
	"time"

	"github.com/kabar-news/kabar/generator/content"
	"github.com/kabar-news/kabar/generator/internal/cores"
	"github.com/kabar-news/kabar/generator/markdown"
	"github.com/kabar-news/kabar/generator/shortcode"
	"github.com/kabar-news/kabar/generator/view"
)

// The state's records of articles and pages are written by hand, each
// field in a fixed order, not with gob: decoding 100,000 articles with
// gob took 4 s of CPU, a third of the build after an import. Each
// record is its length, then its fields: numbers as varints (hashes as 8
// bytes), strings and byte slices as a length and the bytes, lists as a
// count and the items, times as time.Time's binary form. Front matter
// values go by a one-byte kind; a kind of value YAML and TOML do not make
// goes through gob. TestStateCodecKeepsEveryField fills every field of an
// article, so one added to content.Article and not here fails it.

var errMalformed = errors.New("malformed")

// Records are made and read a window at a time, a chunk of it on each
// core: the state's window in memory, not the whole state. A record's
// length is 4 bytes, so that it is written in place after the record.
const (
	recWindow = 1 << 12 // records
	recBytes  = 8 << 20 // bytes a window fills before it is read
	recChunk  = 512
)

// writeRecords writes n records, record i made by put, each after its
// length, in order.
func writeRecords(w io.Writer, n int, put func(i int, rec *recWriter) error) error {
	bufs := make([]recWriter, recWindow/recChunk)
	errs := make([]error, len(bufs))
	for at := 0; at < n; at += recWindow {
		end := min(n, at+recWindow)
		chunks := (end - at + recChunk - 1) / recChunk
		cores.For(chunks, func(c int) {
			rec := &bufs[c]
			rec.b = rec.b[:0]
			for i := at + c*recChunk; i < min(end, at+(c+1)*recChunk); i++ {
				from := len(rec.b)
				rec.b = append(rec.b, 0, 0, 0, 0)
				if errs[c] = put(i, rec); errs[c] != nil {
					return
				}
				binary.LittleEndian.PutUint32(rec.b[from:], uint32(len(rec.b)-from-4))
			}
		})
		for c := range chunks {
			if errs[c] != nil {
				return errs[c]
			}
			if _, err := w.Write(bufs[c].b); err != nil {
				return err
			}
		}
	}
	return nil
}

// readRecords reads n records that writeRecords wrote, of at most limit
// bytes each, and hands record i to get, on all cores.
func readRecords(r *bufio.Reader, n int, limit uint64, get func(i int, rec *recReader) error) error {
	win := make([]byte, 0, recBytes)
	ends := make([]int, 0, recWindow)
	errs := make([]error, recWindow/recChunk)
	for at := 0; at < n; {
		win, ends = win[:0], ends[:0]
		for at+len(ends) < n && len(ends) < recWindow {
			var pre [4]byte
			if _, err := io.ReadFull(r, pre[:]); err != nil {
				return errors.New("truncated")
			}
			size := int(binary.LittleEndian.Uint32(pre[:]))
			if uint64(size) > limit {
				return errMalformed
			}
			win = slices.Grow(win, size)
			if _, err := io.ReadFull(r, win[len(win):len(win)+size]); err != nil {
				return errors.New("truncated")
			}
			win = win[:len(win)+size]
			ends = append(ends, len(win))
			if len(win) >= recBytes {
				break
			}
		}
		chunks := (len(ends) + recChunk - 1) / recChunk
		cores.For(chunks, func(c int) {
			rec := &recReader{}
			for k := c * recChunk; k < min(len(ends), (c+1)*recChunk); k++ {
				from := 0
				if k > 0 {
					from = ends[k-1]
				}
				*rec = recReader{b: win[from:ends[k]:ends[k]]}
				if errs[c] = get(at+k, rec); errs[c] != nil {
					return
				}
			}
		})
		for c := range chunks {
			if errs[c] != nil {
				return errs[c]
			}
		}
		at += len(ends)
	}
	return nil
}

// A value's kind in the state.
const (
	vNil byte = iota
	vString
	vFalse
	vTrue
	vInt
	vInt64
	vUint64
	vFloat
	vTime
	vList
	vMap
	vStrings
	vAnyMap
	vGob
)

// maxDepth bounds the nesting of front matter values read back, so that a
// damaged state cannot recurse without end before its checksum is seen.
const maxDepth = 64

type recWriter struct{ b []byte }

func (w *recWriter) uint(x uint64)  { w.b = binary.AppendUvarint(w.b, x) }
func (w *recWriter) int(x int64)    { w.b = binary.AppendVarint(w.b, x) }
func (w *recWriter) sum(x uint64)   { w.b = binary.LittleEndian.AppendUint64(w.b, x) }
func (w *recWriter) str(s string)   { w.uint(uint64(len(s))); w.b = append(w.b, s...) }
func (w *recWriter) bytes(p []byte) { w.uint(uint64(len(p))); w.b = append(w.b, p...) }

func (w *recWriter) bool(x bool) {
	if x {
		w.b = append(w.b, 1)
	} else {
		w.b = append(w.b, 0)
	}
}

func (w *recWriter) strs(list []string) {
	w.uint(uint64(len(list)))
	for _, s := range list {
		w.str(s)
	}
}

func (w *recWriter) time(t time.Time) error {
	var err error
	n := len(w.b)
	w.b = append(w.b, 0)
	if w.b, err = t.AppendBinary(w.b); err != nil {
		return err
	}
	w.b[n] = byte(len(w.b) - n - 1)
	return nil
}

func (w *recWriter) value(v any) error {
	switch v := v.(type) {
	case nil:
		w.b = append(w.b, vNil)
	case string:
		w.b = append(w.b, vString)
		w.str(v)
	case bool:
		if v {
			w.b = append(w.b, vTrue)
		} else {
			w.b = append(w.b, vFalse)
		}
	case int:
		w.b = append(w.b, vInt)
		w.int(int64(v))
	case int64:
		w.b = append(w.b, vInt64)
		w.int(v)
	case uint64:
		w.b = append(w.b, vUint64)
		w.uint(v)
	case float64:
		w.b = append(w.b, vFloat)
		w.sum(math.Float64bits(v))
	case time.Time:
		w.b = append(w.b, vTime)
		return w.time(v)
	case []string:
		w.b = append(w.b, vStrings)
		w.strs(v)
	case []any:
		w.b = append(w.b, vList)
		w.uint(uint64(len(v)))
		for _, x := range v {
			if err := w.value(x); err != nil {
				return err
			}
		}
	case map[string]any:
		w.b = append(w.b, vMap)
		w.uint(uint64(len(v)))
		for k, x := range v {
			w.str(k)
			if err := w.value(x); err != nil {
				return err
			}
		}
	case map[any]any:
		w.b = append(w.b, vAnyMap)
		w.uint(uint64(len(v)))
		for k, x := range v {
			if err := w.value(k); err != nil {
				return err
			}
			if err := w.value(x); err != nil {
				return err
			}
		}
	default:
		var buf bytes.Buffer
		if err := gob.NewEncoder(&buf).Encode(&v); err != nil {
			return fmt.Errorf("a front matter value of type %T: %w", v, err)
		}
		w.b = append(w.b, vGob)
		w.bytes(buf.Bytes())
	}
	return nil
}

// source appends s's record.
func (w *recWriter) source(s *savedSource) error {
	w.str(s.File)
	w.sum(s.Sum)
	w.sum(s.Meta)
	w.sum(s.Shape)
	w.sum(s.Text)
	w.bytes(s.Doc)
	w.str(s.Excerpt)
	w.strs(s.Same)
	a := s.Article
	w.str(a.File)
	w.str(a.Title)
	if err := w.time(a.Date); err != nil {
		return err
	}
	if err := w.time(a.Updated); err != nil {
		return err
	}
	w.str(a.Slug)
	w.str(a.Summary)
	w.strs(a.Authors)
	w.str(a.Source)
	w.str(a.SourceURL)
	w.str(a.Via)
	w.str(a.Section)
	w.strs(a.Tags)
	w.str(a.Image)
	w.str(a.ImageAlt)
	w.int(int64(a.ImageLine))
	w.str(a.Lang)
	w.bool(a.Draft)
	w.bool(a.Featured)
	w.uint(uint64(len(a.Corrections)))
	for _, c := range a.Corrections {
		if err := w.time(c.Date); err != nil {
			return err
		}
		w.str(c.Text)
	}
	if a.Params == nil {
		w.b = append(w.b, vNil)
	} else if err := w.value(a.Params); err != nil {
		return err
	}
	w.str(string(a.Content))
	w.int(int64(a.Words))
	w.int(int64(a.ReadingTime))
	w.uint(uint64(len(a.Links)))
	for _, l := range a.Links {
		w.str(l.Dest)
		w.int(int64(l.Line))
		w.int(int64(l.Column))
		w.bool(l.Image)
	}
	w.uint(uint64(len(a.LinkTags)))
	for _, l := range a.LinkTags {
		w.str(l.Kind)
		w.str(l.Target)
		w.int(int64(l.Line))
		w.int(int64(l.Column))
		w.str(l.Tag)
	}
	w.str(a.LinkMark)
	return nil
}

// page appends p's record; its trace is the rest of it, after the
// number of keys, which tells a cut record.
func (w *recWriter) page(p *savedPage) {
	w.str(p.File)
	w.sum(p.FP)
	w.sum(p.Sum)
	w.int(p.Size)
	w.uint(uint64(len(p.Keys)))
	w.b = view.AppendKeys(w.b, p.Keys)
}

// recReader reads one record; its first error stays, and every read
// after it gives zero values. After share, the strings it reads are cut
// from one copy of the rest of the record, s: an article's fifty strings
// cost one allocation, not fifty.
type recReader struct {
	b   []byte
	s   string // b's bytes from where share was called, or ""
	err error
}

func (r *recReader) share() { r.s = string(r.b) }

func (r *recReader) fail() {
	if r.err == nil {
		r.err = errMalformed
	}
	r.b = nil
}

func (r *recReader) uint() uint64 { return readVarint(r, binary.Uvarint) }
func (r *recReader) int() int64   { return readVarint(r, binary.Varint) }

// readVarint reads one number with decode, binary.Uvarint or Varint.
func readVarint[T uint64 | int64](r *recReader, decode func([]byte) (T, int)) T {
	x, n := decode(r.b)
	if n <= 0 {
		r.fail()
		return 0
	}
	r.b = r.b[n:]
	return x
}

func (r *recReader) sum() uint64 {
	if len(r.b) < 8 {
		r.fail()
		return 0
	}
	x := binary.LittleEndian.Uint64(r.b)
	r.b = r.b[8:]
	return x
}

// next is the next n bytes, which the record must hold.
func (r *recReader) next(n uint64) []byte {
	if n > uint64(len(r.b)) {
		r.fail()
		return nil
	}
	p := r.b[:n:n]
	r.b = r.b[n:]
	return p
}

// count is a list's length, which cannot be more than the bytes left.
func (r *recReader) count() int {
	n := r.uint()
	if n > uint64(len(r.b)) {
		r.fail()
		return 0
	}
	return int(n)
}

func (r *recReader) byte() byte {
	if len(r.b) == 0 {
		r.fail()
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

func (r *recReader) str() string {
	n := r.uint()
	if r.s == "" {
		return string(r.next(n))
	}
	at := len(r.s) - len(r.b)
	if r.next(n); r.err != nil {
		return ""
	}
	return r.s[at : at+int(n)]
}
func (r *recReader) bool() bool { return r.byte() != 0 }

// bytes is a copy: the record's buffer is used again.
func (r *recReader) bytes() []byte {
	p := r.next(r.uint())
	if len(p) == 0 {
		return nil
	}
	return bytes.Clone(p)
}

func (r *recReader) strs() []string {
	n := r.count()
	if n == 0 {
		return nil
	}
	list := make([]string, n)
	for i := range list {
		list[i] = r.str()
	}
	return list
}

func (r *recReader) time() time.Time {
	var t time.Time
	if err := t.UnmarshalBinary(r.next(uint64(r.byte()))); err != nil {
		r.fail()
	}
	return t
}

func (r *recReader) value(depth int) any {
	if depth > maxDepth {
		r.fail()
		return nil
	}
	switch r.byte() {
	case vNil:
		return nil
	case vString:
		return r.str()
	case vFalse:
		return false
	case vTrue:
		return true
	case vInt:
		return int(r.int())
	case vInt64:
		return r.int()
	case vUint64:
		return r.uint()
	case vFloat:
		return math.Float64frombits(r.sum())
	case vTime:
		return r.time()
	case vStrings:
		list := r.strs()
		if list == nil {
			list = []string{}
		}
		return list
	case vList:
		list := make([]any, r.count())
		for i := range list {
			list[i] = r.value(depth + 1)
		}
		return list
	case vMap:
		return r.stringMap(depth, 0)
	case vAnyMap:
		n := r.count()
		m := make(map[any]any, n)
		for range n {
			k := r.value(depth + 1)
			v := r.value(depth + 1)
			if r.err != nil {
				return nil
			}
			func() {
				defer func() {
					if recover() != nil { // a key that cannot be one
						r.fail()
					}
				}()
				m[k] = v
			}()
		}
		return m
	case vGob:
		var v any
		if err := gob.NewDecoder(bytes.NewReader(r.next(r.uint()))).Decode(&v); err != nil {
			r.fail()
		}
		return v
	}
	r.fail()
	return nil
}

// stringMap reads a vMap's entries at depth, into a map with room for
// extra more.
func (r *recReader) stringMap(depth, extra int) map[string]any {
	n := r.count()
	m := make(map[string]any, n+extra)
	for range n {
		k := r.str()
		m[k] = r.value(depth + 1)
	}
	return m
}

// source reads a record that recWriter.source wrote.
func (r *recReader) source() savedSource {
	r.s = ""
	s := savedSource{File: r.str(), Sum: r.sum(), Meta: r.sum(), Shape: r.sum(), Text: r.sum(), Doc: r.bytes()}
	r.share() // after the bytes of Doc, which are copied alone
	s.Excerpt, s.Same = r.str(), r.strs()
	a := &content.Article{File: r.str(), Title: r.str(), Date: r.time(), Updated: r.time(), Slug: r.str(), Summary: r.str(),
		Authors: r.strs(), Source: r.str(), SourceURL: r.str(), Via: r.str(), Section: r.str(), Tags: r.strs(),
		Image: r.str(), ImageAlt: r.str(), ImageLine: int(r.int()), Lang: r.str(), Draft: r.bool(), Featured: r.bool()}
	if n := r.count(); n > 0 {
		a.Corrections = make([]content.Correction, n)
		for i := range a.Corrections {
			a.Corrections[i] = content.Correction{Date: r.time(), Text: r.str()}
		}
	}
	// Params, with room for the values restoreParams puts back.
	switch r.byte() {
	case vNil:
	case vMap:
		a.Params = r.stringMap(0, len(s.Same))
	default:
		r.fail()
	}
	a.Content = template.HTML(r.str())
	a.Words, a.ReadingTime = int(r.int()), int(r.int())
	if n := r.count(); n > 0 {
		a.Links = make([]markdown.Link, n)
		for i := range a.Links {
			a.Links[i] = markdown.Link{Dest: r.str(), Line: int(r.int()), Column: int(r.int()), Image: r.bool()}
		}
	}
	if n := r.count(); n > 0 {
		a.LinkTags = make([]shortcode.Link, n)
		for i := range a.LinkTags {
			a.LinkTags[i] = shortcode.Link{Kind: r.str(), Target: r.str(), Line: int(r.int()), Column: int(r.int()), Tag: r.str()}
		}
	}
	a.LinkMark = r.str()
	if len(r.b) > 0 {
		r.fail()
	}
	s.Article = a
	return s
}

// page reads a record that recWriter.page wrote.
func (r *recReader) page() savedPage {
	r.s = ""
	p := savedPage{File: r.str(), FP: r.sum(), Sum: r.sum(), Size: r.int()}
	n := r.count()
	if r.err != nil {
		return p
	}
	var err error
	if p.Keys, err = view.ReadKeys(r.b); err != nil || len(p.Keys) != n {
		r.fail()
	}
	return p
}
