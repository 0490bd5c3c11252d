// Package shortcode understands the template tags that posts written for
// Jekyll (Liquid) and Hugo (shortcodes) carry in their bodies, so that
// they build as their authors meant:
//
//	{% raw %}…{% endraw %}          the inside, literally
//	{% highlight go %}…{% endhighlight %}, {{< highlight go >}}…{{< /highlight >}}
//	                                 a fenced code block
//	{% link path %}, {% post_url name %}, {{< ref "x" >}}, {{< relref "x" >}}
//	                                 the URL of another article ({% link %}
//	                                 of a file that is no article: its path)
//	{{ site.baseurl }}, {{ "/x/" | relative_url }}
//	                                 the site's base path
//	{{< figure src= alt= caption= >}} a figure
//	{{< youtube ID >}}               a link to the video (nothing is loaded from YouTube)
//	{{</* x */>}}                    Hugo's way to show {{< x >}} literally
//
// Hugo's {{% … %}} forms are read as the {{< … >}} ones. Any other tag is
// shown as it is, with a warning naming its line. Inside code (code blocks
// and spans, as the caller finds them) tags are text: only the raw markers
// and Hugo's /* */ forms, which authors put there to keep them so, are
// taken away.
//
// Expand runs before Markdown and writes tokens where the result is HTML
// (Fill puts it in after Markdown) or another article's URL (Links puts
// it in once the whole site is known). A token is letters and digits that
// Markdown leaves alone, with a prefix that does not occur in the source,
// so no text can pass for one.
package shortcode

import (
	"bytes"
	"fmt"
	"html"
	"net/url"
	"path"
	"regexp"
	"strconv"
	"strings"
)

// Options are what Expand needs beyond the text.
type Options struct {
	BasePath string   // the site's base path, "/" or "/repo/"
	Code     [][2]int // byte ranges of the source that are code, in order
}

// Link is a tag that links to another article.
type Link struct {
	Kind   string // "post_url", "link", "ref" or "relref"
	Target string // as written, without quotes
	Line   int    // in the source, from 1
	Column int    // of the tag's first brace, from 1, in bytes
	Tag    string // the whole tag, for messages
}

// Warning is a tag shown as it is.
type Warning struct {
	Line int
	Msg  string
	Fix  string // what to do
}

// Result is one expanded body.
type Result struct {
	Src      []byte // the Markdown to render
	Mark     string // the tokens' prefix
	Links    []Link // by token number
	Warnings []Warning
	pieces   []piece
}

// piece is what an HTML token stands for.
type piece struct {
	html   string // in a paragraph of its own
	inline string // within text; "" means html
	text   string // as plain text, for summaries
}

// Has reports whether src may hold a tag: bodies without one skip Expand.
func Has(src []byte) bool {
	return bytes.Contains(src, []byte("{%")) || bytes.Contains(src, []byte("{{"))
}

// Expand reads the tags of src.
func Expand(src []byte, opt Options) *Result {
	e := &expander{src: src, opt: opt, res: &Result{Mark: mark(src)}}
	e.run()
	e.res.Src = e.out.Bytes()
	return e.res
}

// mark returns a token prefix that does not occur in src. It begins with
// a letter found nowhere else in it, so a prefix cut short at the end of
// some text and completed by a token cannot be mistaken for one.
func mark(src []byte) string {
	m := "kbrq"
	for bytes.Contains(src, []byte(m)) {
		m += "q"
	}
	return m
}

type expander struct {
	src  []byte
	opt  Options
	res  *Result
	out  bytes.Buffer
	code int // index into opt.Code of the first range not before the scan

	lineOff, lineNo int             // the line of offset lineOff, to count on from
	unclosed        map[string]bool // closing tags known not to follow
}

// tag is one {% %}, {{ }}, {{< >}} or {{% %}} found in the source.
type tag struct {
	start, end int    // its bytes
	kind       byte   // '%' Liquid tag, '{' Liquid output, '<' shortcode
	body       string // between the delimiters, trimmed
	comment    bool   // {{</* */>}}
}

