package cli

import (
	"context"
	"net"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/kabar-news/kabar/generator/pipeline"
)

// searchArticles are written in our own words for the search test; the
// dates set the order results must come in.
var searchArticles = map[string]string{
	"ekonomi/kopi-naik.md": `---
title: Pemerintah Dorong Ekspor Kopi Arabika
date: 2025-03-10T09:00:00+07:00
section: Ekonomi
source: Kabar Pagi
tags: [kopi]
---
Kementerian Perdagangan mengekspor kopi arabika ke Eropa dalam jumlah besar tahun ini.
`,
	"ekonomi/kopi-turun.md": `---
title: Ekspornya Turun pada Musim Hujan
date: 2025-03-12T09:00:00+07:00
section: Ekonomi
source: Warta Sore
tags: [kopi, cuaca]
---
Petani di lereng gunung mengeluh karena hujan deras merusak panen.
`,
	"nasional/anggaran.md": `---
title: Pemerintahan Daerah Bahas Anggaran Pangan
date: 2025-03-11T09:00:00+07:00
section: Nasional
source: Kabar Pagi
---
Rapat membahas ekspor beras dan cadangan pangan daerah.
`,
	"dunia/coffee.md": `---
title: Coffee exporters expect a strong season
date: 2025-03-09T09:00:00+07:00
section: Dunia
source: Kabar Pagi
lang: en
---
Growers are exporting more beans as prices rise.
`,
	"ekonomi/gula.md": `---
title: Harga Gula Stabil
date: 2025-03-07T09:00:00+07:00
section: Ekonomi
source: Warta Sore
summary: Harga gula di pasar tetap.
---
Harga gula di pasar tetap.

Pedagang menyebut pasokan dari Lampung lancar. Distributor menimbun karung di gudang.
`,
	"nasional/hostile.md": `---
title: "<script>window.pwned=1</script> Ekspor <b>tebal</b>"
date: 2025-03-08T09:00:00+07:00
section: Nasional
source: Kabar Pagi
summary: "<img src=x onerror=window.pwned=2> ringkasan ekspor"
---
Isi biasa.
`,
}

