// Package markdown holds the one configured goldmark converter. It is the
// only place Markdown becomes HTML (template.HTML); the converter is safe
// for concurrent use, so one Renderer serves every worker.
package markdown

import (
	"bytes"
	"html/template"
	"sort"
	"strings"
	"unicode"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Renderer converts article bodies.
type Renderer struct {
	md     goldmark.Markdown
	unsafe bool
}

// Result is one converted body.
type Result struct {
	HTML           template.HTML
	FirstParagraph string // plain text of the first paragraph, for summaries
	// More is the plain text before a <!--more--> line, and HasMore
	// whether the body has one.
	More    string
	HasMore bool
	Words   int
	Links   []Link // in the order of the text
}

// Link is a link or an image of the Markdown, as written, with where it is.
type Link struct {
	Dest   string
	Line   int // from 1, in the source given to Convert
	Column int // from 1, in bytes
	Image  bool
}

// New returns a Renderer with GFM, footnotes, heading IDs and typographic
// punctuation. Raw HTML is shown escaped unless unsafe is set.
func New(unsafe bool) *Renderer {
	opts := []renderer.Option{renderer.WithNodeRenderers(util.Prioritized(highlighter{}, 100))}
	if unsafe {
		opts = append(opts, html.WithUnsafe())
	} else {
		opts = append(opts, renderer.WithNodeRenderers(util.Prioritized(escapeRaw{}, 100)))
	}
	md := goldmark.New(
		goldmark.WithExtensions(extension.GFM, extension.Footnote, extension.Typographer),
		goldmark.WithParserOptions(parser.WithAutoHeadingID()),
		goldmark.WithRendererOptions(opts...),
	)
	return &Renderer{md: md, unsafe: unsafe}
}

// Convert renders src to HTML. Markdown over the limits (see Check) is
// refused with a *LimitError.
func (r *Renderer) Convert(src []byte) (Result, error) {
	if err := Check(src); err != nil {
		return Result{}, err
	}
	doc := r.md.Parser().Parse(text.NewReader(src))
	var res Result
	if more := moreBlock(doc, src); more != nil {
		var before strings.Builder
		for c := doc.FirstChild(); c != more; c = c.NextSibling() {
			before.WriteString(textOf(c, src))
			before.WriteByte(' ')
		}
		res.More, res.HasMore = collapse(before.String()), true
		doc.RemoveChild(doc, more)
	}
	var buf bytes.Buffer
	buf.Grow(len(src) + len(src)/4)
	if err := r.md.Renderer().Render(&buf, src, doc); err != nil {
		return Result{}, err
	}
	res.HTML = template.HTML(buf.String())
	var plain strings.Builder
	var lines []int // offsets of line starts, made at the first link
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		if l, ok := linkOf(n, src); ok {
			if lines == nil {
				lines = lineStarts(src)
			}
			off := at(n)
			if a, ok := n.(*ast.AutoLink); ok {
				// GFM's autolinks start at the space before the address.
				if i := bytes.Index(src[off:], a.Label(src)); i >= 0 {
					off += i
				}
			}
			l.Line, l.Column = position(lines, off)
			res.Links = append(res.Links, l)
		}
		if p, ok := n.(*ast.Paragraph); ok && res.FirstParagraph == "" {
			if _, inList := p.Parent().(*ast.Document); inList {
				res.FirstParagraph = collapse(textOf(p, src))
			}
		}
		if t, ok := n.(*ast.Text); ok {
			plain.Write(decode(t.Segment.Value(src)))
			plain.WriteByte(' ')
		}
		return ast.WalkContinue, nil
	})
	res.Words = countWords(plain.String())
	return res, nil
}

// linkOf is n as a Link, when it is a link, an image or a web address
// written out (GFM's autolinks); e-mail addresses are left out.
func linkOf(n ast.Node, src []byte) (Link, bool) {
	switch n := n.(type) {
	case *ast.Link:
		return Link{Dest: string(n.Destination)}, true
	case *ast.Image:
		return Link{Dest: string(n.Destination), Image: true}, true
	case *ast.AutoLink:
		if n.AutoLinkType == ast.AutoLinkURL {
			return Link{Dest: string(n.URL(src))}, true
		}
	}
	return Link{}, false
}

// at is the offset in the source where n starts: its own position, else
// that of the nearest node before or above it that has one.
func at(n ast.Node) int {
	for c := n; c != nil; c = c.Parent() {
		if p := c.Pos(); p >= 0 {
			return p
		}
		if c.Type() == ast.TypeBlock && c.Lines().Len() > 0 {
			return c.Lines().At(0).Start
		}
	}
	return 0
}

func lineStarts(src []byte) []int {
	starts := []int{0}
	for i, c := range src {
		if c == '\n' {
			starts = append(starts, i+1)
		}
	}
	return starts
}

// position turns an offset into a line and a column, both from 1.
func position(starts []int, off int) (line, col int) {
	i := sort.Search(len(starts), func(i int) bool { return starts[i] > off }) - 1
	return i + 1, off - starts[i] + 1
}