// line is the line of offset off; offsets come mostly in order, so lines
// are counted on from the last one asked.
func (e *expander) line(off int) int {
	if off < e.lineOff || e.lineNo == 0 {
		e.lineOff, e.lineNo = 0, 1
	}
	e.lineNo += bytes.Count(e.src[e.lineOff:off], []byte("\n"))
	e.lineOff = off
	return e.lineNo
}

func (e *expander) warn(off int, fix, format string, args ...any) {
	e.res.Warnings = append(e.res.Warnings, Warning{Line: e.line(off), Msg: fmt.Sprintf(format, args...), Fix: fix})
}

// inCode reports whether offset off is inside code.
func (e *expander) inCode(off int) bool {
	c := e.opt.Code
	for e.code < len(c) && c[e.code][1] <= off {
		e.code++
	}
	return e.code < len(c) && c[e.code][0] <= off
}

// next finds the first tag at or after off.
func (e *expander) next(off int) (tag, bool) {
	for {
		i := bytes.IndexByte(e.src[off:], '{')
		if i < 0 {
			return tag{}, false
		}
		start := off + i
		if t, ok := e.parseTag(start); ok {
			return t, true
		}
		off = start + 1
	}
}

// parseTag reads the tag starting at start, if one does. A tag ends on
// the line it starts on or the next few: Liquid and Hugo allow more, but
// a stray {{ in prose must not swallow the rest of the article.
func (e *expander) parseTag(start int) (tag, bool) {
	s := e.src[start:]
	var open, close string
	t := tag{start: start}
	switch {
	case bytes.HasPrefix(s, []byte("{{</*")):
		open, close, t.kind, t.comment = "{{</*", "*/>}}", '<', true
	case bytes.HasPrefix(s, []byte("{{%/*")):
		open, close, t.kind, t.comment = "{{%/*", "*/%}}", '<', true
	case bytes.HasPrefix(s, []byte("{{<")):
		open, close, t.kind = "{{<", ">}}", '<'
	case bytes.HasPrefix(s, []byte("{{%")):
		open, close, t.kind = "{{%", "%}}", '<'
	case bytes.HasPrefix(s, []byte("{%")):
		open, close, t.kind = "{%", "%}", '%'
	case bytes.HasPrefix(s, []byte("{{")):
		open, close, t.kind = "{{", "}}", '{'
	default:
		return t, false
	}
	limit := min(len(s), maxTag)
	if nl := nthIndex(s[:limit], '\n', 3); nl >= 0 {
		limit = nl
	}
	j := bytes.Index(s[len(open):limit], []byte(close))
	if j < 0 {
		return t, false
	}
	body := string(s[len(open) : len(open)+j])
	t.end = start + len(open) + j + len(close)
	if t.kind != '<' { // Liquid's {%- -%} trim whitespace, which HTML ignores
		body = strings.TrimSuffix(strings.TrimPrefix(body, "-"), "-")
	}
	t.body = strings.TrimSpace(body)
	if t.body == "" && !t.comment {
		return t, false
	}
	return t, true
}

// maxTag bounds a tag's length, so that a line of braces costs little.
const maxTag = 1024

func nthIndex(s []byte, c byte, n int) int {
	off := 0
	for range n {
		i := bytes.IndexByte(s[off:], c)
		if i < 0 {
			return -1
		}
		off += i + 1
	}
	return off - 1
}

// name is a tag's first word and the rest.
func (t tag) name() (string, string) {
	n, rest, _ := strings.Cut(t.body, " ")
	if i := strings.IndexAny(n, "\t\n"); i >= 0 {
		n, rest = n[:i], n[i+1:]+" "+rest
	}
	return n, strings.TrimSpace(rest)
}

