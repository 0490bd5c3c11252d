package markdown

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	// unclosed is one line of n unclosed links with no space in between.
	unclosed := func(link string, n int) string { return strings.Repeat(link, n) + "\n" }
	tests := []struct {
		name, src string
		line      int // 0: no error
		msg       string
	}{
		{"ordinary article", "# Judul\n\n> kutipan\n> > balasan\n\n- satu\n  - dua\n\n1. a\n2. b\n\n" +
			strings.Repeat("Teks dengan [tautan](https://example.com/berita/1) dan ![foto](/img/a.jpg).\n", 1000), 0, ""},
		{"32 quotes", strings.Repeat("> ", 32) + "dalam\n", 0, ""},
		{"33 quotes", "Awal.\n\n" + strings.Repeat("> ", 33) + "dalam\n", 3, "33 quotes or lists deep"},
		{"33 quotes without spaces", strings.Repeat(">", 33) + "\n", 1, "33 quotes or lists deep"},
		{"33 lists", "a\nb\n" + strings.Repeat("- ", 33) + "x\n", 3, "33 quotes or lists deep"},
		{"mixed quotes and lists", strings.Repeat("> 1. * ", 11) + "x\n", 1, "33 quotes or lists deep"},
		{"ordered lists", strings.Repeat("1) ", 40) + "x\n", 1, "40 quotes or lists deep"},
		{"thematic break of dashes", strings.Repeat("- ", 100) + "\n", 0, ""},
		{"thematic break of stars", strings.Repeat("* ", 100) + "\r\n", 0, ""},
		{"numbers that are not a list", strings.Repeat("1.5 ", 100) + "\n", 0, ""},
		{"long data address", "![x](data:image/png;base64," + strings.Repeat("A", 200000) + ")\n", 0, ""},
		{"text without spaces", strings.Repeat("中文", 100000) + "[链接](https://example.com/)" + strings.Repeat("中文", 1000) + "\n", 0, ""},
		{"unclosed links", "Awal.\n" + unclosed("[a](", 20000), 2, "link addresses that never end"},
		{"unclosed angle links", unclosed("[a](<", 6000), 1, "link addresses that never end"},
		{"unclosed links on many lines", strings.Repeat(unclosed("[a](", 2000), 20), 9, "link addresses that never end"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Check([]byte(tt.src))
			var le *LimitError
			if tt.line == 0 {
				if err != nil {
					t.Fatalf("Check: %v", err)
				}
				return
			}
			if !errors.As(err, &le) {
				t.Fatalf("Check = %v, want a *LimitError", err)
			}
			if le.Line != tt.line || !strings.Contains(le.Msg, tt.msg) || le.Fix == "" {
				t.Errorf("Check = %v; want line %d, %q and a fix", err, tt.line, tt.msg)
			}
			if _, cerr := New(false).Convert([]byte(tt.src)); !errors.As(cerr, &le) {
				t.Errorf("Convert = %v, want the *LimitError", cerr)
			}
			if got := New(false).PlainText([]byte(tt.src)); got != "" {
				t.Errorf("PlainText = %.40q, want \"\"", got)
			}
		})
	}
}

func TestNesting(t *testing.T) {
	tests := []struct {
		line string
		want int
	}{
		{"teks", 0}, {"> a", 1}, {">>> a", 3}, {"  > > a", 2}, {"- a", 1}, {"-a", 0}, {"* > + a", 3},
		{"1. a", 1}, {"123456789) a", 1}, {"1234567890. a", 0}, {"1.a", 0}, {"- - -", 0}, {"***", 0}, {"- * -", 3}, {"\t>\t-\ta", 2}, {"> -", 2}, {"> 1.", 2}, {"-\r", 1},
	}
	for _, tt := range tests {
		if got := nesting([]byte(tt.line)); got != tt.want {
			t.Errorf("nesting(%q) = %d, want %d", tt.line, got, tt.want)
		}
	}
}

func TestLinkScan(t *testing.T) {
	tests := []struct {
		line string
		want int
	}{
		{"tanpa tautan", 0},
		{"[a](https://x.id/) lalu", 16},
		{"[a](<b c>) lalu", 6},
		{"[a](b", 3},
		{"[a](<b", 4},
		{"[a](b[c](d e", 8 + 3},
	}
	for _, tt := range tests {
		if got := linkScan([]byte(tt.line)); got != tt.want {
			t.Errorf("linkScan(%q) = %d, want %d", tt.line, got, tt.want)
		}
	}
}

func TestFootnoteLimit(t *testing.T) {
	var src strings.Builder
	for i := range MaxFootnotes {
		fmt.Fprintf(&src, "[^%d]: catatan\n", i)
	}
	if err := Check([]byte(src.String())); err != nil {
		t.Fatalf("%d footnotes: %v", MaxFootnotes, err)
	}
	src.WriteString("teks [^a] bukan definisi\n   [^x]: satu lagi\n")
	var le *LimitError
	if err := Check([]byte(src.String())); !errors.As(err, &le) || le.Line != MaxFootnotes+2 || !strings.Contains(le.Msg, "footnote 1001") {
		t.Fatalf("one footnote too many: %v", err)
	}
}
