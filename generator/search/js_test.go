package search

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kabar-news/kabar/generator/internal/testsite"
)

// TestScriptAgrees runs the theme's search.js in Node on the words of the
// unit tests, the generated articles' words and many affixed forms, and
// checks that it folds, splits, drops and stems them as this package
// does: a query only finds what the index holds if both agree.
func TestScriptAgrees(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("Node.js is needed to run static/js/search.js: apt-get install -y nodejs (%v)", err)
	}
	script, err := filepath.Abs("../../static/js/search.js")
	if err != nil {
		t.Fatal(err)
	}
	var list []string
	for _, w := range strings.Fields(testsite.New(1).Words(3000)) {
		list = append(list, w)
	}
	// The sample site's articles: real Indonesian prose.
	err = filepath.WalkDir("../../content", func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		Words(string(data), func(w string) { list = append(list, w) })
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	roots := []string{"ekspor", "tulis", "baca", "sewa", "ajar", "kerja", "hutan", "dengar", "perintah", "akhir", "operasi", "usaha", "lari", "buku", "beri", "satu", "nyanyi", "halaman", "export", "run", "generous", "elect", "flood"}
	affixes := [][2]string{{"", ""}, {"meng", ""}, {"meny", ""}, {"men", "kan"}, {"mem", "i"}, {"me", "nya"}, {"peng", "an"}, {"peny", ""}, {"pen", "an"}, {"pem", "nya"}, {"di", "kan"}, {"ter", "lah"}, {"ter", "an"}, {"di", "an"}, {"meng", "an"}, {"men", "an"}, {"ke", "an"}, {"ber", "kah"}, {"be", "pun"}, {"per", "an"}, {"pe", "mu"}, {"", "ku"}, {"", "ing"}, {"", "ed"}, {"", "ly"}, {"", "ness"}, {"", "ations"}}
	for _, r := range roots {
		for _, a := range affixes {
			list = append(list, a[0]+r+a[1])
		}
	}
	list = append(list, StopWords()...)
	list = append(list, "Café", "ÉKSPOR", "São", "ИНДОНЕЗИЯ", "belajar", "pelajar", "news", "Ünïcödé", "a1b2", "2025")
	in, _ := json.Marshal(list)
	js := `const s = require(process.argv[1]);
const list = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const out = list.map(w => { const f = s.fold(w); return [f, s.words(w).join(' '), s.stopWords.has(f), s.stemIndonesian(f), s.stemEnglish(f)]; });
process.stdout.write(JSON.stringify(out));`
	cmd := exec.Command(node, "-e", js, script)
	cmd.Stdin = strings.NewReader(string(in))
	cmd.Stderr = os.Stderr
	data, err := cmd.Output()
	if err != nil {
		t.Fatalf("node: %v", err)
	}
	var got [][5]any
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatal(err)
	}
	bad := 0
	for i, w := range list {
		f := Fold(w)
		var ws []string
		Words(w, func(x string) { ws = append(ws, x) })
		want := [5]any{f, strings.Join(ws, " "), IsStopWord(f), StemIndonesian(f), StemEnglish(f)}
		if !slices.Equal(got[i][:], want[:]) && bad < 10 {
			bad++
			t.Errorf("%q: search.js gives %v, Go %v (fold, words, stop word, Indonesian stem, English stem)", w, got[i], want)
		}
	}
}