func (e *expander) run() {
	off := 0
	for {
		t, ok := e.next(off)
		if !ok {
			e.out.Write(e.src[off:])
			return
		}
		e.out.Write(e.src[off:t.start])
		off = e.handle(t)
	}
}

// handle writes what t stands for and returns where scanning goes on.
func (e *expander) handle(t tag) int {
	name, args := t.name()
	if t.comment {
		// {{</* x */>}} shows {{< x >}}, in code and out.
		lit := "{{< " + t.body + " >}}"
		if bytes.HasPrefix(e.src[t.start:], []byte("{{%")) {
			lit = "{{% " + t.body + " %}}"
		}
		if e.inCode(t.start) {
			e.out.WriteString(lit)
		} else {
			e.literal(lit)
		}
		return t.end
	}
	if e.inCode(t.start) {
		if t.kind == '%' && (name == "raw" || name == "endraw") {
			return t.end // the markers go; what they kept stays as text
		}
		e.out.Write(e.src[t.start:t.end])
		return t.end
	}
	switch t.kind {
	case '%':
		switch name {
		case "raw":
			endStart, endEnd, ok := e.find(t.end, '%', "endraw")
			if !ok {
				e.warn(t.start, "add {% endraw %} where the literal text ends", "{%% raw %%} is never closed, so the rest of the article is shown as it is")
				e.out.Write(e.src[t.end:])
				return len(e.src)
			}
			e.out.Write(e.src[t.end:endStart])
			return endEnd
		case "highlight":
			return e.highlight(t, args, '%', "endhighlight")
		case "link", "post_url":
			target := unquote(args)
			if target == "" {
				e.warn(t.start, fmt.Sprintf("write {%% %s %s %%}", name, map[string]string{"link": "path/to/file.md", "post_url": "2024-04-09-title"}[name]), "%s names no %s, so it is shown as it is", e.text(t), map[string]string{"link": "file", "post_url": "post"}[name])
				e.literal(e.text(t))
				return t.end
			}
			if ext := path.Ext(target); name == "link" && ext != ".md" && ext != ".markdown" {
				// A file of static/, such as a PDF: its path on the site.
				e.out.WriteString(e.onSite(path.Clean("/" + target)))
				return t.end
			}
			e.link(t, name, target)
			return t.end
		}
	case '{':
		if v, ok := e.output(t.body); ok {
			// Jekyll 3 posts write {{ site.baseurl }}{% post_url x %}: the
			// link has the base path already.
			if t.body == "site.baseurl" && e.linkFollows(t.end) {
				return t.end
			}
			e.out.WriteString(v)
			return t.end
		}
	case '<':
		switch name {
		case "ref", "relref":
			target := unquote(named(args, "path", 0))
			if target == "" {
				e.warn(t.start, fmt.Sprintf("write {{< %s \"other-article.md\" >}}", name), "%s names no page, so it is shown as it is", e.text(t))
				e.literal(e.text(t))
				return t.end
			}
			e.link(t, name, target)
			return t.end
		case "highlight":
			return e.highlight(t, args, '<', "/highlight")
		case "figure":
			e.figure(t, args)
			return t.end
		case "youtube":
			e.youtube(t, args)
			return t.end
		}
	}
	e.warn(t.start, "replace it with the text or Markdown it stands for", "%s is not understood, so it is shown as it is", e.text(t))
	e.literal(e.text(t))
	return t.end
}

// text is the tag as written, on one line.
func (e *expander) text(t tag) string {
	return strings.Join(strings.Fields(string(e.src[t.start:t.end])), " ")
}

// find finds the closing tag name of kind after off.
func (e *expander) find(off int, kind byte, name string) (int, int, bool) {
	if e.unclosed[name] {
		return 0, 0, false // the scan goes forward: none after off either
	}
	for {
		t, ok := e.next(off)
		if !ok {
			if e.unclosed == nil {
				e.unclosed = map[string]bool{}
			}
			e.unclosed[name] = true
			return 0, 0, false
		}
		if n, _ := t.name(); t.kind == kind && n == name && !t.comment {
			return t.start, t.end, true
		}
		off = t.start + 1
	}
}

