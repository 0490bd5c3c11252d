package markdown

import (
	"strings"
	"sync"
	"testing"

	"github.com/kabar-news/kabar/generator/internal/htmlcheck"
)

func convert(t *testing.T, r *Renderer, src string) Result {
	t.Helper()
	res, err := r.Convert([]byte(src))
	if err != nil {
		t.Fatalf("Convert(%q): %v", src, err)
	}
	return res
}

func TestConvert(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"paragraph", "Rupiah *menguat* **tipis**.\n", "<p>Rupiah <em>menguat</em> <strong>tipis</strong>.</p>\n"},
		{"table", "| Mata uang | Kurs |\n|---|--:|\n| USD | 16.850 |\n",
			"<table>\n<thead>\n<tr>\n<th>Mata uang</th>\n<th style=\"text-align:right\">Kurs</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>USD</td>\n<td style=\"text-align:right\">16.850</td>\n</tr>\n</tbody>\n</table>\n"},
		{"strikethrough", "Harga ~~naik~~ turun.\n", "<p>Harga <del>naik</del> turun.</p>\n"},
		{"autolink", "Lihat https://www.bmkg.go.id/cuaca dan www.bps.go.id.\n",
			"<p>Lihat <a href=\"https://www.bmkg.go.id/cuaca\">https://www.bmkg.go.id/cuaca</a> dan <a href=\"http://www.bps.go.id\">www.bps.go.id</a>.</p>\n"},
		{"task list", "- [x] selesai\n- [ ] belum\n",
			"<ul>\n<li><input checked=\"\" disabled=\"\" type=\"checkbox\"> selesai</li>\n<li><input disabled=\"\" type=\"checkbox\"> belum</li>\n</ul>\n"},
		{"footnote", "Data BPS[^1].\n\n[^1]: Badan Pusat Statistik.\n",
			"<p>Data BPS<sup id=\"fnref:1\"><a href=\"#fn:1\" class=\"footnote-ref\" role=\"doc-noteref\">1</a></sup>.</p>\n" +
				"<div class=\"footnotes\" role=\"doc-endnotes\">\n<hr>\n<ol>\n<li id=\"fn:1\">\n" +
				"<p>Badan Pusat Statistik.&#160;<a href=\"#fnref:1\" class=\"footnote-backref\" role=\"doc-backlink\">&#x21a9;&#xfe0e;</a></p>\n</li>\n</ol>\n</div>\n"},
		{"heading ids", "## Berita Hari Ini\n\n## Berita Hari Ini\n\n### Ekonomi & Bisnis\n",
			"<h2 id=\"berita-hari-ini\">Berita Hari Ini</h2>\n<h2 id=\"berita-hari-ini-1\">Berita Hari Ini</h2>\n<h3 id=\"ekonomi--bisnis\">Ekonomi &amp; Bisnis</h3>\n"},
		{"typographer", "\"Kami siap,\" katanya -- lalu pergi...\n",
			"<p>&ldquo;Kami siap,&rdquo; katanya &ndash; lalu pergi&hellip;</p>\n"},
		{"code is not typeset", "`\"a\" -- b`\n", "<p><code>&quot;a&quot; -- b</code></p>\n"},
		{"entities", "AT&amp;T &copy; 5 < 6 & 7\n", "<p>AT&amp;T © 5 &lt; 6 &amp; 7</p>\n"},
		{"CRLF", "Baris satu\r\nbaris dua\r\n\r\nParagraf dua\r\n", "<p>Baris satu\nbaris dua</p>\n<p>Paragraf dua</p>\n"},
	}
	r := New(false)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(convert(t, r, tt.src).HTML); got != tt.want {
				t.Errorf("HTML =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestRawHTML(t *testing.T) {
	src := "<script>alert(\"x\")</script>\n\nTeks <b onclick=\"steal()\">tebal</b> &amp; <!-- catatan -->\n"
	tests := []struct {
		unsafe bool
		want   string
	}{
		{false, "<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;\n</p>\n" +
			"<p>Teks &lt;b onclick=&quot;steal()&quot;&gt;tebal&lt;/b&gt; &amp; &lt;!-- catatan --&gt;</p>\n"},
		{true, "<script>alert(\"x\")</script>\n<p>Teks <b onclick=\"steal()\">tebal</b> &amp; <!-- catatan --></p>\n"},
	}
	for _, tt := range tests {
		res := convert(t, New(tt.unsafe), src)
		if string(res.HTML) != tt.want {
			t.Errorf("unsafe=%v: HTML =\n%s\nwant\n%s", tt.unsafe, res.HTML, tt.want)
		}
		if res.FirstParagraph != "Teks tebal &" {
			t.Errorf("unsafe=%v: FirstParagraph = %q, want the visible text", tt.unsafe, res.FirstParagraph)
		}
	}
}

func TestDangerousLinks(t *testing.T) {
	tests := []struct{ src, want string }{
		{"[klik](javascript:alert(1))", `<p><a href="">klik</a></p>`},
		{"[klik](JaVaScRiPt:alert(1))", `<p><a href="">klik</a></p>`},
		{"[klik](&#106;avascript:alert(1))", `<p><a href="">klik</a></p>`},
		{"[klik](vbscript:msgbox)", `<p><a href="">klik</a></p>`},
		{"[klik](data:text/html,<b>x</b>)", `<p><a href="">klik</a></p>`},
		{"<javascript:alert(1)>", `<p><a href="">javascript:alert(1)</a></p>`},
		{"![foto](javascript:alert(1))", `<p><img src="" alt="foto"></p>`},
		{"[ref]\n\n[ref]: javascript:alert(1)", `<p><a href="">ref</a></p>`},
		// Inline images in formats that cannot hold script are allowed;
		// an SVG can, and is not (the rule of package htmlcheck).
		{"![foto](data:image/png;base64,iVBORw0KGgo=)", `<p><img src="data:image/png;base64,iVBORw0KGgo=" alt="foto"></p>`},
		{"![foto](data:image/gif;base64,R0lGODlh)", `<p><img src="data:image/gif;base64,R0lGODlh" alt="foto"></p>`},
		{"![foto](data:image/svg+xml;base64,PHN2Zz4=)", `<p><img src="" alt="foto"></p>`},
		{"![foto](DATA:text/html;base64,PHNjcmlwdD4=)", `<p><img src="" alt="foto"></p>`},
		{"[berkas](file:///etc/passwd)", `<p><a href="">berkas</a></p>`},
		{"[asli](https://www.antaranews.com/berita/1)", `<p><a href="https://www.antaranews.com/berita/1">asli</a></p>`},
		{"[judul](\"onmouseover=alert(1))", `<p><a href="%22onmouseover=alert(1)">judul</a></p>`},
	}
	r := New(false)
	for _, tt := range tests {
		got := strings.TrimSpace(string(convert(t, r, tt.src).HTML))
		if got != tt.want {
			t.Errorf("%q:\n got %s\nwant %s", tt.src, got, tt.want)
		}
		if m := htmlcheck.Live([]byte(got)); m != "" {
			t.Errorf("%q: %s breaks the rule of package htmlcheck", tt.src, m)
		}
	}
}

func TestFirstParagraphAndWords(t *testing.T) {
	tests := []struct {
		name, src string
		first     string
		words     int
	}{
		{"after a heading", "# Judul\n\nParagraf **pertama**\ndi dua baris.\n\nKedua.\n", "Paragraf pertama di dua baris.", 7},
		{"a list is not a paragraph", "- satu\n- dua\n\nParagraf.\n", "Paragraf.", 3},
		{"quote is not a paragraph", "> kutipan\n\nParagraf.\n", "Paragraf.", 2},
		{"links and autolinks", "Baca [laporan](https://example.com/) di https://example.com/a.\n", "Baca laporan di https://example.com/a.", 3},
		{"escapes and entities", "AT&amp;T \\*bukan miring\\* &copy;\n", "AT&T *bukan miring* ©", 4},
		{"typographic quotes", "Dia berkata \"halo\" -- lalu pergi...\n", "Dia berkata “halo” – lalu pergi…", 5},
		{"code span", "Jalankan `go test` sekarang.\n", "Jalankan go test sekarang.", 4},
		{"hard break", "Baris satu\\\nbaris dua\n", "Baris satu baris dua", 4},
		{"empty", "", "", 0},
		{"numbers and non-Latin words", "Harga 16.850 rupiah, 東京 Привет мир\n", "Harga 16.850 rupiah, 東京 Привет мир", 7},
	}
	r := New(false)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := convert(t, r, tt.src)
			if res.FirstParagraph != tt.first || res.Words != tt.words {
				t.Errorf("FirstParagraph, Words = %q, %d; want %q, %d", res.FirstParagraph, res.Words, tt.first, tt.words)
			}
		})
	}
}

