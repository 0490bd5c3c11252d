package output

import (
	"strings"
	"testing"
)

func TestMinifier(t *testing.T) {
	m := NewMinifier()
	page := "<!DOCTYPE html>\n<html lang=\"id\">\n<head>\n<title>Kabar</title>\n</head>\n<body>\n  <p class=\"a\">Satu   dua</p>\n  <!-- catatan -->\n<script type=\"application/ld+json\">\n{ \"@type\": \"NewsArticle\",\n  \"headline\": \"Banjir\" }\n</script>\n</body>\n</html>\n"
	for _, c := range []struct{ name, in, want string }{
		{"a/index.html", page, `<!doctype html><html lang="id"><head><title>Kabar</title></head><body><p class="a">Satu dua</p><script type="application/ld+json">{"@type":"NewsArticle","headline":"Banjir"}</script></body></html>`},
		{"css/style.css", "body {\n  color: #ffffff;\n  margin: 0px;\n}\n", "body{color:#fff;margin:0}"},
		{"feed.xml", "<?xml version=\"1.0\"?>\n<rss>\n  <channel>\n    <title>Kabar</title>\n  </channel>\n</rss>\n", `<?xml version="1.0"?><rss><channel><title>Kabar</title></channel></rss>`},
		{"feed.json", "{\n  \"version\": \"1\",\n  \"items\": [ ]\n}\n", `{"version":"1","items":[]}`},
		{"robots.txt", "User-agent: *\n\nAllow: /\n", "User-agent: *\n\nAllow: /\n"},
		{"CNAME", "news.example.id\n", "news.example.id\n"},
	} {
		out, done, err := m.Minify(c.name, []byte(c.in))
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if string(out) != c.want {
			t.Errorf("%s minified to\n%s\nwant\n%s", c.name, out, c.want)
		}
		done()
	}
	if m.Minifies("robots.txt") || !m.Minifies("x/Y.HTML") {
		t.Error("Minifies goes by the extension, in any case")
	}
}

func TestMinifierErrorNamesTheFile(t *testing.T) {
	_, _, err := NewMinifier().Minify("data/broken.json", []byte("{\n  \"a\": ]\n}"))
	if err == nil || !strings.HasPrefix(err.Error(), "data/broken.json:2:8: ") || strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), "minify: false") {
		t.Fatalf("broken JSON: %v; want one line naming the file, line and column, and the way out", err)
	}
}