// output is the value of a Liquid {{ }} that names the base path.
func (e *expander) output(expr string) (string, bool) {
	base := strings.TrimSuffix(e.opt.BasePath, "/")
	if expr == "site.baseurl" {
		return base, true
	}
	// {{ "/img/x.png" | relative_url }}
	v, filter, ok := strings.Cut(expr, "|")
	if !ok || strings.TrimSpace(filter) != "relative_url" {
		return "", false
	}
	v = strings.TrimSpace(v)
	if len(v) < 2 || (v[0] != '"' && v[0] != '\'') || v[len(v)-1] != v[0] {
		return "", false
	}
	p := v[1 : len(v)-1]
	if strings.Contains(p, "://") {
		return p, true
	}
	return base + "/" + strings.TrimPrefix(p, "/"), true
}

// linkFollows reports whether a {% link %} or {% post_url %} starts at off.
func (e *expander) linkFollows(off int) bool {
	t, ok := e.parseTag(off)
	if !ok || t.kind != '%' {
		return false
	}
	n, _ := t.name()
	return n == "link" || n == "post_url"
}

// literal writes s to be shown as it is: as an HTML token, since Markdown
// would read a {{<b>}} as markup.
func (e *expander) literal(s string) {
	e.token(piece{html: "<p>" + html.EscapeString(s) + "</p>", inline: html.EscapeString(s), text: s})
}

func (e *expander) token(p piece) {
	e.res.pieces = append(e.res.pieces, p)
	fmt.Fprintf(&e.out, "%sh%dz", e.res.Mark, len(e.res.pieces)-1)
}

func (e *expander) link(t tag, kind, target string) {
	col := t.start - bytes.LastIndexByte(e.src[:t.start], '\n')
	e.res.Links = append(e.res.Links, Link{Kind: kind, Target: target, Line: e.line(t.start), Column: col, Tag: e.text(t)})
	fmt.Fprintf(&e.out, "%sl%dz", e.res.Mark, len(e.res.Links)-1)
}

// highlight writes the code up to the closing tag as a fenced block.
func (e *expander) highlight(t tag, args string, kind byte, end string) int {
	endStart, endEnd, ok := e.find(t.end, kind, end)
	if !ok {
		e.warn(t.start, "add "+map[byte]string{'%': "{% endhighlight %}", '<': "{{< /highlight >}}"}[kind]+" after the code", "%s is never closed, so it is shown as it is", e.text(t))
		e.literal(e.text(t))
		return t.end
	}
	lang, _, _ := strings.Cut(unquote(named(args, "lang", 0)), " ")
	if !langName.MatchString(lang) {
		lang = ""
	}
	code := stripRaw(string(e.src[t.end:endStart]))
	code = strings.TrimPrefix(code, "\n")
	if i := strings.LastIndexByte(code, '\n'); i >= 0 && strings.TrimLeft(code[i+1:], " \t") == "" {
		code = code[:i+1] // the closing tag's indent
	}
	if code != "" && !strings.HasSuffix(code, "\n") {
		code += "\n"
	}
	// The fence is longer than any run of backticks in the code, and
	// indented as the tag is, so that it stays in its list item.
	fence := "```"
	for strings.Contains(code, fence) {
		fence += "`"
	}
	out := e.out.Bytes()
	lineStart := bytes.LastIndexByte(out, '\n') + 1
	indent := string(out[lineStart:])
	if strings.TrimLeft(indent, " \t") != "" {
		e.out.WriteByte('\n')
		indent = ""
	}
	e.out.WriteString(fence + lang + "\n" + code + indent + fence)
	if endEnd < len(e.src) && e.src[endEnd] != '\n' {
		e.out.WriteByte('\n')
	}
	return endEnd
}

var langName = regexp.MustCompile(`^[A-Za-z0-9_+#.-]+$`)

