package deploy

import "testing"

func TestHeadersFor(t *testing.T) {
	cache := map[string]string{
		"*":            "short",
		"*.html":       "page",
		"css/*":        "forever",
		"tags/*/*.xml": "tag feed",
	}
	for _, c := range []struct {
		key  string
		gz   bool
		want Headers
	}{
		{"index.html", false, Headers{"text/html; charset=utf-8", "page", ""}},
		{"2025/04/28/x/index.html", true, Headers{"text/html; charset=utf-8", "page", "gzip"}},
		{"css/style.css", true, Headers{"text/css; charset=utf-8", "forever", "gzip"}},
		{"css/deep/a.css", false, Headers{"text/css; charset=utf-8", "short", ""}}, // * does not cross /
		{"tags/banjir/feed.xml", false, Headers{"application/xml; charset=utf-8", "tag feed", ""}},
		{"feed.xml", false, Headers{"application/xml; charset=utf-8", "short", ""}},
		{"img/foto.JPG", true, Headers{"image/jpeg", "short", ""}}, // not compressed again
		{"CNAME", true, Headers{"text/plain; charset=utf-8", "short", "gzip"}},
		{"data.bin-x", false, Headers{"application/octet-stream", "short", ""}},
	} {
		if got := HeadersFor(c.key, cache, c.gz); got != c.want {
			t.Errorf("%s: %+v; want %+v", c.key, got, c.want)
		}
	}
	if got := HeadersFor("index.html", nil, false); got.CacheControl != "" {
		t.Errorf("no patterns, yet Cache-Control %q", got.CacheControl)
	}
}

func TestGzipIsReproducible(t *testing.T) {
	data := []byte("<p>Harga cabai naik lagi di pasar kota.</p>")
	if string(gzipped(data)) != string(gzipped(data)) {
		t.Fatal("gzipping the same bytes twice gave different bytes: every deploy would upload again")
	}
}

func TestSummaryLine(t *testing.T) {
	s := Summary{Uploaded: 23, Deleted: 1, Unchanged: 18294, Bytes: 412000, Duration: 4100e6}
	if got, want := s.String(), "uploaded 23 (412.0 kB), deleted 1, unchanged 18,294 in 4.1 s"; got != want {
		t.Errorf("%q; want %q", got, want)
	}
	if got := thousands(1234567); got != "1,234,567" {
		t.Errorf("thousands: %q", got)
	}
}
