package pipeline

import (
	"bufio"
	"bytes"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/kabar-news/kabar/generator/content"
	"github.com/kabar-news/kabar/generator/view"
)

// fill sets every field v holds to a value that is not its zero, so that
// a field the codec leaves out reads back as zero and differs.
func fill(t *testing.T, v reflect.Value, n *int) {
	*n++
	switch v.Kind() {
	case reflect.String:
		v.SetString("teks " + string(rune('a'+*n%26)))
	case reflect.Int, reflect.Int64:
		if v.Type() == reflect.TypeFor[time.Duration]() {
			v.SetInt(int64(*n) * int64(time.Second))
		} else {
			v.SetInt(int64(-*n))
		}
	case reflect.Uint64:
		v.SetUint(uint64(*n) << 40)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 2, 2)
		for i := range 2 {
			fill(t, s.Index(i), n)
		}
		v.Set(s)
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			v.Set(reflect.ValueOf(time.Date(2025, 4, 28, 10, *n, 0, 0, time.FixedZone("", 7*3600))))
			return
		}
		for i := range v.NumField() {
			fill(t, v.Field(i), n)
		}
	case reflect.Map:
		// Params: every kind of value front matter gives.
		v.Set(reflect.ValueOf(map[string]any{
			"s": "Antara", "b": true, "f": false, "i": 7, "i64": int64(-1 << 40), "u": uint64(1 << 63), "x": 1.5,
			"t": time.Date(2025, 4, 28, 10, 0, 0, 0, time.UTC), "nil": nil, "strs": []string{"a", "b"}, "none": []string{},
			"list": []any{"a", 2, []any{}}, "map": map[string]any{"warna": "merah", "urut": 3},
			"anymap": map[any]any{1: "satu", "dua": 2.0}, "gob": int32(5),
		}))
	default:
		t.Fatalf("fill: a field of kind %s: teach fill and the state codec", v.Kind())
	}
}

// Every field of an article, filled, reads back from its state record as
// it was written: a field added to content.Article and not to the codec
// fails here.
func TestStateCodecKeepsEveryField(t *testing.T) {
	var a content.Article
	n := 0
	for i, f := range reflect.VisibleFields(reflect.TypeFor[content.Article]()) {
		if f.Name != "Warnings" { // never saved: a build with warnings reads the file again
			fill(t, reflect.ValueOf(&a).Elem().Field(i), &n)
		}
	}
	in := savedSource{File: "ekonomi/a.md", Sum: 1, Meta: 2, Shape: 3, Text: 1 << 63, Doc: []byte{1, 2, 3}, Excerpt: "Rupiah menguat",
		Same: []string{"title"}, Article: &a}
	w := &recWriter{}
	if err := w.source(&in); err != nil {
		t.Fatal(err)
	}
	r := &recReader{b: w.b}
	out := r.source()
	if r.err != nil {
		t.Fatal(r.err)
	}
	for i := range reflect.TypeFor[content.Article]().NumField() {
		name := reflect.TypeFor[content.Article]().Field(i).Name
		got, want := reflect.ValueOf(*out.Article).Field(i).Interface(), reflect.ValueOf(a).Field(i).Interface()
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Article.%s read back as %#v, want %#v", name, got, want)
		}
	}
	out.Article, in.Article = nil, nil
	if !reflect.DeepEqual(out, in) {
		t.Errorf("the record read back as %#v, want %#v", out, in)
	}

	// Cut short anywhere, or with a byte more, it is refused, never read
	// as something else and never a panic.
	for cut := range len(w.b) {
		r := &recReader{b: w.b[:cut]}
		if r.source(); r.err == nil {
			t.Fatalf("a record cut to %d of %d bytes was read", cut, len(w.b))
		}
	}
	r = &recReader{b: append(w.b, 0)}
	if r.source(); r.err == nil {
		t.Error("a record with a byte more was read")
	}
}

func TestStateCodecPages(t *testing.T) {
	in := savedPage{File: "2025/04/28/index.html", FP: 1 << 60, Sum: 42, Size: 12345, Keys: []view.Key{3, 4, 8}}
	w := &recWriter{}
	w.page(&in)
	r := &recReader{b: w.b}
	if out := r.page(); r.err != nil || !reflect.DeepEqual(out, in) {
		t.Errorf("read back %#v, %v; want %#v", out, r.err, in)
	}
	r = &recReader{b: w.b[:len(w.b)-1]}
	if r.page(); r.err == nil {
		t.Error("a page record cut short was read")
	}
}

// Records written and read a window at a time come back in order, across
// windows and chunks, and a stream cut short is refused.
func TestStateRecordsAcrossWindows(t *testing.T) {
	n := 2*recWindow + recChunk + 3
	var buf bytes.Buffer
	err := writeRecords(&buf, n, func(i int, rec *recWriter) error {
		rec.page(&savedPage{File: fmt.Sprint(i), Size: int64(i)})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	got := make([]int64, n)
	err = readRecords(bufio.NewReader(bytes.NewReader(buf.Bytes())), n, 1<<20, func(i int, rec *recReader) error {
		p := rec.page()
		if p.File != fmt.Sprint(p.Size) {
			t.Errorf("record %d: %q and %d", i, p.File, p.Size)
		}
		got[i] = p.Size
		return rec.err
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, size := range got {
		if size != int64(i) {
			t.Fatalf("record %d read as record %d", i, size)
		}
	}
	cut := bufio.NewReader(bytes.NewReader(buf.Bytes()[:buf.Len()-2]))
	if err := readRecords(cut, n, 1<<20, func(int, *recReader) error { return nil }); err == nil {
		t.Error("records cut short were read")
	}
}