// stripRaw removes {% raw %} and {% endraw %} markers from code.
func stripRaw(s string) string { return rawMarker.ReplaceAllString(s, "") }

var rawMarker = regexp.MustCompile(`\{%-?\s*(?:end)?raw\s*-?%\}`)

// figure writes Hugo's figure as <figure>, or as an image within text.
func (e *expander) figure(t tag, args string) {
	src := unquote(named(args, "src", -1))
	if src == "" || !pathOrWeb(src) {
		e.warn(t.start, `write src="/img/photo.jpg" (a file under static/) or an https:// address`, "%s has no src that is a path or a web address, so it is shown as it is", e.text(t))
		e.literal(e.text(t))
		return
	}
	src = e.onSite(src)
	alt, caption, title := unquote(named(args, "alt", -1)), unquote(named(args, "caption", -1)), unquote(named(args, "title", -1))
	if caption == "" {
		caption = title
	}
	if alt == "" {
		alt = caption
	}
	img := fmt.Sprintf(`<img src="%s" alt="%s"`, html.EscapeString(src), html.EscapeString(alt))
	for _, k := range []string{"width", "height"} {
		if v := unquote(named(args, k, -1)); v != "" {
			if _, err := strconv.Atoi(v); err == nil {
				img += fmt.Sprintf(` %s="%s"`, k, v)
			}
		}
	}
	img += `>`
	if l := unquote(named(args, "link", -1)); l != "" && pathOrWeb(l) {
		img = fmt.Sprintf(`<a href="%s">%s</a>`, html.EscapeString(e.onSite(l)), img)
	}
	fig := "<figure>" + img
	if caption != "" {
		fig += "<figcaption>" + html.EscapeString(caption) + "</figcaption>"
	}
	e.token(piece{html: fig + "</figure>", inline: img, text: caption})
}

var videoID = regexp.MustCompile(`^[A-Za-z0-9_-]{6,20}$`)

// youtube writes a link to the video: the theme loads nothing from other
// hosts, so there is no player.
func (e *expander) youtube(t tag, args string) {
	id := unquote(named(args, "id", 0))
	if !videoID.MatchString(id) {
		e.warn(t.start, "write {{< youtube dQw4w9WgXcQ >}}, with the ID from the video's address", "%s has no YouTube video ID, so it is shown as it is", e.text(t))
		e.literal(e.text(t))
		return
	}
	label := unquote(named(args, "title", -1))
	if label == "" {
		label = "YouTube: " + id
	}
	a := fmt.Sprintf(`<a class="video" href="https://www.youtube.com/watch?v=%s">▶ %s</a>`, id, html.EscapeString(label))
	e.token(piece{html: "<p>" + a + "</p>", inline: a, text: label})
}

// onSite puts a path from the site's root (/img/x.jpg) under its base path.
func (e *expander) onSite(p string) string {
	if strings.HasPrefix(p, "/") && !strings.HasPrefix(p, "//") {
		return strings.TrimSuffix(e.opt.BasePath, "/") + p
	}
	return p
}

