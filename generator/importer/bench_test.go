package importer

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kabar-news/kabar/generator/config"
	"github.com/kabar-news/kabar/generator/internal/testsite"
)

// BenchmarkImport imports a feed of 500 items of some 400 words each,
// served on 127.0.0.1, into a site of 10,000 articles: "new", where every
// item is new (each round's feed names other stories), and "again", where
// every item is already here. Run it with
//
//	go test -run XXX -bench Import -benchtime 3x ./generator/importer/
func BenchmarkImport(b *testing.B) {
	site := b.TempDir()
	if _, err := testsite.Write(site, 10000, 1); err != nil {
		b.Fatal(err)
	}
	gen := testsite.New(2)
	paras := make([]string, 40)
	for i := range paras {
		paras[i] = "<p>" + gen.Words(80) + " <a href=\"/terkait\">terkait</a></p>"
	}
	var round atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := round.Load()
		var s strings.Builder
		s.WriteString(`<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Warta Uji</title>`)
		for i := range 500 {
			fmt.Fprintf(&s, "<item><title>Berita %d nomor %d %s</title><link>https://warta.example/%d/%d</link><guid>%d-%d</guid>"+
				"<pubDate>Mon, 28 Apr 2025 %02d:%02d:00 +0700</pubDate><category>Uji</category><description>%s</description>"+
				"<content:encoded><![CDATA[%s]]></content:encoded></item>",
				n, i, gen.Words(5), n, i, n, i, i/60%24, i%60, gen.Words(30), strings.Join(paras[i%35:i%35+5], "\n"))
		}
		s.WriteString("</channel></rss>")
		w.Write([]byte(s.String()))
	}))
	defer srv.Close()
	opt := Options{SiteDir: site, Feeds: []config.Feed{{URL: srv.URL, Limit: 500}}, Now: time.Now()}
	for _, name := range []string{"new", "again"} {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if name == "new" {
					round.Add(1)
				}
				res, err := Run(context.Background(), opt)
				if err != nil || res[0].Err != nil {
					b.Fatal(err, res[0].Err)
				}
				if got := len(res[0].New); (name == "new") != (got == 500) || len(res[0].Skipped) > 0 {
					b.Fatalf("%s: %d new, skipped %q", name, got, res[0].Skipped)
				}
			}
		})
	}
}
