package lang

import (
	"testing"
	"time"
)

func TestFormat(t *testing.T) {
	mon := time.Date(2025, 4, 28, 14, 30, 0, 0, time.FixedZone("WIB", 7*3600)) // a Monday
	tests := []struct {
		code, layout, want string
		at                 time.Time
	}{
		{"id", "Monday, 2 January 2006", "Senin, 28 April 2025", mon},
		{"en", "Monday, 2 January 2006", "Monday, 28 April 2025", mon},
		{"id", "Mon, 2 Jan 2006", "Sen, 28 Apr 2025", mon},
		{"id", "January 2006", "April 2025", mon},
		{"id", "2 Jan 2006 15.04 MST", "28 Apr 2025 14.30 WIB", mon},
		{"id", "2006-01-02", "2025-04-28", mon},
		{"id", "Monday, 2 January 2006", "Jumat, 1 Agustus 2025", time.Date(2025, 8, 1, 0, 0, 0, 0, time.UTC)},
		{"id", "Mon 2 Jan", "Min 3 Agu", time.Date(2025, 8, 3, 0, 0, 0, 0, time.UTC)},
		{"id", "Monday, 2 January 2006", "Rabu, 31 Desember 2025", time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)},
		{"id", "Monday, 2 January 2006", "Kamis, 1 Mei 2025", time.Date(2025, 5, 1, 0, 0, 0, 0, time.UTC)},
		{"id", "Monday, 2 January 2006", "Sabtu, 1 Februari 2025", time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC)},
		{"ID", "Monday", "Senin", mon},
		{"id-ID", "Monday, 2 January 2006", "Senin, 28 April 2025", mon},
		{"id_ID", "January", "April", mon},
		{"en-GB", "Mon 2 Jan", "Mon 28 Apr", mon},
		{"fr", "Monday, 2 January 2006", "Monday, 28 April 2025", mon},
		{"", "Monday, 2 January 2006", "Monday, 28 April 2025", mon},
	}
	for _, tt := range tests {
		if got := Format(tt.at, tt.code, tt.layout); got != tt.want {
			t.Errorf("Format(%v, %q, %q) = %q, want %q", tt.at, tt.code, tt.layout, got, tt.want)
		}
	}
}

func TestWord(t *testing.T) {
	tests := []struct{ code, key, want string }{
		{"id", "latest", "Berita terbaru"},
		{"id", "minutes", "menit baca"},
		{"id-ID", "archive", "Arsip"},
		{"en", "latest", "Latest news"},
		{"en", "minutes", "min read"},
		{"de", "archive", "Archive"},
		{"id", "no-such-word", "no-such-word"},
	}
	for _, tt := range tests {
		if got := Word(tt.code, tt.key); got != tt.want {
			t.Errorf("Word(%q, %q) = %q, want %q", tt.code, tt.key, got, tt.want)
		}
	}
}

func TestEveryWordInBothLanguages(t *testing.T) {
	// A key missing in one language would show its raw name on the page.
	for key := range table["id"].words {
		if _, ok := table["en"].words[key]; !ok {
			t.Errorf("%q has Indonesian text but no English", key)
		}
	}
	for key := range table["en"].words {
		if _, ok := table["id"].words[key]; !ok {
			t.Errorf("%q has English text but no Indonesian", key)
		}
	}
}
