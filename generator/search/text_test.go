package search

import (
	"slices"
	"strings"
	"testing"
)

func TestFold(t *testing.T) {
	cases := map[string]string{
		"Ekspor":          "ekspor",
		"ÉKSPOR":          "ekspor",
		"Café São Paulo":  "cafe sao paulo",
		"Jakarta":         "jakarta",
		"Ünïcödé":         "unicode",
		"ИНДОНЕЗИЯ":       "индонезия", // folded case, other scripts kept
		"already lower 1": "already lower 1",
	}
	for in, want := range cases {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWords(t *testing.T) {
	var got []string
	Words(`Harga <b>cabai</b> naik 12% di pasar-pasar Jakarta; "kata" a x `+strings.Repeat("z", MaxWord+1)+` Rp5.000`, func(w string) { got = append(got, w) })
	want := []string{"harga", "cabai", "naik", "12", "di", "pasar", "pasar", "jakarta", "kata", "rp5", "000"}
	if !slices.Equal(got, want) {
		t.Errorf("Words gave %q, want %q (tags, punctuation and hyphens split words; one letter and over %d bytes are no words)", got, want, MaxWord)
	}
}

func TestTermsDropStopWordsAndStem(t *testing.T) {
	var got []string
	Terms(StemIndonesian, func(w string) { got = append(got, w) }, "Pemerintah dan DPR membahas anggaran yang baru")
	want := []string{"erintah", "dpr", "bahas", "anggar", "baru"}
	if !slices.Equal(got, want) {
		t.Errorf("Terms = %q, want %q", got, want)
	}
	got = got[:0]
	Terms(StemEnglish, func(w string) { got = append(got, w) }, "The exporters were exporting coffee")
	want = []string{"export", "export", "coffe"}
	if !slices.Equal(got, want) {
		t.Errorf("English Terms = %q, want %q", got, want)
	}
}

func TestStemEnglish(t *testing.T) {
	// Porter2's steps, as the Snowball English stemmer applies them.
	cases := []struct{ word, want, rule string }{
		{"running", "run", "step 1b: -ing removed, then the double n undoubled"},
		{"exports", "export", "step 1a: -s removed"},
		{"generously", "generous", "step 2: -ously to -ous"},
		{"flooding", "flood", "step 1b: -ing"},
		{"elections", "elect", "step 1a -s, step 4: -ion after t in R2"},
		{"news", "news", "exceptional form: unchanged"},
	}
	for _, c := range cases {
		if got := StemEnglish(c.word); got != c.want {
			t.Errorf("StemEnglish(%q) = %q, want %q (%s)", c.word, got, c.want, c.rule)
		}
	}
}

func TestForLang(t *testing.T) {
	if ForLang("id")("pemerintahan") != "erintah" || ForLang("en-US")("exports") != "export" || ForLang("fr")("exports") != "exports" {
		t.Error("ForLang picks Tala for id, Porter2 for en, folding only for others")
	}
}

func TestHTMLText(t *testing.T) {
	got := HTMLText(`<p>Harga <strong>cabai</strong>&nbsp;naik &amp; turun</p><pre><code>a&lt;b</code></pre>`)
	want := " Harga  cabai \u00a0naik & turun   a<b  "
	if got != want {
		t.Errorf("HTMLText = %q, want %q", got, want)
	}
}

// TestExcerpt: the excerpt is the body's sentences the summary lacks, in
// order, within MaxExcerpt bytes.
func TestExcerpt(t *testing.T) {
	summary := "Harga gula di pasar tetap."
	body := "Harga gula di pasar tetap.\n\n Pedagang menyebut pasokan dari Lampung lancar. Distributor menimbun karung di gudang!"
	if got, want := Excerpt(summary, body), "Pedagang menyebut pasokan dari Lampung lancar. Distributor menimbun karung di gudang!"; got != want {
		t.Errorf("Excerpt = %q, want %q", got, want)
	}
	long := strings.Repeat("Kalimat yang cukup panjang untuk mengisi batas. ", 40)
	if got := Excerpt("", long); len(got) > MaxExcerpt+len("…") || len(got) < MaxExcerpt/2 || !strings.HasSuffix(got, "…") {
		t.Errorf("a long body gives an excerpt of %d bytes: %q", len(got), got)
	}
	if got := Excerpt(summary, summary); got != "" {
		t.Errorf("a body that is its summary gives %q", got)
	}
}
