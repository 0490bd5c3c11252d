package output

import (
	"bytes"
	"errors"
	"path"
	"regexp"
	"strings"
	"sync"

	"github.com/tdewolff/minify/v2"
	"github.com/tdewolff/minify/v2/css"
	"github.com/tdewolff/minify/v2/html"
	"github.com/tdewolff/minify/v2/json"
	"github.com/tdewolff/minify/v2/xml"
	"github.com/tdewolff/parse/v2"

	"github.com/kabar-news/kabar/generator/diag"
)

// Minifier makes HTML, CSS, XML and JSON files smaller without changing
// what they mean: whitespace between tags, comments, redundant quotes in
// CSS. The same bytes in give the same bytes out, so a file minified in
// two builds is still skipped when unchanged. It is safe for concurrent
// use.
type Minifier struct{ m *minify.M }

// NewMinifier returns the minifier of the build.
func NewMinifier() *Minifier {
	m := minify.New()
	// End and document tags and attribute quotes stay: they cost a few
	// bytes a page, and tools that read the pages (feed readers, link
	// checkers, the live-reload script's injection) expect them.
	m.Add("text/html", &html.Minifier{KeepDocumentTags: true, KeepEndTags: true, KeepQuotes: true, KeepDefaultAttrVals: true})
	m.AddFunc("text/css", css.Minify)
	m.AddFunc("text/xml", xml.Minify)
	// JSON files and JSON inside pages (<script type="application/ld+json">).
	m.AddFuncRegexp(regexp.MustCompile(`^application/([a-z.+-]+\+)?json$`), json.Minify)
	return &Minifier{m: m}
}

// mediaTypes maps the file extensions minified to their media types.
var mediaTypes = map[string]string{
	".html": "text/html", ".htm": "text/html",
	".css": "text/css",
	".xml": "text/xml", ".rss": "text/xml", ".atom": "text/xml",
	".json": "application/json", ".webmanifest": "application/json",
}

// Minifies reports whether files named name are minified.
func (mf *Minifier) Minifies(name string) bool {
	_, ok := mediaTypes[strings.ToLower(path.Ext(name))]
	return ok
}

var minPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// Minify returns data made smaller when name is of a type it knows, else
// data itself. done must be called once the result is no longer used: it
// may be a pooled buffer. An error names the file and where in it the
// minifier gave up.
func (mf *Minifier) Minify(name string, data []byte) (out []byte, done func(), err error) {
	mt, ok := mediaTypes[strings.ToLower(path.Ext(name))]
	if !ok || len(data) == 0 {
		return data, func() {}, nil
	}
	switch mt {
	case "text/html":
		data = canonicalHTML(data)
	case "text/xml":
		data = canonicalXML(data)
	}
	buf := minPool.Get().(*bytes.Buffer)
	buf.Reset()
	buf.Grow(len(data))
	if err := mf.m.Minify(mt, buf, bytes.NewReader(data)); err != nil {
		minPool.Put(buf)
		// A diagnostic, so that --format json keeps the file, line and column.
		d := &diag.Diag{File: name, Message: "cannot be minified: " + err.Error(), Err: err,
			Fix: "fix the template or static file it comes from, or set minify: false in the config"}
		var pe *parse.Error
		if errors.As(err, &pe) {
			d.Line, d.Column, d.Message = pe.Line, pe.Column, "cannot be minified: "+pe.Message
		}
		return nil, nil, d
	}
	return buf.Bytes(), func() { minPool.Put(buf) }, nil
}