// TestBrowserSearch builds a site for a GitHub Pages sub-path, serves it
// on 127.0.0.1 as Pages would, and searches in headless Chromium: stems
// match across affixes and languages, results come newest first with the
// words marked, a filter narrows them and the URL carries it, a word
// nobody wrote says so, markup in an article stays text, and the arrow
// keys reach the results.
func TestBrowserSearch(t *testing.T) {
	ctx := newBrowser(t)
	dir := t.TempDir()
	writeFile(t, dir, "site.yaml", "title: Uji Cari\nbase_url: https://example.github.io/repo/\nlanguage: id\n")
	for name, text := range searchArticles {
		writeFile(t, dir, "content/"+name, text)
	}
	out := filepath.Join(t.TempDir(), "public")
	if _, err := pipeline.Build(pipeline.Options{SiteDir: dir, OutDir: out}); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.StripPrefix("/repo", http.FileServer(http.Dir(out)))}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	base := "http://" + ln.Addr().String() + "/repo/"

	nctx, cancel := context.WithTimeout(ctx, livePatience)
	defer cancel()
	if err := chromedp.Do(nctx, chromedp.Navigate(base+"search/?q=ekspor"), chromedp.WaitVisible(`#search-q`)); err != nil {
		t.Fatal(err)
	}
	titles := func() []string {
		return evalJS[[]string](t, ctx, `Array.from(document.querySelectorAll("#search-results li h2")).map(h => h.textContent)`)
	}
	waitJS(t, ctx, "results for ekspor", `document.querySelectorAll("#search-results li").length === 4`)
	want := []string{
		"Ekspornya Turun pada Musim Hujan",                    // 12 March
		"Pemerintahan Daerah Bahas Anggaran Pangan",           // 11 March: ekspor in the body
		"Pemerintah Dorong Ekspor Kopi Arabika",               // 10 March
		"<script>window.pwned=1</script> Ekspor <b>tebal</b>", // 8 March, as text
	}
	if got := titles(); !slices.Equal(got, want) {
		t.Errorf("results for ekspor: %q, want %q", got, want)
	}
	if got := evalJS[string](t, ctx, `document.getElementById("search-q").value`); got != "ekspor" {
		t.Errorf("the query from the URL fills the box with %q", got)
	}
	if got := evalJS[string](t, ctx, `document.querySelector("#search-results li mark").textContent`); got != "Ekspornya" {
		t.Errorf("the first result marks %q, want Ekspornya", got)
	}
	if got := evalJS[string](t, ctx, `document.getElementById("search-status").textContent`); got != "4 berita ditemukan" {
		t.Errorf("the live region says %q", got)
	}
	if href := evalJS[string](t, ctx, `document.querySelector("#search-results li a").getAttribute("href")`); href != "/repo/2025/03/12/kopi-turun/" {
		t.Errorf("the first result links to %s, not under the sub-path", href)
	}
	if evalJS[bool](t, ctx, `window.pwned !== undefined || document.querySelector("#search-results script, #search-results b, #search-results img") !== null`) {
		t.Error("markup from an article became live in the results")
	}

	// A filter narrows the results, and the URL says so.
	evalJS[bool](t, ctx, `(() => { const s = document.getElementById("search-section"); s.value = "ekonomi"; s.dispatchEvent(new Event("change", {bubbles: true})); return true })()`)
	waitJS(t, ctx, "results in Ekonomi", `document.querySelectorAll("#search-results li").length === 2`)
	if got := titles(); !slices.Equal(got, []string{want[0], want[2]}) {
		t.Errorf("results in Ekonomi: %q", got)
	}
	if u := evalJS[string](t, ctx, `location.search`); u != "?q=ekspor&section=ekonomi" {
		t.Errorf("the URL carries %q", u)
	}
	// Back goes to the search before the filter.
	evalJS[bool](t, ctx, `history.back(), true`)
	waitJS(t, ctx, "the search before the filter", `location.search === "?q=ekspor" && document.querySelectorAll("#search-results li").length === 4`)

	clearBox := func() bool { return evalJS[bool](t, ctx, `(document.getElementById("search-q").value = "", true)`) }
	// Typed by keys: the last word is a prefix, of the word or its stem; Pemerintahan finds
	// Pemerintah; English is stemmed as English.
	for _, c := range []struct {
		typed string
		want  []string
	}{
		{"pemerintahan", []string{want[1], want[2]}},
		{"ekspo", want},
		{"pemerint", []string{want[1], want[2]}},
		{"kopi ekspo", []string{want[0], want[2]}},
		{"coffee exporting", []string{"Coffee exporters expect a strong season"}},
	} {
		if _, err := clearBox(), chromedp.Do(nctx, chromedp.SendKeys(`#search-q`, c.typed)); err != nil {
			t.Fatal(err)
		}
		waitJS(t, ctx, "results for "+c.typed, `document.getElementById("search-status").textContent !== "" && new URLSearchParams(location.search).get("q") === `+jsString(c.typed))
		waitJS(t, ctx, "the results for "+c.typed, `document.querySelectorAll("#search-results li").length === `+strconv.Itoa(len(c.want)))
		if got := titles(); !slices.Equal(got, c.want) {
			t.Errorf("%q finds %q, want %q", c.typed, got, c.want)
		}
	}

	// Down from the box reaches the first result, and the next.
	if err := chromedp.Do(nctx, chromedp.Focus(`#search-q`), chromedp.KeyEvent(kb.ArrowDown)); err != nil {
		t.Fatal(err)
	}
	if got := evalJS[string](t, ctx, `document.activeElement.textContent`); got != "Coffee exporters expect a strong season" {
		t.Errorf("ArrowDown from the box focuses %q", got)
	}

	// A word found in the body only: the result shows the sentence it is
	// in, marked, instead of a summary without it.
	if _, err := clearBox(), chromedp.Do(nctx, chromedp.SendKeys(`#search-q`, "distributor")); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "the results for distributor", `new URLSearchParams(location.search).get("q") === "distributor" && document.querySelectorAll("#search-results li").length === 1`)
	if got := evalJS[string](t, ctx, `document.querySelector("#search-results li .snippet").innerHTML`); got != "<mark>Distributor</mark> menimbun karung di gudang." {
		t.Errorf("the result for a word of the body shows %q", got)
	}
	// A word of the summary: the summary, as before.
	if _, err := clearBox(), chromedp.Do(nctx, chromedp.SendKeys(`#search-q`, "gula")); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "the results for gula", `new URLSearchParams(location.search).get("q") === "gula" && document.querySelectorAll("#search-results li").length === 1`)
	if got := evalJS[string](t, ctx, `document.querySelector("#search-results li .snippet").innerHTML`); got != "Harga <mark>gula</mark> di pasar tetap." {
		t.Errorf("the result for a word of the summary shows %q", got)
	}

	// A word no article has.
	if _, err := clearBox(), chromedp.Do(nctx, chromedp.SendKeys(`#search-q`, "zebra")); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "the no-match message", `document.getElementById("search-status").textContent.startsWith("Tidak ada berita")`)
	if n := evalJS[int](t, ctx, `document.querySelectorAll("#search-results li").length`); n != 0 {
		t.Errorf("zebra shows %d results", n)
	}
	// Nothing was asked of another host.
	hosts := evalJS[[]string](t, ctx, `performance.getEntriesByType("resource").map(e => new URL(e.name).host)`)
	for _, h := range hosts {
		if h != strings.TrimSuffix(strings.TrimPrefix(base, "http://"), "/repo/") {
			t.Errorf("the search page fetched from %s", h)
		}
	}
}

func jsString(s string) string { return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"` }
