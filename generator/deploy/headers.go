package deploy

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"mime"
	"path"
	"slices"
	"strings"
)

// Headers are what a stored object is served with.
type Headers struct {
	ContentType     string
	CacheControl    string
	ContentEncoding string // "gzip" when stored gzipped
}

// types are the site's own files, fixed here so that a deploy does not
// depend on the machine's MIME table.
var types = map[string]string{
	".html": "text/html; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".mjs":  "text/javascript; charset=utf-8",
	".xml":  "application/xml; charset=utf-8",
	".json": "application/json",
	".txt":  "text/plain; charset=utf-8",
	".svg":  "image/svg+xml",
	".png":  "image/png",
	".jpg":  "image/jpeg",
	".jpeg": "image/jpeg",
	".gif":  "image/gif",
	".webp": "image/webp",
	".avif": "image/avif",
	".ico":  "image/x-icon",
	".woff": "font/woff", ".woff2": "font/woff2",
	".pdf":         "application/pdf",
	".webmanifest": "application/manifest+json",
}

// compressible are the types worth storing gzipped.
func compressible(contentType string) bool {
	return strings.HasPrefix(contentType, "text/") || strings.Contains(contentType, "xml") ||
		strings.Contains(contentType, "json") || strings.Contains(contentType, "javascript")
}

// HeadersFor returns the headers of the object for key (a path below the
// site root). The Cache-Control value is the one of the first pattern in
// cacheControl that matches, longest pattern first (so "css/*" wins over
// "*"); a pattern without a "/" matches the file's name in any folder,
// one with a "/" the whole path (path.Match syntax). Files without an
// extension (CNAME, .nojekyll) are text/plain.
func HeadersFor(key string, cacheControl map[string]string, gz bool) Headers {
	ext := strings.ToLower(path.Ext(key))
	h := Headers{ContentType: types[ext]}
	if h.ContentType == "" {
		h.ContentType = mime.TypeByExtension(ext)
	}
	if h.ContentType == "" {
		h.ContentType = "text/plain; charset=utf-8"
		if ext != "" && ext != path.Base(key) {
			h.ContentType = "application/octet-stream"
		}
	}
	for _, pat := range patterns(cacheControl) {
		subject := key
		if !strings.Contains(pat, "/") {
			subject = path.Base(key)
		}
		if ok, _ := path.Match(pat, subject); ok {
			h.CacheControl = cacheControl[pat]
			break
		}
	}
	if gz && compressible(h.ContentType) {
		h.ContentEncoding = "gzip"
	}
	return h
}

func patterns(m map[string]string) []string {
	list := make([]string, 0, len(m))
	for p := range m {
		list = append(list, p)
	}
	slices.SortFunc(list, func(a, b string) int {
		if len(a) != len(b) {
			return len(b) - len(a)
		}
		return strings.Compare(a, b)
	})
	return list
}

// gzipped compresses data the same way every time (no name, no time in
// the header), so that an unchanged file keeps its MD5.
func gzipped(data []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write(data)
	zw.Close()
	return buf.Bytes()
}

// thousands writes n as 18,294.
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// size writes a byte count as people read it.
func size(n int64) string {
	switch {
	case n >= 1e9:
		return fmt.Sprintf("%.2f GB", float64(n)/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	case n >= 1e3:
		return fmt.Sprintf("%.1f kB", float64(n)/1e3)
	}
	return fmt.Sprintf("%d B", n)
}
