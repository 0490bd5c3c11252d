package pipeline

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/kabar-news/kabar/generator/diag"
	"github.com/kabar-news/kabar/generator/feeds"
	"github.com/kabar-news/kabar/generator/internal/testsite"
	"github.com/kabar-news/kabar/generator/output"
)

// TestMinifiedOutputMeansTheSame builds the sample minified (the default)
// and with minify: false: the same files, each minified one smaller and,
// read by a parser, the same document: HTML the same elements, attributes
// and text, XML the same elements and text, JSON the same values.
func TestMinifiedOutputMeansTheSame(t *testing.T) {
	dir := copySite(t)
	small := filepath.Join(t.TempDir(), "public")
	res := build(t, Options{SiteDir: dir, OutDir: small})
	appendConfig(t, dir, "minify: false\n")
	plain := filepath.Join(t.TempDir(), "public")
	resPlain := build(t, Options{SiteDir: dir, OutDir: plain})
	got, want := readTree(t, small), readTree(t, plain)
	if !slices.Equal(slices.Sorted(mapKeys(got)), slices.Sorted(mapKeys(want))) {
		t.Fatalf("minified and plain builds wrote different files")
	}
	for name, w := range want {
		g := got[name]
		ext := path.Ext(name)
		if output.NewMinifier().Minifies(name) && len(w) > 0 && len(g) >= len(w) {
			t.Errorf("%s: minified %d bytes, plain %d", name, len(g), len(w))
		}
		var a, b any
		var err1, err2 error
		switch ext {
		case ".html":
			a, err1 = htmlShape(g)
			b, err2 = htmlShape(w)
		case ".xml":
			a, err1 = xmlShape(g)
			b, err2 = xmlShape(w)
		case ".json":
			err1, err2 = json.Unmarshal([]byte(g), &a), json.Unmarshal([]byte(w), &b)
		default:
			continue
		}
		if err1 != nil || err2 != nil {
			t.Errorf("%s: minified: %v; plain: %v", name, err1, err2)
			continue
		}
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s: the minified file reads differently:\n%v\nplain:\n%v", name, a, b)
		}
	}
	for _, c := range []struct {
		res Result
		dir string
	}{{res, small}, {resPlain, plain}} {
		if n := diskSize(t, c.dir); c.res.Bytes != n {
			t.Errorf("%s: the build says %d bytes, the folder holds %d", c.dir, c.res.Bytes, n)
		}
	}
	if res.Bytes >= resPlain.Bytes {
		t.Errorf("minified %d bytes, plain %d", res.Bytes, resPlain.Bytes)
	}
}

// TestRebuildCountsTheOutputSize: a Builder's size after an edit is that
// of the folder it left.
func TestRebuildCountsTheOutputSize(t *testing.T) {
	dir := copySite(t)
	out := filepath.Join(t.TempDir(), "public")
	b, err := NewBuilder(Options{SiteDir: dir, OutDir: out})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	rb, err := b.Build(nil)
	if err != nil {
		t.Fatal(err)
	}
	if n := diskSize(t, out); rb.Bytes != n {
		t.Fatalf("first build: %d bytes said, %d on disk", rb.Bytes, n)
	}
	files := contentFiles(t, dir)
	p := files[0]
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	extra := "\n" + strings.Repeat("Paragraf tambahan yang panjang sekali. ", 40) + "\n"
	if err := os.WriteFile(p, append(data, extra...), 0o644); err != nil {
		t.Fatal(err)
	}
	rb2, err := b.Build([]string{p})
	if err != nil {
		t.Fatal(err)
	}
	if n := diskSize(t, out); rb2.Bytes != n || rb2.Bytes <= rb.Bytes {
		t.Errorf("after an edit adding text: %d bytes said (before %d), %d on disk", rb2.Bytes, rb.Bytes, n)
	}
}

func appendConfig(t *testing.T, dir, text string) {
	t.Helper()
	p := filepath.Join(dir, "site.yaml")
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, append(data, text...), 0o644); err != nil {
		t.Fatal(err)
	}
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// diskSize adds up the sizes of the output's files but the marker.
func diskSize(t *testing.T, dir string) int64 {
	t.Helper()
	var n int64
	for name, data := range readTree(t, dir) {
		if name != output.Marker {
			n += int64(len(data))
		}
	}
	return n
}

