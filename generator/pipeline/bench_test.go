package pipeline

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kabar-news/kabar/generator/output"
)

// BenchmarkBuild builds generated digests of 1,000 and 10,000 articles,
// from reading content/ to the swapped-in output folder, and reports
// articles per second: "cold" into an empty folder, "rebuild" over the
// previous output of the same site (whose unchanged files the output
// package links instead of writing). Run it with
//
//	go test -run XXX -bench . -benchtime 3x ./generator/pipeline/
func BenchmarkBuild(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("articles=%d", n), func(b *testing.B) {
			siteDir := b.TempDir()
			writeBenchSite(b, siteDir, n)
			out := filepath.Join(b.TempDir(), "public")
			opt := Options{SiteDir: siteDir, OutDir: out}
			for _, cold := range []bool{true, false} {
				b.Run(map[bool]string{true: "cold", false: "rebuild"}[cold], func(b *testing.B) {
					var res Result
					for b.Loop() {
						if cold {
							b.StopTimer()
							if err := os.RemoveAll(out); err != nil {
								b.Fatal(err)
							}
							b.StartTimer()
						}
						var err error
						if res, err = Build(opt); err != nil {
							b.Fatal(err)
						}
					}
					if res.Articles != n {
						b.Fatalf("built %d articles of %d", res.Articles, n)
					}
					b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "articles/s")
					b.ReportMetric(float64(res.Files), "files")
				})
			}
		})
	}
}

// BenchmarkRender is BenchmarkBuild into memory, as the preview server
// builds: the difference between the two is the cost of the file system.
func BenchmarkRender(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("articles=%d", n), func(b *testing.B) {
			siteDir := b.TempDir()
			writeBenchSite(b, siteDir, n)
			for b.Loop() {
				if _, err := Build(Options{SiteDir: siteDir, Memory: output.NewMemory()}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "articles/s")
		})
	}
}

var (
	benchSections = []string{"Nasional", "Ekonomi", "Dunia", "Teknologi", "Olahraga", "Hiburan", "Kesehatan", "Daerah"}
	benchSources  = []string{"Antara", "Kompas", "Tempo", "Detik", "RIAU24.COM", "Reuters", "The Jakarta Post", "CNN Indonesia", "Republika", "Bisnis Indonesia", "Kontan", "Liputan6"}
	benchTags     = []string{
		"Rupiah", "Bank Indonesia", "Inflasi", "Pemilu", "KPU", "DPR", "Banjir", "BMKG", "Cuaca", "Jakarta",
		"Surabaya", "Medan", "Bali", "Papua", "Kalimantan", "Timnas", "Liga 1", "Bulu Tangkis", "MotoGP",
		"Startup", "5G", "Kecerdasan Buatan", "Pusat Data", "Ekspor", "Impor", "Beras", "Minyak Goreng",
		"ASEAN", "Tiongkok", "Amerika Serikat", "Rusia", "Ukraina", "Timur Tengah", "Pendidikan", "Kesehatan",
		"BPJS", "Transportasi", "KRL", "Mudik", "Pariwisata",
	}
	benchWords = strings.Fields(`pemerintah menyatakan bahwa rencana tersebut akan dilaksanakan secara bertahap
		mulai pekan depan di sejumlah wilayah dengan pengawasan ketat dari kementerian terkait sementara
		masyarakat diminta tetap tenang dan mengikuti informasi resmi menurut keterangan pejabat setempat
		harga kebutuhan pokok di pasar tradisional relatif stabil meski permintaan meningkat menjelang
		akhir bulan para pedagang berharap pasokan dari daerah sentra produksi lancar sehingga tidak terjadi
		kenaikan yang memberatkan warga data terbaru menunjukkan pertumbuhan yang cukup baik dibandingkan
		periode yang sama tahun lalu namun sejumlah ekonom mengingatkan risiko perlambatan global yang
		dapat memengaruhi kinerja ekspor nasional dalam beberapa bulan ke depan`)
)