// moreBlock is the first top-level <!--more--> standing on a line of its
// own (Hugo also writes <!-- more -->), or nil. One inside a paragraph, a
// code block or a quote is text, not a marker.
func moreBlock(doc ast.Node, src []byte) ast.Node {
	for c := doc.FirstChild(); c != nil; c = c.NextSibling() {
		b, ok := c.(*ast.HTMLBlock)
		if !ok || b.HTMLBlockType != ast.HTMLBlockType2 || b.Lines().Len() != 1 {
			continue
		}
		seg := b.Lines().At(0)
		line := strings.Join(strings.Fields(string(seg.Value(src))), "")
		if line == "<!--more-->" {
			return c
		}
	}
	return nil
}

// CodeRanges returns the byte ranges of src that are code: the text of
// fenced and indented code blocks and of code spans, in order. Markdown
// over the limits (see Check) is refused with a *LimitError.
func (r *Renderer) CodeRanges(src []byte) ([][2]int, error) {
	if err := Check(src); err != nil {
		return nil, err
	}
	doc := r.md.Parser().Parse(text.NewReader(src))
	var out [][2]int
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.FencedCodeBlock, *ast.CodeBlock:
			if l := n.Lines(); l.Len() > 0 {
				out = append(out, [2]int{l.At(0).Start, l.At(l.Len() - 1).Stop})
			}
			return ast.WalkSkipChildren, nil
		case *ast.CodeSpan:
			first, last := n.FirstChild(), n.LastChild()
			if t, ok := first.(*ast.Text); ok {
				if u, ok := last.(*ast.Text); ok {
					out = append(out, [2]int{t.Segment.Start, u.Segment.Stop})
				}
			}
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return out, nil
}

// PlainText renders src and returns its text only, as one line; "" when
// src is over the limits.
func (r *Renderer) PlainText(src []byte) string {
	if Check(src) != nil {
		return ""
	}
	doc := r.md.Parser().Parse(text.NewReader(src))
	return collapse(textOf(doc, src))
}

// textOf collects the visible text below n, skipping raw HTML.
func textOf(n ast.Node, src []byte) string {
	var b strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch c := c.(type) {
		case *ast.Text:
			b.Write(decode(c.Segment.Value(src)))
			if c.SoftLineBreak() || c.HardLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			// The typographer's quotes and dashes are HTML entities.
			b.Write(util.ResolveEntityNames(c.Value))
		case *ast.AutoLink:
			b.Write(c.Label(src))
		case *ast.CodeSpan:
			for t := c.FirstChild(); t != nil; t = t.NextSibling() {
				if s, ok := t.(*ast.Text); ok {
					b.Write(s.Segment.Value(src))
				}
			}
			return ast.WalkSkipChildren, nil
		case *ast.RawHTML, *ast.HTMLBlock:
			return ast.WalkSkipChildren, nil
		}
		// Blocks (paragraphs, list items, table cells) are separate words.
		if c.Type() == ast.TypeBlock && b.Len() > 0 {
			b.WriteByte(' ')
		}
		return ast.WalkContinue, nil
	})
	return b.String()
}

// decode turns Markdown source text into the text a reader sees: no
// backslash escapes, entities such as &amp; resolved.
func decode(b []byte) []byte {
	return util.ResolveEntityNames(util.ResolveNumericReferences(util.UnescapePunctuations(b)))
}

func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

func countWords(s string) int {
	n, in := 0, false
	for _, r := range s {
		w := unicode.IsLetter(r) || unicode.IsDigit(r)
		if w && !in {
			n++
		}
		in = w
	}
	return n
}

// escapeRaw shows raw HTML as text instead of passing it through, so a
// writer sees what they typed and no markup or script gets into the page.
type escapeRaw struct{}

func (escapeRaw) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindHTMLBlock, func(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			b := n.(*ast.HTMLBlock)
			_, _ = w.WriteString("<p>")
			lines := b.Lines()
			for i := 0; i < lines.Len(); i++ {
				seg := lines.At(i)
				html.DefaultWriter.RawWrite(w, seg.Value(src))
			}
			if b.HasClosure() {
				html.DefaultWriter.RawWrite(w, b.ClosureLine.Value(src))
			}
			_, _ = w.WriteString("</p>\n")
		}
		return ast.WalkContinue, nil
	})
	reg.Register(ast.KindRawHTML, func(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			r := n.(*ast.RawHTML)
			for i := 0; i < r.Segments.Len(); i++ {
				seg := r.Segments.At(i)
				html.DefaultWriter.RawWrite(w, seg.Value(src))
			}
		}
		return ast.WalkSkipChildren, nil
	})
}

// Rebase puts the links and images of body whose destinations, as
// written, are in dests under prefix (a base path without its last
// slash, such as "/repo"). It finds them as Convert writes them, so no
// text of the article can be taken for one.
func Rebase(body template.HTML, prefix string, dests []string) template.HTML {
	s := string(body)
	for _, d := range dests {
		from := string(util.EscapeHTML(util.URLEscape([]byte(d), true)))
		to := string(util.EscapeHTML(util.URLEscape([]byte(prefix+d), true)))
		for _, attr := range []string{` href="`, ` src="`} {
			s = strings.ReplaceAll(s, attr+from+`"`, attr+to+`"`)
		}
	}
	return template.HTML(s)
}
