// Package render turns site pages into HTML bytes through the html/template
// files of templates/: a base layout (base.html) with blocks, shared
// partials (partials/*.html), and one file per page kind that defines the
// "main" block. A site's own template files replace the built-in ones of
// the same name, so a theme can change one file and keep the rest.
package render

import (
	"bytes"
	"errors"
	"fmt"
	"github.com/kabar-news/kabar/generator/internal/hashing"
	"html/template"
	"io"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"text/template/parse"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/kabar-news/kabar/generator/config"
	"github.com/kabar-news/kabar/generator/diag"
	"github.com/kabar-news/kabar/generator/lang"
	"github.com/kabar-news/kabar/generator/schema"
	"github.com/kabar-news/kabar/generator/site"
)

// Templates is a parsed template set, one entry per page template.
type Templates struct {
	byName    map[string]*template.Template
	sums      map[string]uint64
	fragments *template.Template // base.html and the partials, for cards and fragments
	cardSum   uint64
	allSum    uint64
	// partialSums is Sum for every template of fragments, read at load.
	partialSums map[string]uint64
}

// Load parses the templates. layers are searched in order: a file in an
// earlier layer hides the file of the same name in a later one (a site's
// templates/ first, then the built-in ones). Every broken file is reported.
func Load(cfg *config.Config, layers ...fs.FS) (*Templates, error) {
	files := map[string][]byte{}
	for i := len(layers) - 1; i >= 0; i-- {
		if layers[i] == nil {
			continue
		}
		err := fs.WalkDir(layers[i], ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) && p == "." {
					return fs.SkipAll
				}
				return err
			}
			if d.IsDir() || !strings.HasSuffix(p, ".html") || strings.HasPrefix(path.Base(p), ".") {
				return nil
			}
			data, err := fs.ReadFile(layers[i], p)
			if err != nil {
				return err
			}
			files[p] = data
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("templates: %w", err)
		}
	}
	if _, ok := files["base.html"]; !ok {
		return nil, &diag.Diag{File: "templates/base.html", Message: "the file is missing: every page is drawn in it", Fix: "restore it or remove templates/ to use the built-in theme"}
	}
	root := template.New("base.html").Funcs(Funcs(cfg))
	var errs []error
	parse := func(t *template.Template, name string) {
		if !utf8.Valid(files[name]) {
			errs = append(errs, &diag.Diag{File: "templates/" + name, Message: "not valid UTF-8", Fix: "save it as UTF-8"})
			return
		}
		if _, err := t.New(name).Parse(string(files[name])); err != nil {
			errs = append(errs, templateDiag(err))
		}
	}
	// root was created as base.html; parse into it directly.
	if _, err := root.Parse(string(files["base.html"])); err != nil {
		errs = append(errs, templateDiag(err))
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if strings.HasPrefix(name, "partials/") {
			parse(root, name)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	t := &Templates{byName: map[string]*template.Template{}, sums: map[string]uint64{}}
	t.allSum = filesSum(names, files)
	for _, name := range names {
		if name == "base.html" || strings.HasPrefix(name, "partials/") {
			continue
		}
		c, err := root.Clone()
		if err != nil {
			return nil, err
		}
		parse(c, name)
		t.byName[name] = c
		// Read the trees before any execution: escaping rewrites them.
		t.sums[name] = sumOf(c, "base.html", files)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	frag, err := root.Clone()
	if err != nil {
		return nil, err
	}
	t.fragments = frag
	t.cardSum = sumOf(frag, cardName, files)
	t.partialSums = map[string]uint64{}
	for _, tt := range frag.Templates() {
		t.partialSums[tt.Name()] = sumOf(frag, tt.Name(), files)
	}
	return t, nil
}

// Sum is a hash of the template files a page template can run: its own,
// base.html, and every file holding a template they name in a {{template}}
// or {{block}} call, followed through those. Template names are constants
// in Go templates, so this is exact, apart from calls in branches a page
// never takes. 0 for an unknown template.
func (t *Templates) Sum(page string) uint64 { return t.sums[page] }

// CardSum is Sum for partials/card.html.
func (t *Templates) CardSum() uint64 { return t.cardSum }

// AllSum is a hash of every template file, the built-in ones a site does
// not replace included.
func (t *Templates) AllSum() uint64 { return t.allSum }

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// Page renders page p with dot as the template's dot, into w. The template
// named by p.Template draws the page's blocks; base.html draws the page
// around them.
func (t *Templates) Page(w io.Writer, p *site.Page, dot any) error {
	tmpl, ok := t.byName[p.Template]
	if !ok {
		return &diag.Diag{File: "templates/" + p.Template, Message: fmt.Sprintf("the file is missing: it draws the %s page %s", p.Kind, p.Path),
			Fix: "add it or remove templates/ to use the built-in theme"}
	}
	if err := tmpl.ExecuteTemplate(w, "base.html", dot); err != nil {
		return &PageError{Diag: *templateDiag(err), Path: p.Path}
	}
	return nil
}

// Partial renders the template called name (a partial) with dot.
func (t *Templates) Partial(name string, dot any) ([]byte, error) {
	if t.fragments.Lookup(name) == nil {
		return nil, &diag.Diag{File: "templates/" + name, Message: "the file is missing: a page shows it", Fix: "add it or remove templates/ to use the built-in theme"}
	}
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufPool.Put(buf)
	if err := t.fragments.ExecuteTemplate(buf, name, dot); err != nil {
		return nil, templateDiag(err)
	}
	return bytes.Clone(buf.Bytes()), nil
}

// Card renders partials/card.html with dot.
func (t *Templates) Card(dot any) ([]byte, error) { return t.Partial(cardName, dot) }

// PartialSums is Sum for every partial, by name: the files each can run.
func (t *Templates) PartialSums() map[string]uint64 { return t.partialSums }

const cardName = "partials/card.html"

// sumOf hashes the files that the templates reachable from name, in set,
// were parsed from.
func sumOf(set *template.Template, name string, files map[string][]byte) uint64 {
	if set.Lookup(name) == nil {
		return 0
	}
	seen := map[string]bool{}
	used := map[string]bool{}
	var visit func(string)
	visit = func(name string) {
		if seen[name] {
			return
		}
		seen[name] = true
		t := set.Lookup(name)
		if t == nil || t.Tree == nil {
			return
		}
		used[t.Tree.ParseName] = true
		calls(t.Tree.Root, func(called string) { visit(called) })
	}
	visit(name)
	names := make([]string, 0, len(used))
	for n := range used {
		names = append(names, n)
	}
	sort.Strings(names)
	return filesSum(names, files)
}

// filesSum hashes the named template files, names and bytes, in order.
func filesSum(names []string, files map[string][]byte) uint64 {
	h := hashing.New()
	for _, n := range names {
		h.WriteString(n)
		h.WriteByte(0)
		h.Write(files[n])
		h.WriteByte(0)
	}
	return h.Sum()
}

// calls calls called with the name of every template node below n.
func calls(n parse.Node, called func(string)) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			calls(c, called)
		}
	case *parse.TemplateNode:
		called(n.Name)
	case *parse.IfNode:
		calls(n.List, called)
		calls(n.ElseList, called)
	case *parse.RangeNode:
		calls(n.List, called)
		calls(n.ElseList, called)
	case *parse.WithNode:
		calls(n.List, called)
		calls(n.ElseList, called)
	}
}

