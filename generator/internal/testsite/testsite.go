// Package testsite writes generated sites for tests and benchmarks: any
// number of articles spread over sections, tags, sources and days, with
// made-up text, reproducible from a seed. The front matter is plain YAML
// that Hugo reads as well, so the same folder can be timed with both.
package testsite

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"
)

// Sections are the sections articles are filed under.
var Sections = []string{"Nasional", "Ekonomi", "Dunia", "Teknologi", "Olahraga", "Budaya", "Kesehatan", "Daerah"}

var words = strings.Fields(`pasar harga warga kota desa jalan sekolah rumah sakit pemerintah daerah
	rapat anggaran pangan beras cabai nelayan petani pelabuhan bandara kereta bus listrik air hujan
	banjir kemarau gempa pantai gunung hutan sungai pabrik buruh upah pajak ekspor impor rupiah bank
	kredit usaha kecil menengah digital aplikasi jaringan data layanan publik kesehatan vaksin dokter
	perawat pasien obat guru murid ujian kampus riset ilmuwan sejarah budaya musik film festival
	pameran buku perpustakaan lomba atlet tim pelatih stadion juara liga musim pekan bulan tahun pagi
	siang sore malam baru lama besar kecil naik turun tetap cepat lambat ramai sepi aman rawan`)

// Article is one generated article.
type Article struct {
	File    string // below content/
	Title   string
	Date    time.Time
	Section string
	Tags    []string
	Source  string
	Body    string
	Front   string // more front matter lines, written as they are
}

// Markdown is the article's file content.
func (a Article) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "---\ntitle: %q\ndate: %s\nsection: %s\nsource: %s\ntags: [%s]\n",
		a.Title, a.Date.Format(time.RFC3339), a.Section, a.Source, strings.Join(a.Tags, ", "))
	b.WriteString(a.Front)
	b.WriteString("---\n")
	b.WriteString(a.Body)
	return b.String()
}

// Gen makes articles from one seed.
type Gen struct {
	r    *rand.Rand
	next int
	// Start is the date of the oldest article; each article is a few hours
	// after the previous one.
	Start time.Time
	Tags  int // how many distinct tags exist
}

// New returns a generator; the same seed gives the same articles.
func New(seed uint64) *Gen {
	return &Gen{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), Start: time.Date(2023, 1, 1, 6, 0, 0, 0, time.UTC), Tags: 300}
}

// Words returns n made-up words.
func (g *Gen) Words(n int) string {
	w := make([]string, n)
	for i := range w {
		w[i] = words[g.r.IntN(len(words))]
	}
	return strings.Join(w, " ")
}

// Next makes the next article.
func (g *Gen) Next() Article {
	i := g.next
	g.next++
	title := g.Words(5)
	a := Article{
		Title:   strings.ToUpper(title[:1]) + title[1:] + fmt.Sprintf(" %d", i),
		Date:    g.Start.Add(time.Duration(i)*97*time.Minute + time.Duration(g.r.IntN(60))*time.Minute),
		Section: Sections[g.r.IntN(len(Sections))],
		Source:  fmt.Sprintf("Kantor Berita %d", g.r.IntN(40)),
	}
	for range 1 + g.r.IntN(4) {
		a.Tags = append(a.Tags, fmt.Sprintf("topik %d", g.r.IntN(g.Tags)))
	}
	var body strings.Builder
	for p := range 3 + g.r.IntN(4) {
		if p > 0 {
			body.WriteString("\n")
		}
		body.WriteString(g.Words(40 + g.r.IntN(40)))
		body.WriteString(".\n")
	}
	a.Body = body.String()
	a.File = fmt.Sprintf("%s/%s-artikel-%d.md", strings.ToLower(a.Section), a.Date.Format("2006-01-02"), i)
	return a
}

// Write writes n articles into dir/content and a config file into dir.
// The articles are made in order, so a seed gives the same site however
// the writing is spread; the files are written on every core, since at a
// million articles the writing takes most of the time.
func Write(dir string, n int, seed uint64) ([]Article, error) {
	g := New(seed)
	list := make([]Article, n)
	todo := make(chan int, 256)
	errs := make(chan error, 1)
	var dirs sync.Map // folders made already: MkdirAll for each file costs a stat
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := range todo {
				if err := write(dir, list[i], &dirs); err != nil {
					select {
					case errs <- err:
					default:
					}
				}
			}
		})
	}
	for i := range list {
		list[i] = g.Next()
		todo <- i
	}
	close(todo)
	wg.Wait()
	select {
	case err := <-errs:
		return nil, err
	default:
	}
	cfg := "title: Uji Coba\nbase_url: https://example.github.io/uji/\ntimezone: Asia/Jakarta\n"
	return list, os.WriteFile(filepath.Join(dir, "site.yaml"), []byte(cfg), 0o644)
}

func write(dir string, a Article, dirs *sync.Map) error {
	p := filepath.Join(dir, "content", filepath.FromSlash(a.File))
	if _, ok := dirs.Load(filepath.Dir(p)); !ok {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		dirs.Store(filepath.Dir(p), true)
	}
	return os.WriteFile(p, []byte(a.Markdown()), 0o644)
}