// squash drops all whitespace: what minifying may change in text and
// attribute values ("a, b" becomes "a,b").
func squash(s string) string { return strings.Join(strings.Fields(s), "") }

// htmlShape is a page as a parser reads it: elements with their sorted
// attributes, and text without whitespace.
func htmlShape(src string) ([]string, error) {
	doc, err := html.Parse(strings.NewReader(src))
	if err != nil {
		return nil, err
	}
	var out []string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.ElementNode:
			attrs := make([]string, 0, len(n.Attr))
			for _, a := range n.Attr {
				attrs = append(attrs, a.Key+"="+squash(a.Val))
			}
			sort.Strings(attrs)
			out = append(out, "<"+n.Data+" "+strings.Join(attrs, " ")+">")
		case html.TextNode:
			if s := squash(n.Data); s != "" {
				out = append(out, s)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out, nil
}

// xmlShape is an XML file as a parser reads it.
func xmlShape(src string) ([]string, error) {
	dec := xml.NewDecoder(strings.NewReader(src))
	var out []string
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			attrs := make([]string, 0, len(tok.Attr))
			for _, a := range tok.Attr {
				attrs = append(attrs, fmt.Sprintf("%s:%s=%s", a.Name.Space, a.Name.Local, squash(a.Value)))
			}
			sort.Strings(attrs)
			out = append(out, "<"+tok.Name.Space+":"+tok.Name.Local+" "+strings.Join(attrs, " ")+">")
		case xml.CharData:
			if s := squash(string(tok)); s != "" {
				out = append(out, s)
			}
		}
	}
}

// TestBrokenStaticJSONNamesTheFile: a static file the minifier cannot
// read fails the build with its name, line and column, and the output
// stays as it was.
func TestBrokenStaticJSONNamesTheFile(t *testing.T) {
	dir := copySite(t)
	out := filepath.Join(t.TempDir(), "public")
	build(t, Options{SiteDir: dir, OutDir: out})
	before := readTree(t, out)
	if err := os.WriteFile(filepath.Join(dir, "static", "data.json"), []byte("{\n  \"a\": ]\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Build(Options{SiteDir: dir, OutDir: out})
	if err == nil || !strings.Contains(err.Error(), "static/data.json:2:8: cannot be minified") {
		t.Fatalf("a broken static/data.json: %v", err)
	}
	// As a diagnostic too, for --format json: the place is not lost.
	if ds := diag.List(err); len(ds) != 1 || ds[0].File != "static/data.json" || ds[0].Line != 2 || ds[0].Column != 8 {
		t.Errorf("diagnostics %+v, want static/data.json line 2 column 8", ds)
	}
	sameTree(t, "after the failed build", readTree(t, out), before)
}

// TestTermFeedsCarryTheNewest: a section's feed carries its newest
// termFeedLimit articles, the site's feed feeds.Limit.
func TestTermFeedsCarryTheNewest(t *testing.T) {
	dir := t.TempDir()
	list, err := testsite.Write(dir, 240, 3)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "public")
	build(t, Options{SiteDir: dir, OutDir: out})
	var newest string // the last generated article of Nasional is its newest
	total := 0
	for _, a := range list {
		if a.Section == "Nasional" {
			newest, total = a.Title, total+1
		}
	}
	if total <= termFeedLimit {
		t.Fatalf("only %d articles in Nasional", total)
	}
	for name, want := range map[string]int{"sections/nasional/feed.xml": termFeedLimit, "feed.xml": feeds.Limit} {
		data, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		var rss struct {
			Items []struct {
				Title string `xml:"title"`
			} `xml:"channel>item"`
		}
		if err := xml.Unmarshal(data, &rss); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(rss.Items) != want {
			t.Errorf("%s has %d items; want %d", name, len(rss.Items), want)
		}
		if name != "feed.xml" && (len(rss.Items) == 0 || rss.Items[0].Title != newest) {
			t.Errorf("%s does not start with the newest article %q", name, newest)
		}
	}
}