// templateLoc is where the template packages put the place of a problem
// in their messages, the only place they keep it: "template: NAME:LINE:
// ..." or "template: NAME:LINE:COL: ...", and "html/template:NAME:LINE:COL:
// ..." for escaping errors.
var templateLoc = regexp.MustCompile(`(?s)^(?:html/)?template: ?([^:\s]+):(\d+)(?::(\d+))?: (.*)$`)

// templateDiag is an error of the template packages as a diagnostic that
// names the file under templates/, its line and column. The packages
// give the place only inside the message, so it is read from there, once,
// where the error arises.
func templateDiag(err error) *diag.Diag {
	var he *template.Error // html/template's own errors keep their place
	if errors.As(err, &he) && he.Name != "" {
		return &diag.Diag{File: "templates/" + he.Name, Line: he.Line, Message: he.Description, Err: err}
	}
	m := templateLoc.FindStringSubmatch(err.Error())
	if m == nil {
		return &diag.Diag{Message: err.Error(), Err: err}
	}
	line, _ := strconv.Atoi(m[2])
	col, _ := strconv.Atoi(m[3])
	d := &diag.Diag{File: "templates/" + m[1], Line: line, Column: col, Message: m[4], Err: err}
	if strings.Contains(d.Message, "can't evaluate field Total in type *site.Pager") {
		// Pages are numbered from the oldest now: a theme written
		// before that needs a word on what replaced Total.
		d.Fix = "a pager has no .Total: test .Next for a page behind this one, and not .Number for the front page (README: Pages of a list keep their stories)"
	}
	return d
}

