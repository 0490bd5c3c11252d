package markdown

import (
	"bytes"
	"fmt"
	"html"
	"regexp"
	"slices"
	"strings"

	"github.com/alecthomas/chroma/v2"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/alecthomas/chroma/v2/styles"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
)

// Code blocks are highlighted with chroma into spans with CSS classes, so
// the theme's stylesheet (HighlightCSS) decides the colours, light or dark.
// Every <pre> gets tabindex="0": a long line scrolls it sideways, and a
// keyboard can only scroll what it can focus.

// The palettes of HighlightCSS: GitHub's, whose every colour reads at the
// contrast WCAG AA asks on its own background (TestHighlightContrast).
const (
	lightStyle = "github"
	darkStyle  = "github-dark"
)

// formatter writes classes, never inline styles, and leaves the <pre> to
// the renderer.
var formatter = chromahtml.New(chromahtml.WithClasses(true), chromahtml.PreventSurroundingPre(true))

// highlighter renders fenced and indented code blocks.
type highlighter struct{}

func (highlighter) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindFencedCodeBlock, renderCode)
	reg.Register(ast.KindCodeBlock, renderCode)
}

// langName is what a fence's info string may name: go, c++, objective-c...
var langName = regexp.MustCompile(`^[A-Za-z0-9_+#.-]+$`)

func renderCode(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	var code bytes.Buffer
	lines := n.Lines()
	for i := 0; i < lines.Len(); i++ {
		seg := lines.At(i)
		code.Write(seg.Value(src))
	}
	lang := ""
	if f, ok := n.(*ast.FencedCodeBlock); ok && f.Info != nil {
		info := string(f.Info.Segment.Value(src))
		if i := strings.IndexAny(info, " \t{"); i >= 0 {
			info = info[:i]
		}
		if langName.MatchString(info) {
			lang = strings.ToLower(info)
		}
	}
	var lexer chroma.Lexer
	if lang != "" {
		lexer = lexers.Get(lang)
	}
	if lang == "" {
		_, _ = w.WriteString(`<pre tabindex="0"><code>`)
	} else {
		fmt.Fprintf(w, `<pre tabindex="0" class="chroma"><code class="language-%s" data-lang="%s">`, lang, lang)
	}
	if lexer != nil {
		it, err := chroma.Coalesce(lexer).Tokenise(nil, code.String())
		if err == nil {
			var out bytes.Buffer
			if err := formatter.Format(&out, styles.Fallback, it); err == nil {
				_, _ = w.Write(out.Bytes())
				_, _ = w.WriteString("</code></pre>\n")
				return ast.WalkSkipChildren, nil
			}
		}
	}
	// No lexer for the language, or none named: the text as it is.
	_, _ = w.WriteString(html.EscapeString(code.String()))
	_, _ = w.WriteString("</code></pre>\n")
	return ast.WalkSkipChildren, nil
}

// HighlightCSS is the stylesheet of highlighted code: the light palette,
// and the dark one for readers whose system asks for dark.
func HighlightCSS() string {
	var b strings.Builder
	b.WriteString("/* Code highlighting: made by markdown.HighlightCSS from chroma's " + lightStyle + " and " + darkStyle + " styles. */\n")
	light := writeCSS(&b, lightStyle, "", "#ffffff", false)
	b.WriteString("@media (prefers-color-scheme: dark) {\n")
	dark := writeCSS(&b, darkStyle, "  ", "", true)
	// The light rules hold in dark too, where the dark style sets nothing
	// for a class: those classes take the dark text colour.
	for _, sel := range light {
		if !slices.Contains(dark, sel) && sel != ".chroma" {
			b.WriteString("  " + sel + " { color: inherit; background-color: transparent; font-weight: inherit; font-style: inherit }\n")
		}
	}
	b.WriteString("}\n")
	return b.String()
}

var (
	bgColor = regexp.MustCompile(`background-color: #[0-9a-fA-F]+`)
	fgColor = regexp.MustCompile(`(^|[;\s])color:`)
)

// unused are the rules for what renderCode never writes: line numbers,
// marked lines, a page of code; and whitespace, which has no colour.
var unused = map[string]bool{".bg": true, ".chroma .lnlinks": true, ".chroma .lntd": true, ".chroma .lntable": true,
	".chroma .hl": true, ".chroma .lnt": true, ".chroma .ln": true, ".chroma .line": true, ".chroma .w": true}

// writeCSS writes one style's rules; background, when set, replaces the
// style's own (GitHub's light grey leaves its grey-blue just short of
// 4.5:1).
// With reset, a rule that sets no colour or background says so, for the
// light rules below it not to show through. It returns the selectors it
// wrote.
func writeCSS(b *strings.Builder, style, indent, background string, reset bool) []string {
	var sels []string
	var buf bytes.Buffer
	f := chromahtml.New(chromahtml.WithClasses(true), chromahtml.WithCSSComments(false))
	_ = f.WriteCSS(&buf, styles.Get(style))
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		line = strings.TrimSpace(line)
		sel, decl, _ := strings.Cut(line, " {")
		if line == "" || unused[sel] {
			continue
		}
		if sel == ".chroma" && background != "" {
			line = sel + " {" + bgColor.ReplaceAllString(decl, "background-color: "+background)
		}
		if reset && sel != ".chroma" {
			body := strings.TrimSuffix(strings.TrimSpace(decl), "}")
			if !fgColor.MatchString(body) {
				body = strings.TrimSpace(body) + "; color: inherit"
			}
			if !strings.Contains(body, "background-color:") {
				body = strings.TrimSpace(body) + "; background-color: transparent"
			}
			line = sel + " { " + strings.TrimPrefix(strings.TrimSpace(body), "; ") + " }"
		}
		b.WriteString(indent + line + "\n")
		sels = append(sels, sel)
	}
	return sels
}