// pathOrWeb reports whether s is a path on the site or an http(s) address.
func pathOrWeb(s string) bool {
	u, err := url.Parse(s)
	if err != nil || strings.ContainsAny(s, "\\\x00") {
		return false
	}
	return u.Scheme == "" || (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// named returns the argument called key in a shortcode's arguments, or
// its positional argument pos (-1: none).
func named(args string, key string, pos int) string {
	n := 0
	for _, a := range splitArgs(args) {
		k, v, ok := strings.Cut(a, "=")
		if ok && !strings.ContainsAny(k, "\"`") {
			if k == key {
				return v
			}
			continue
		}
		if n == pos {
			return a
		}
		n++
	}
	return ""
}

// splitArgs splits at spaces outside quotes.
func splitArgs(s string) []string {
	var out []string
	var cur strings.Builder
	var q rune
	for _, r := range s {
		switch {
		case q != 0:
			if r == q {
				q = 0
			}
			cur.WriteRune(r)
		case r == '"' || r == '`' || r == '\'':
			q = r
			cur.WriteRune(r)
		case r == ' ' || r == '\t' || r == '\n':
			if cur.Len() > 0 {
				out = append(out, cur.String())
				cur.Reset()
			}
		default:
			cur.WriteRune(r)
		}
	}
	if cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out
}

func unquote(s string) string {
	s = strings.TrimSpace(s)
	if len(s) >= 2 && (s[0] == '"' || s[0] == '`' || s[0] == '\'') && s[len(s)-1] == s[0] {
		if v, err := strconv.Unquote(s); err == nil && s[0] == '"' {
			return v
		}
		return s[1 : len(s)-1]
	}
	return s
}

// Fill puts the HTML of the tags into html, Markdown's rendering of Src.
// A token alone in a paragraph becomes its block (a figure); within text,
// its inline form. Link tokens stay for Links.
func (r *Result) Fill(h string) string {
	return r.replace(h, func(kind byte, n int, alone bool) string {
		if kind != 'h' || n >= len(r.pieces) {
			return ""
		}
		p := r.pieces[n]
		if alone || p.inline == "" {
			return p.html
		}
		return p.inline
	}, true)
}

// Plain is text (a summary) with the tags' plain text for their tokens;
// a link has none.
func (r *Result) Plain(text string) string {
	return r.replace(text, func(kind byte, n int, _ bool) string {
		if kind == 'h' && n < len(r.pieces) {
			return r.pieces[n].text
		}
		return ""
	}, false)
}

// replace calls fn for each token of s and puts its result in the
// token's place; with paragraphs, a token that is a whole <p> replaces it.
// Link tokens for which fn returns "" are kept.
func (r *Result) replace(s string, fn func(kind byte, n int, alone bool) string, paragraphs bool) string {
	return Replace(s, r.Mark, func(kind byte, n int, before, after string) (string, bool, bool) {
		alone := paragraphs && strings.HasSuffix(before, "<p>") && strings.HasPrefix(after, "</p>")
		v := fn(kind, n, alone)
		if v == "" && kind == 'l' && paragraphs {
			return "", false, false
		}
		return v, true, alone
	})
}

// Replace finds the tokens of prefix mark in s. For each, fn gets its kind
// ('h' or 'l'), number and the text around it, and returns the
// replacement, whether to replace, and whether the replacement takes the
// <p> and </p> around the token too.
func Replace(s, mark string, fn func(kind byte, n int, before, after string) (string, bool, bool)) string {
	if mark == "" || !strings.Contains(s, mark) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for {
		i := strings.Index(s, mark)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		rest := s[i+len(mark):]
		j := 1
		for j < len(rest) && rest[j] >= '0' && rest[j] <= '9' {
			j++
		}
		if len(rest) < 3 || (rest[0] != 'h' && rest[0] != 'l') || j == 1 || j >= len(rest) || rest[j] != 'z' {
			b.WriteString(s[:i+len(mark)])
			s = rest
			continue
		}
		n, _ := strconv.Atoi(rest[1:j])
		after := rest[j+1:]
		v, ok, block := fn(rest[0], n, s[:i], after)
		if !ok {
			b.WriteString(s[:i+len(mark)+j+1])
			s = after
			continue
		}
		if block {
			b.WriteString(s[:i-len("<p>")])
			b.WriteString(v)
			s = after[len("</p>"):]
			continue
		}
		b.WriteString(s[:i])
		b.WriteString(v)
		s = after
	}
}

// Links puts the URLs of an article's links, by token number, into its
// HTML.
func Links(h, mark string, urls []string) string {
	return Replace(h, mark, func(kind byte, n int, _, _ string) (string, bool, bool) {
		if kind != 'l' || n >= len(urls) {
			return "", false, false
		}
		return html.EscapeString(urls[n]), true, false
	})
}