// PageError is a template that failed on one page.
type PageError struct {
	Diag diag.Diag // names the template file and line
	Path string    // the page being rendered
}

func (e *PageError) Error() string { return e.Diag.String() + " (rendering " + e.Path + ")" }

// Unwrap is the template's problem, for errors.As and errors.Is.
func (e *PageError) Unwrap() error { return &e.Diag }

// JoinPageErrors reports a template error once, not once per page it
// broke, naming a few of the pages.
func JoinPageErrors(errs []error) error {
	var order []*PageError
	pages := map[string][]string{}
	var other []error
	for _, err := range errs {
		var pe *PageError
		switch {
		case err == nil:
		case errors.As(err, &pe):
			key := pe.Diag.String()
			if _, ok := pages[key]; !ok {
				order = append(order, pe)
			}
			pages[key] = append(pages[key], pe.Path)
		default:
			other = append(other, err)
		}
	}
	for _, pe := range order {
		p := pages[pe.Diag.String()]
		where := strings.Join(p[:min(3, len(p))], ", ")
		if len(p) > 3 {
			where += fmt.Sprintf(" and %d more pages", len(p)-3)
		}
		d := pe.Diag
		d.Message += " (rendering " + where + ")"
		other = append(other, &d)
	}
	return errors.Join(other...)
}

// Funcs are the functions templates can call.
func Funcs(cfg *config.Config) template.FuncMap {
	code := cfg.Language
	return template.FuncMap{
		// relURL makes a site path a URL under the base path; absURL an absolute one.
		"relURL": cfg.RelURL,
		"absURL": cfg.AbsURL,
		// date formats a time in the site's time zone and language.
		"date": func(layout string, t time.Time) string { return lang.Format(t.In(cfg.Location), code, layout) },
		// longDate is e.g. "Senin, 28 April 2025".
		"longDate": func(t time.Time) string { return lang.Format(t.In(cfg.Location), code, "Monday, 2 January 2006") },
		// clock is the time of day as the language writes it, e.g. "14.30 WIB".
		"clock": func(t time.Time) string { return t.In(cfg.Location).Format(lang.Word(code, "clock")) },
		// isoDate is for datetime attributes.
		"isoDate": func(t time.Time) string { return t.In(cfg.Location).Format(time.RFC3339) },
		"T":       func(key string) string { return lang.Word(code, key) },
		// Tin and longDateIn are T and longDate in another language, such
		// as an article's own: {{Tin (or .Lang $.Site.Config.Language) "updated"}}.
		"Tin": lang.Word,
		"longDateIn": func(code string, t time.Time) string {
			return lang.Format(t.In(cfg.Location), code, "Monday, 2 January 2006")
		},
		// jsonLD is the page's structured data, for a
		// <script type="application/ld+json"> element.
		"jsonLD": schema.JSONLD,
		// truncate shortens s to at most n characters, at a word boundary.
		"truncate": Truncate,
		"add":      func(a, b int) int { return a + b },
	}
}

// Truncate shortens s to at most n runes, cutting at a space and adding "…".
func Truncate(n int, s string) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	cut := r[:n]
	// Unless the cut already ends a word, go back to the last space, if
	// that keeps more than half.
	if unicode.IsLetter(r[n]) || unicode.IsDigit(r[n]) {
		for i := n - 1; i > n/2; i-- {
			if cut[i] == ' ' {
				cut = cut[:i]
				break
			}
		}
	}
	return strings.TrimRight(string(cut), " ,.;:") + "…"
}
