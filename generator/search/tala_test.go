package search

import "testing"

// Each expected stem is worked out by hand from Tala's rules as
// StemIndonesian lists them (the rule is named in the case); syllables are
// counted as vowels, and no step runs on a word of two or fewer.
func TestStemIndonesian(t *testing.T) {
	cases := []struct{ word, want, rule string }{
		{"bukukah", "buku", "1: particle -kah (3 syllables)"},
		{"bukunyalah", "buku", "1 then 2: particle -lah, then possessive -nya"},
		{"rumahnya", "rumah", "2: possessive -nya"},
		{"bajumu", "baju", "2: possessive -mu"},
		{"ekspornya", "ekspor", "2: possessive -nya; then two syllables are left, nothing more"},
		{"mengekspor", "ekspor", "3: first-order prefix meng-"},
		{"mengambil", "ambil", "3: meng-"},
		{"menyewa", "sewa", "3: meny- before a vowel becomes s-"},
		{"membaca", "baca", "3: mem-"},
		{"menulis", "ulis", "3: men- (no dictionary restores the t: Tala's known loss)"},
		{"melihat", "lihat", "3: me-"},
		{"pengusaha", "usaha", "3: peng-; 4: no suffix, so no second-order prefix"},
		{"penyewa", "sewa", "3: peny- before a vowel becomes s-"},
		{"penulis", "tulis", "3: pen- before a vowel becomes t-"},
		{"pembaca", "baca", "3: pem-"},
		{"dibeli", "beli", "3: di-"},
		{"terbakar", "bakar", "3: ter-"},
		{"pemerintah", "erintah", "3: pem-"},
		{"pemerintahan", "erintah", "3: pem-, 4: suffix -an (allowed after peng-)"},
		{"kehutanan", "hutan", "3: ke-, 4: -an (-kan is not taken after ke-)"},
		{"mendengarkan", "dengar", "3: men-, 4: suffix -kan"},
		// A root of three syllables that ends in -an keeps it after di-,
		// meng- and ter- (with two, step 4 would not run at all).
		{"terhalaman", "halaman", "3: ter-, 4: -an is not taken after ter-"},
		{"dihalaman", "halaman", "3: di-, 4: -an is not taken after di-"},
		{"menghalaman", "halaman", "3: meng-, 4: -an is not taken after meng-"},
		{"mengawasan", "awasan", "3: meng-, 4: -an is not taken after meng-"},
		{"dipertahankan", "tahan", "3: di-, 4: -kan, then second-order prefix per-"},
		{"mengakhiri", "akhir", "3: meng-, 4: suffix -i"},
		{"mengoperasi", "operasi", "3: meng-, 4: -i is kept in -si"},
		{"pekerjaan", "kerja", "4 (no first-order prefix): second-order pe-, then suffix -an"},
		{"bekerja", "kerja", "4: second-order be- before consonant + er"},
		{"belajar", "ajar", "4: second-order bel- of belajar"},
		{"pelajar", "ajar", "4: second-order pel- of pelajar"},
		{"berlari", "lari", "4: second-order ber-; then two syllables are left, -i stays"},
		{"kelas", "kelas", "two syllables: no rule applies"},
		{"kopi", "kopi", "two syllables: no rule applies"},
		{"café", "café", "not plain a-z letters: left as it is"},
	}
	for _, c := range cases {
		if got := StemIndonesian(c.word); got != c.want {
			t.Errorf("StemIndonesian(%q) = %q, want %q (rule %s)", c.word, got, c.want, c.rule)
		}
	}
}