func TestPlainText(t *testing.T) {
	tests := []struct{ src, want string }{
		{"Paragraf *satu*.\n\nParagraf dua.\n", "Paragraf satu. Paragraf dua."},
		{"- satu\n- dua\n", "satu dua"},
		{"| a | b |\n|---|---|\n| 1 | 2 |\n", "a b 1 2"},
		{"## Judul\nIsi <b>tebal</b>.\n", "Judul Isi tebal."},
		{"\"Kutip\" -- selesai\n", "“Kutip” – selesai"},
		{"<div>\nblok HTML\n</div>\n\nSisa.\n", "Sisa."},
	}
	r := New(false)
	for _, tt := range tests {
		if got := r.PlainText([]byte(tt.src)); got != tt.want {
			t.Errorf("PlainText(%q) = %q, want %q", tt.src, got, tt.want)
		}
	}
}

func TestConcurrentConvert(t *testing.T) {
	// One Renderer serves every worker; run with -race.
	r := New(false)
	want := string(convert(t, r, "# Judul\n\nIsi *berita*.\n").HTML)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 50 {
				res, err := r.Convert([]byte("# Judul\n\nIsi *berita*.\n"))
				if err != nil || string(res.HTML) != want {
					t.Errorf("concurrent Convert = %q, %v", res.HTML, err)
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestLinks(t *testing.T) {
	src := "# Judul\n\nBaca [laporan](/2025/04/28/x/ \"judul\") dan\n![foto](img/a.jpg) serta <https://bmkg.go.id/a>.\n\n" +
		"- butir [ref][r] dan www.bps.go.id\n- surel <redaksi@kabar.id>\n\n`[bukan](tautan)`\n\n[r]: ../y/#bagian\n"
	got := convert(t, New(false), src).Links
	want := []Link{
		{Dest: "/2025/04/28/x/", Line: 3, Column: 6},
		{Dest: "img/a.jpg", Line: 4, Column: 1, Image: true},
		{Dest: "https://bmkg.go.id/a", Line: 4, Column: 27},
		{Dest: "../y/#bagian", Line: 6, Column: 9},
		{Dest: "http://www.bps.go.id", Line: 6, Column: 22},
	}
	if len(got) != len(want) {
		t.Fatalf("links = %+v\nwant %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("link %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}
