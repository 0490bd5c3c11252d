package pipeline

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// ordinaryText is prose of about n bytes, in paragraphs.
func ordinaryText(n int) string {
	const para = "Hujan deras sejak sore membuat sungai di hulu meluap, dan warga di tepiannya mengungsi ke balai desa. " +
		"Petugas mencatat ketinggian air naik dua meter dalam tiga jam.\n\n"
	return strings.Repeat(para, n/len(para)+1)[:n]
}

// buildTime builds a site of the given article bodies, minified, and
// returns how long it took and the error.
func buildTime(t *testing.T, bodies ...string) (time.Duration, error) {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{"site.yaml": "title: Uji\n"}
	for i, b := range bodies {
		files[fmt.Sprintf("content/berita-%d.md", i)] = fmt.Sprintf("---\ntitle: Berita %d\ndate: 2025-04-28\n---\n%s\n", i, b)
	}
	writeFiles(t, dir, files)
	start := time.Now()
	_, err := Build(Options{SiteDir: dir, OutDir: filepath.Join(t.TempDir(), "public"), CacheDir: t.TempDir()})
	return time.Since(start), err
}

// bestTime is the shortest of three buildTimes: on shared cores one run
// can be slowed by whatever else runs, not by the text.
func bestTime(t *testing.T, bodies ...string) (time.Duration, error) {
	t.Helper()
	var best time.Duration
	for i := range 3 {
		d, err := buildTime(t, bodies...)
		if err != nil {
			return d, err
		}
		if i == 0 || d < best {
			best = d
		}
	}
	return best, nil
}

// TestPathologicalTextBuildsInLinearTime: text dense with <, " or
// references, and an article of 30,000 footnotes, build (or are refused)
// in no more than eight times what ordinary articles of the same size
// take, measured here one after the other. The minifier's rewriting of
// references took minutes on them.
func TestPathologicalTextBuildsInLinearTime(t *testing.T) {
	var notes strings.Builder
	for i := range 30000 {
		fmt.Fprintf(&notes, "x[^%d] ", i)
	}
	notes.WriteString("\n\n")
	for i := range 30000 {
		fmt.Fprintf(&notes, "[^%d]: n\n", i)
	}
	for _, tc := range []struct {
		name   string
		bodies []string
		refuse string // what the error says, if the article is refused
	}{
		{"a million <", []string{strings.Repeat("<", 1_000_000)}, ""},
		{`200,000 " pairs`, []string{strings.Repeat(`" `, 200_000)}, ""},
		{"250,000 &quot; in two articles", []string{strings.Repeat("&quot; ", 125_000), strings.Repeat("&quot; ", 125_000)}, ""},
		{"125,000 &#9; in an article", []string{strings.Repeat("&#9; ", 125_000)}, ""},
		{"30,000 footnotes", []string{notes.String()}, "content/berita-0.md:1007: this is footnote 1001, more than the 1000"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var ordinary []string
			for _, b := range tc.bodies {
				ordinary = append(ordinary, ordinaryText(len(b)))
			}
			base, err := bestTime(t, ordinary...)
			if err != nil {
				t.Fatal(err)
			}
			took, err := bestTime(t, tc.bodies...)
			switch {
			case tc.refuse == "" && err != nil:
				t.Fatal(err)
			case tc.refuse != "" && (err == nil || !strings.Contains(err.Error(), tc.refuse)):
				t.Fatalf("got %v, want an error saying %q", err, tc.refuse)
			}
			// Generous: a " becomes &ldquo; or &rdquo;, pages three times
			// the size of ordinary ones; before, the ratio was in the hundreds.
			if took > 8*base {
				t.Errorf("took %s, %.1f times the %s of ordinary articles of the same size", took, float64(took)/float64(base), base)
			}
		})
	}
}
