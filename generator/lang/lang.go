// Package lang holds what the theme shows in the site's language: month
// and weekday names for dates, and the interface's few words. Indonesian
// ("id") and English ("en") are built in; other languages fall back to
// English.
package lang

import (
	"strings"
	"time"
)

type names struct {
	months, days [12]string // days uses the first 7 entries, Sunday first
	words        map[string]string
}

var table = map[string]*names{
	"id": {
		months: [12]string{"Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"},
		days:   [12]string{"Minggu", "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu"},
		words: map[string]string{
			"latest": "Berita terbaru", "archive": "Arsip", "tags": "Topik", "tag": "Topik", "section": "Rubrik",
			"sections": "Rubrik", "source": "Sumber", "sources": "Sumber", "via": "melalui", "by": "Oleh",
			"minutes": "menit baca", "related": "Berita terkait", "previous": "Sebelumnya", "next": "Berikutnya",
			"page": "Halaman", "of": "dari", "newer": "Lebih baru", "older": "Lebih lama", "newest": "Terbaru", "read_original": "Baca laporan asli",
			"not_found": "Halaman tidak ditemukan", "not_found_text": "Halaman yang Anda cari tidak ada atau sudah dipindahkan.",
			"home": "Beranda", "edition": "Edisi", "articles": "berita", "feed": "RSS", "skip": "Langsung ke isi",
			"updated": "Diperbarui", "menu": "Menu utama", "pagination": "Navigasi halaman", "all_tags": "Semua topik",
			"month": "Bulan", "year": "Tahun", "subscribe": "Langganan", "back_home": "Kembali ke beranda", "more_from": "Berita lain dari", "clock": "15.04 MST", "other": "Lainnya",
			"correction": "Koreksi", "top_stories": "Berita utama", "by_section": "Per rubrik", "more_in": "Selengkapnya di",
			"latest_edition": "Edisi terbaru", "filter": "Saring",
			"search": "Cari", "search_label": "Kata yang dicari", "search_filters": "Saring hasil", "search_all": "Semua",
			"search_from": "Dari tanggal", "search_to": "Sampai tanggal", "search_found": "{n} berita ditemukan",
			"search_none":   "Tidak ada berita yang cocok. Coba kata lain atau longgarkan saringan.",
			"search_failed": "Indeks pencarian tidak dapat dimuat. Coba muat ulang halaman.", "search_more": "Tampilkan lebih banyak",
			"search_nojs": "Pencarian memerlukan JavaScript. Tanpa JavaScript, telusuri semua berita di",
		},
	},
	"en": {
		months: [12]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
		days:   [12]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"},
		words: map[string]string{
			"latest": "Latest news", "archive": "Archive", "tags": "Topics", "tag": "Topic", "section": "Section",
			"sections": "Sections", "source": "Source", "sources": "Sources", "via": "via", "by": "By",
			"minutes": "min read", "related": "Related stories", "previous": "Previous", "next": "Next",
			"page": "Page", "of": "of", "newer": "Newer", "older": "Older", "newest": "Newest", "read_original": "Read the original report",
			"not_found": "Page not found", "not_found_text": "The page you are looking for does not exist or has moved.",
			"home": "Home", "edition": "Edition", "articles": "stories", "feed": "RSS", "skip": "Skip to content",
			"updated": "Updated", "menu": "Main menu", "pagination": "Pagination", "all_tags": "All topics",
			"month": "Month", "year": "Year", "subscribe": "Subscribe", "back_home": "Back to the front page", "more_from": "More from", "clock": "3:04 PM MST", "other": "Other",
			"correction": "Correction", "top_stories": "Top stories", "by_section": "By section", "more_in": "More in",
			"latest_edition": "Latest edition", "filter": "Filter",
			"search": "Search", "search_label": "Words to look for", "search_filters": "Narrow the results", "search_all": "All",
			"search_from": "From", "search_to": "Until", "search_found": "{n} stories found",
			"search_none":   "No story matches. Try other words or loosen the filters.",
			"search_failed": "The search index could not be loaded. Try reloading the page.", "search_more": "Show more",
			"search_nojs": "Search needs JavaScript. Without it, browse every story in the",
		},
	},
}

func get(code string) *names {
	code = strings.ToLower(code)
	if n, ok := table[code]; ok {
		return n
	}
	if i := strings.IndexAny(code, "-_"); i > 0 {
		if n, ok := table[code[:i]]; ok {
			return n
		}
	}
	return table["en"]
}

// Word returns the interface text for key in language code, or key itself.
func Word(code, key string) string {
	if w, ok := get(code).words[key]; ok {
		return w
	}
	return key
}

// Placeholders stand for names in a layout while time.Format runs; none of
// them is a layout element.
const (
	phMonth    = "\x01"
	phMonShort = "\x02"
	phDay      = "\x03"
	phDayShort = "\x04"
)

var toPlaceholders = strings.NewReplacer("January", phMonth, "Monday", phDay, "Jan", phMonShort, "Mon", phDayShort)

// Format formats t like time.Format, with month and weekday names in the
// language code, e.g. Format(t, "id", "Monday, 2 January 2006") gives
// "Senin, 28 April 2025".
func Format(t time.Time, code, layout string) string {
	if !strings.Contains(layout, "Jan") && !strings.Contains(layout, "Mon") {
		return t.Format(layout) // no names to translate: the common case
	}
	n := get(code)
	s := t.Format(toPlaceholders.Replace(layout))
	month, day := n.months[t.Month()-1], n.days[t.Weekday()]
	var b strings.Builder
	b.Grow(len(s) + 16)
	for _, r := range s {
		switch string(r) {
		case phMonth:
			b.WriteString(month)
		case phMonShort:
			b.WriteString(short(month))
		case phDay:
			b.WriteString(day)
		case phDayShort:
			b.WriteString(short(day))
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func short(s string) string {
	r := []rune(s)
	if len(r) > 3 {
		r = r[:3]
	}
	return string(r)
}
