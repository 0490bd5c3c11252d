package output

import (
	"bytes"
	"strings"
	"testing"

	"github.com/tdewolff/minify/v2"
	"github.com/tdewolff/minify/v2/html"
	"github.com/tdewolff/minify/v2/xml"
)

// TestCanonicalTextMinifiesAlike: the references rewritten beforehand,
// pages and feeds minify to the bytes the minifier alone makes of them.
func TestCanonicalTextMinifiesAlike(t *testing.T) {
	m := minify.New()
	m.Add("text/html", &html.Minifier{KeepDocumentTags: true, KeepEndTags: true, KeepQuotes: true, KeepDefaultAttrVals: true})
	m.AddFunc("text/xml", xml.Minify)
	mf := NewMinifier()
	// Each part has a few dozen references: once, the minifier meets
	// them as written; 400 times, they are rewritten first.
	html := `<p title="&#34;kutip&#34; &amp; &lt;">&#34;Kata&#34; &quot;dia&quot; &#39;x&#39; &lt;b&gt; &amp;amp; &amp; &amp;x &eacute;&#233;&#x41;&#60; &nbsp; &copy &unknown; &#9;` +
		`</p><pre>&quot;  tetap  &#34;</pre><textarea>&quot;</textarea><script>var s = "&quot;";</script><p>akhir&</p>`
	item := `<item><description>&lt;p&gt;&amp;#34;Kata&amp;#34; &#34;dia&#34; &quot;x&quot; &apos;y&apos; &#60; &#10; &#x2014;&lt;/p&gt;</description>` +
		`<link href="a?b=1&amp;c=&#34;2&#34;"/><![CDATA[&quot;]]></item>`
	page := func(n int) string {
		return `<!DOCTYPE html><html><head><title>A &amp; B &quot;</title><style>a::after{content:"&quot;"}</style></head><body>` + strings.Repeat(html, n) + `</body></html>`
	}
	feed := func(n int) string {
		return `<?xml version="1.0"?><rss><channel><title>A &amp; B</title>` + strings.Repeat(item, n) + `</channel></rss>`
	}
	if fewRefs([]byte(page(400))) || fewRefs([]byte(feed(400))) || !fewRefs([]byte(page(1))) || !fewRefs([]byte(feed(1))) {
		t.Fatal("the documents no longer take both ways")
	}
	for name, doc := range map[string]string{"a.html": page(1), "b.html": page(400), "feed.xml": feed(1), "feed2.xml": feed(400)} {
		mt := mediaTypes[name[strings.IndexByte(name, '.'):]]
		want, err := m.Bytes(mt, []byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		got, done, err := mf.Minify(name, []byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s:\n got %s\nwant %s", name, got, want)
		}
		done()
	}
}
