package markdown

import (
	"flag"
	"math"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "write the theme's highlighting CSS")

// themeCSS is the built-in theme's stylesheet, which carries HighlightCSS
// between two marker lines.
const themeCSS = "../../static/css/style.css"

const (
	cssBegin = "/* begin highlight */\n"
	cssEnd   = "/* end highlight */\n"
)

// TestThemeHasHighlightCSS: the theme's stylesheet holds what
// HighlightCSS makes today; go test -run ThemeHas -update writes it.
func TestThemeHasHighlightCSS(t *testing.T) {
	data, err := os.ReadFile(themeCSS)
	if err != nil {
		t.Fatal(err)
	}
	css := string(data)
	before, rest, ok1 := strings.Cut(css, cssBegin)
	_, after, ok2 := strings.Cut(rest, cssEnd)
	if !ok1 || !ok2 {
		before, after = css, ""
	}
	want := before + cssBegin + HighlightCSS() + cssEnd + after
	if *update {
		if err := os.WriteFile(themeCSS, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if css != want {
		t.Fatalf("%s lacks the current highlighting CSS: run go test ./generator/markdown/ -run ThemeHas -update", themeCSS)
	}
}

var (
	ruleRe  = regexp.MustCompile(`(?m)^\s*(\.chroma[^{]*)\{([^}]*)\}`)
	colorRe = regexp.MustCompile(`(?:^|;)\s*(color|background-color):\s*#?([0-9a-fA-F]{6}|inherit|transparent)`)
)

// TestHighlightContrast: every colour of both palettes reads on its
// background at the 4.5:1 that WCAG AA (and axe-core) ask of text, in
// light mode and in dark, where the light rules still hold for what the
// dark ones do not set.
func TestHighlightContrast(t *testing.T) {
	lightCSS, darkCSS, ok := strings.Cut(HighlightCSS(), "@media (prefers-color-scheme: dark)")
	if !ok {
		t.Fatal("no dark palette")
	}
	light := palette(t, lightCSS)
	dark := map[string][2]string{}
	for sel, c := range light {
		dark[sel] = c
	}
	for sel, c := range palette(t, darkCSS) {
		old := dark[sel]
		for i := range c {
			if c[i] != "" {
				old[i] = c[i]
			}
		}
		dark[sel] = old
	}
	for name, p := range map[string]map[string][2]string{"light": light, "dark": dark} {
		base := p[".chroma"]
		if base[1] == "" || len(p) < 20 {
			t.Fatalf("%s: %d rules, background %q", name, len(p), base[1])
		}
		if base[0] == "" {
			base[0] = "1a1a1a" // the theme's ink
		}
		for sel, c := range p {
			fg, bg := c[0], c[1]
			if fg == "" || fg == "inherit" {
				fg = base[0]
			}
			if bg == "" || bg == "transparent" {
				bg = base[1]
			}
			if r := contrast(fg, bg); r < 4.5 {
				t.Errorf("%s: %s: #%s on #%s has contrast %.2f, below 4.5", name, sel, fg, bg, r)
			}
		}
	}
}

// palette reads the colour and background of each rule of css.
func palette(t *testing.T, css string) map[string][2]string {
	out := map[string][2]string{}
	for _, r := range ruleRe.FindAllStringSubmatch(css, -1) {
		var c [2]string
		for _, m := range colorRe.FindAllStringSubmatch(r[2], -1) {
			if m[1] == "color" {
				c[0] = m[2]
			} else {
				c[1] = m[2]
			}
		}
		out[strings.TrimSpace(r[1])] = c
	}
	if len(out) == 0 {
		t.Fatal("no rules")
	}
	return out
}

// contrast is WCAG's contrast ratio of two sRGB colours.
func contrast(a, b string) float64 {
	la, lb := luminance(a), luminance(b)
	return (math.Max(la, lb) + 0.05) / (math.Min(la, lb) + 0.05)
}

func luminance(hex string) float64 {
	var c [3]float64
	for i := range c {
		v, _ := strconv.ParseUint(hex[2*i:2*i+2], 16, 8)
		s := float64(v) / 255
		if s <= 0.03928 {
			c[i] = s / 12.92
		} else {
			c[i] = math.Pow((s+0.055)/1.055, 2.4)
		}
	}
	return 0.2126*c[0] + 0.7152*c[1] + 0.0722*c[2]
}

func TestHighlighting(t *testing.T) {
	cases := []struct{ name, src, want string }{
		{"go", "```go\nfunc f() {} // x\n```\n",
			`<pre tabindex="0" class="chroma"><code class="language-go" data-lang="go"><span class="kd">func</span><span class="w"> </span><span class="nf">f</span><span class="p">()</span><span class="w"> </span><span class="p">{}</span><span class="w"> </span><span class="c1">// x</span><span class="w">` + "\n" + `</span></code></pre>`},
		{"info with attributes", "``` Python {.x}\nx = 1\n```\n", `<code class="language-python" data-lang="python"><span class="n">x</span>`},
		{"a language chroma lacks", "```kabarscript\n<b>x</b>\n```\n", `<pre tabindex="0" class="chroma"><code class="language-kabarscript" data-lang="kabarscript">&lt;b&gt;x&lt;/b&gt;` + "\n</code></pre>"},
		{"no language", "```\n<b>x</b>\n```\n", "<pre tabindex=\"0\"><code>&lt;b&gt;x&lt;/b&gt;\n</code></pre>"},
		{"indented", "Teks.\n\n    a && b\n", "<pre tabindex=\"0\"><code>a &amp;&amp; b\n</code></pre>"},
		{"an info string that is no name", "```\"><script>\nx\n```\n", "<pre tabindex=\"0\"><code>x\n</code></pre>"},
	}
	for _, unsafe := range []bool{false, true} {
		r := New(unsafe)
		for _, c := range cases {
			res, err := r.Convert([]byte(c.src))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(res.HTML), c.want) {
				t.Errorf("unsafe=%v %s:\n%s\nlacks\n%s", unsafe, c.name, res.HTML, c.want)
			}
			if strings.Contains(string(res.HTML), "<script") || strings.Contains(string(res.HTML), "style=") {
				t.Errorf("unsafe=%v %s: %s", unsafe, c.name, res.HTML)
			}
		}
	}
}