// writeBenchSite writes a digest of n articles: a few paragraphs each,
// several sections, tags and sources, about 25 articles a day.
func writeBenchSite(b *testing.B, dir string, n int) {
	b.Helper()
	rng := rand.New(rand.NewPCG(1, uint64(n)))
	loc, _ := time.LoadLocation("Asia/Jakarta")
	start := time.Date(2024, 1, 1, 6, 0, 0, 0, loc)
	config := "title: Kabar Uji\nbase_url: https://user.github.io/kabar/\nlanguage: id\nper_page: 10\n"
	if err := os.WriteFile(filepath.Join(dir, "site.yaml"), []byte(config), 0o644); err != nil {
		b.Fatal(err)
	}
	sentence := func() string {
		w := make([]string, 8+rng.IntN(12))
		for i := range w {
			w[i] = benchWords[rng.IntN(len(benchWords))]
		}
		s := strings.Join(w, " ")
		return strings.ToUpper(s[:1]) + s[1:] + "."
	}
	for i := range n {
		section := benchSections[rng.IntN(len(benchSections))]
		date := start.Add(time.Duration(i) * 24 * time.Hour / 25).Add(time.Duration(rng.IntN(50)) * time.Minute)
		var tags []string
		for range 2 + rng.IntN(3) {
			tags = append(tags, fmt.Sprintf("%q", benchTags[rng.IntN(len(benchTags))]))
		}
		title := sentence()
		title = title[:min(len(title)-1, 70)]
		var body strings.Builder
		for p := range 3 + rng.IntN(4) {
			if p == 2 {
				fmt.Fprintf(&body, "## %s\n\n", strings.TrimSuffix(sentence(), "."))
			}
			for range 2 + rng.IntN(4) {
				body.WriteString(sentence() + " ")
			}
			body.WriteString("\n\n")
		}
		fmt.Fprintf(&body, "Dirangkum dari laporan [%s](https://example.com/berita/%d).\n", benchSources[i%len(benchSources)], i)
		text := fmt.Sprintf("---\ntitle: %q\ndate: %s\nauthor: Redaksi\nsource: %q\nsource_url: https://example.com/berita/%d\nsection: %s\ntags: [%s]\n---\n%s",
			title, date.Format(time.RFC3339), benchSources[i%len(benchSources)], i, section, strings.Join(tags, ", "), body.String())
		name := filepath.Join(dir, "content", strings.ToLower(section), fmt.Sprintf("%s-berita-%05d.md", date.Format("2006-01-02"), i))
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRenderLinked is BenchmarkRender on a site whose articles each
// link to the one before, root-relative (rewritten under the base path),
// to their tag page and into the index of tags by #fragment: against
// BenchmarkRender, the cost of checking links.
//
//	go test -run XXX -bench 'Render' -benchtime 3x ./generator/pipeline/
func BenchmarkRenderLinked(b *testing.B) {
	const n = 10000
	siteDir := b.TempDir()
	writeBenchSite(b, siteDir, n)
	var files []string
	err := filepath.WalkDir(filepath.Join(siteDir, "content"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	pathOf := func(file string) string { // 2024-01-01-berita-00000.md
		base := strings.TrimSuffix(filepath.Base(file), ".md")
		return "/" + strings.ReplaceAll(base[:10], "-", "/") + "/" + base[11:] + "/"
	}
	for i, f := range files {
		prev := files[(i+len(files)-1)%len(files)]
		links := fmt.Sprintf("\nBaca juga [berita sebelumnya](%s), [topik](/kabar/tags/rupiah/) dan [indeks](/kabar/tags/#main).\n", pathOf(prev))
		fh, err := os.OpenFile(f, os.O_APPEND|os.O_WRONLY, 0)
		if err == nil {
			_, err = fh.WriteString(links)
			fh.Close()
		}
		if err != nil {
			b.Fatal(err)
		}
	}
	var res Result
	for b.Loop() {
		if res, err = Build(Options{SiteDir: siteDir, Memory: output.NewMemory()}); err != nil {
			b.Fatal(err)
		}
	}
	if len(res.Links) != 0 {
		b.Fatalf("%d broken links, the first %s", len(res.Links), res.Links[0])
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "articles/s")
}
