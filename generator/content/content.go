// Package content reads articles: Markdown files with YAML (---) or TOML
// (+++) front matter. It turns one file's bytes into a typed Article and
// reports every problem as path:line: what is wrong: what to do.
// It knows nothing of the site's pages, templates or output.
package content

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gosimple/slug"

	"github.com/kabar-news/kabar/generator/diag"
	"github.com/kabar-news/kabar/generator/markdown"
	"github.com/kabar-news/kabar/generator/shortcode"
)

// Article is one parsed Markdown file.
type Article struct {
	// File is the path below content/, slash-separated, e.g. "dunia/x.md".
	File string

	Title       string
	Date        time.Time
	Updated     time.Time // zero when the front matter has none
	Slug        string
	Summary     string // plain text
	Authors     []string
	Source      string // the outlet, e.g. RIAU24.COM
	SourceURL   string // the original report
	Via         string // an agency the source cites, e.g. Antara
	Section     string
	Tags        []string
	Image       string
	ImageAlt    string // what the lead image shows, for readers who cannot see it
	ImageLine   int    // the front matter line of image, for errors about the file
	Lang        string // empty means the site's language
	Draft       bool
	Featured    bool           // the editor's pick for the front page's lead story
	Corrections []Correction   // oldest first
	Params      map[string]any // every front matter field, by lower-case name
	Content     template.HTML  // the body, rendered
	Words       int
	ReadingTime int // minutes, at least 1
	// Links are source_url and the body's links and images, with their
	// lines in the file.
	Links []markdown.Link

	// LinkTags are the body's links to other articles ({% post_url %},
	// {{< ref >}}...), which only the whole site can resolve: Content
	// holds a token for each, with the prefix LinkMark, until
	// shortcode.Links puts their URLs in.
	LinkTags []shortcode.Link
	LinkMark string
	// Warnings are the body's tags shown as they are.
	Warnings []*Error
}

// Error is a problem in one content file: a diagnostic, with the file
// relative to the site root (content/dunia/x.md). Its Err is the kind of
// problem (ErrNoFrontMatter) or the error of the file system underneath,
// for errors.Is.
type Error = diag.Diag

// ErrNoFrontMatter is the kind of Error of a file that does not start
// with front matter.
var ErrNoFrontMatter = errors.New("no front matter")

// readAll is io.ReadAll starting with a buffer of size bytes.
func readAll(r io.Reader, size int) ([]byte, error) {
	b := make([]byte, 0, size)
	for {
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
	}
}

// ReadFile reads the article name from fsys, refusing a file larger than
// MaxFileSize without reading all of it. Errors name it as displayPath.
func ReadFile(fsys fs.FS, name, displayPath string) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err // the path is displayPath's
		}
		return nil, &Error{File: displayPath, Message: err.Error(), Err: err}
	}
	defer f.Close()
	size := int64(512)
	if fi, err := f.Stat(); err == nil {
		if fi.Size() > MaxFileSize {
			return nil, tooBig(displayPath, fi.Size())
		}
		size = fi.Size() + 1 // one more, to see the end at once
	}
	// Read into a buffer of the file's size: a build reads every
	// article, and growing a buffer as io.ReadAll does costs more than
	// the read.
	data, err := readAll(io.LimitReader(f, MaxFileSize+1), int(size))
	if err != nil {
		return nil, &Error{File: displayPath, Message: err.Error(), Err: err}
	}
	if len(data) > MaxFileSize {
		return nil, tooBig(displayPath, int64(len(data)))
	}
	return data, nil
}

func tooBig(displayPath string, size int64) error {
	return &Error{File: displayPath, Message: fmt.Sprintf("the file is %.1f MB, more than the %d MB an article may be", float64(size)/(1<<20), MaxFileSize>>20),
		Fix: "split it into several articles (if it is not an article, move it out of content/)"}
}

// Options are the site settings parsing depends on.
type Options struct {
	Location *time.Location
	Markdown *markdown.Renderer
	BasePath string // the site's, for {{ site.baseurl }}; "" is "/"
}

// MaxFileSize bounds one article; larger files are refused, not half
// read. A long feature is some 100 KB; 1 MiB is a book, and keeps the
// parse of the worst Markdown under the limits of package markdown to a
// few seconds.
const MaxFileSize = 1 << 20

// JekyllName is a Jekyll post's file name, without its extension: its
// date, then its slug. Jekyll reads a month or day without a leading
// zero, so it is read.
var JekyllName = regexp.MustCompile(`^(\d{4}-\d{1,2}-\d{1,2})-(.*)$`)

// IsArticleFile reports whether a file of this base name below content/
// is an article: .md or .markdown in any case, and not a name starting
// with _ (content/_index.md, a Jekyll _draft) or . (an editor's file).
func IsArticleFile(name string) bool {
	ext := strings.ToLower(path.Ext(name))
	return (ext == ".md" || ext == ".markdown") && !strings.HasPrefix(name, "_") && !strings.HasPrefix(name, ".")
}

// Parse turns one file into an Article. file is its path below content/;
// errors name it as displayPath (e.g. "content/dunia/x.md").
func Parse(file, displayPath string, data []byte, opt Options) (*Article, error) {
	if len(data) > MaxFileSize {
		return nil, tooBig(displayPath, int64(len(data)))
	}
	data = newlines(data)
	if !utf8.Valid(data) {
		line := 1 + bytes.Count(data[:firstInvalid(data)], []byte("\n"))
		return nil, &Error{File: displayPath, Line: line, Message: "the file is not valid UTF-8 text",
			Fix: "save it as UTF-8 (if it is not a text file, move it out of content/)"}
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return nil, &Error{File: displayPath, Line: 1 + bytes.Count(data[:i], []byte("\n")), Message: "the file contains NUL bytes, so it is not a text file",
			Fix: "move binary files out of content/ (images belong in static/)"}
	}
	if len(bytes.TrimSpace(bytes.TrimPrefix(data, bom))) == 0 {
		return nil, &Error{File: displayPath, Line: 1, Message: "the file is empty",
			Fix: "write the article (front matter with title: and date:, then the text), or delete the file"}
	}
	fm, format, fmLine, body, bodyLine, err := split(displayPath, data)
	if err != nil {
		return nil, err
	}
	fields, err := parseFields(displayPath, format, fm, fmLine)
	if err != nil {
		return nil, err
	}
	a := &Article{File: file, Params: map[string]any{}}
	for k, f := range fields {
		a.Params[k] = f.value
	}
	var errs []error
	str := func(key string) string {
		f, ok := fields[key]
		if !ok || f.value == nil {
			return ""
		}
		switch v := f.value.(type) {
		case string:
			return strings.TrimSpace(v)
		case int, int64, uint64, float64, bool:
			return fmt.Sprint(v)
		}
		errs = append(errs, &Error{File: displayPath, Line: f.line, Message: fmt.Sprintf("%s must be text, not %s", key, kindOf(f.value)),
			Fix: fmt.Sprintf("write it as %s: \"...\"", key)})
		return ""
	}
	list := func(keys ...string) []string {
		for _, key := range keys {
			f, ok := fields[key]
			if !ok || f.value == nil {
				continue
			}
			switch v := f.value.(type) {
			case string:
				var out []string
				for _, s := range strings.Split(v, ",") {
					if s = strings.TrimSpace(s); s != "" {
						out = append(out, s)
					}
				}
				return out
			case []any:
				out := make([]string, 0, len(v))
				for _, e := range v {
					switch e := e.(type) {
					case string:
						if e = strings.TrimSpace(e); e != "" {
							out = append(out, e)
						}
					case int, int64, uint64, float64:
						out = append(out, fmt.Sprint(e))
					default:
						errs = append(errs, &Error{File: displayPath, Line: f.line, Message: fmt.Sprintf("%s must be a list of words, but one item is %s", key, kindOf(e)),
							Fix: fmt.Sprintf("write it as %s: [first, second]", key)})
						return nil
					}
				}
				return out
			default:
				errs = append(errs, &Error{File: displayPath, Line: f.line, Message: fmt.Sprintf("%s must be a list of words, not %s", key, kindOf(f.value)),
					Fix: fmt.Sprintf("write it as %s: [first, second]", key)})
				return nil
			}
		}
		return nil
	}

	nerr := len(errs)
	if a.Title = str("title"); a.Title == "" && len(errs) == nerr {
		errs = append(errs, &Error{File: displayPath, Line: fmLine, Message: "the title is missing", Fix: "add a line title: \"...\" to the front matter"})
	}
	base := strings.TrimSuffix(path.Base(file), path.Ext(file))
	if base == "index" && path.Dir(file) != "." {
		base = path.Base(path.Dir(file)) // a Hugo page bundle: dunia/my-story/index.md
	}
	nameDate := ""
	if m := JekyllName.FindStringSubmatch(base); m != nil {
		nameDate, base = m[1], m[2]
	}
	nerr = len(errs)
	// Hugo writes publishDate where the date of writing and of publishing differ.
	dateKey := firstKey(fields, "date", "publishdate", "pubdate")
	if raw := str(dateKey); raw != "" {
		t, err := ParseDate(raw, opt.Location)
		if err != nil {
			msg, fix := dateMsg(dateKey, raw, err)
			errs = append(errs, &Error{File: displayPath, Line: fields[dateKey].line, Message: msg, Fix: fix})
		}
		a.Date = t
	} else if nameDate != "" {
		// An empty date: field falls back to the file name's date too.
		var err error
		if a.Date, err = ParseDate(nameDate, opt.Location); err != nil {
			errs = append(errs, &Error{File: displayPath, Message: fmt.Sprintf("the file name's date %s is not a real date", nameDate),
				Fix: "rename the file, or add a line date: 2025-04-28 to the front matter"})
		}
	} else if len(errs) == nerr {
		errs = append(errs, &Error{File: displayPath, Line: fmLine, Message: "the date is missing",
			Fix: "add a line date: 2025-04-28T14:30:00+07:00 to the front matter (or name the file 2025-04-28-title.md)"})
	}
	// Hugo calls it lastmod, Jekyll plugins last_modified_at.
	updKey := firstKey(fields, "updated", "lastmod", "last_modified_at", "modified")
	if f, ok := fields[updKey]; ok {
		if raw := str(updKey); raw != "" {
			t, err := ParseDate(raw, opt.Location)
			if err != nil {
				msg, fix := dateMsg(updKey, raw, err)
				errs = append(errs, &Error{File: displayPath, Line: f.line, Message: msg, Fix: fix})
			}
			a.Updated = t
		}
	}

	slugField := str("slug")
	switch s := slugField; {
	case s != "":
		if a.Slug = Slugify(s); a.Slug == "" {
			errs = append(errs, &Error{File: displayPath, Line: fields["slug"].line, Message: fmt.Sprintf("slug %q has no letters or digits to make a URL of", s),
				Fix: "write it with letters or digits, such as slug: rupiah-menguat"})
		}
	case base != "":
		a.Slug = Slugify(base)
	}
	if a.Slug == "" {
		a.Slug = Slugify(a.Title)
	}
	if a.Slug == "" && a.Title != "" && slugField == "" {
		errs = append(errs, &Error{File: displayPath, Line: fmLine, Message: "no URL slug can be made from the file name or title",
			Fix: "add a line slug: some-words to the front matter"})
	}

	a.Authors = list("authors", "author")
	a.Source = str("source")
	a.SourceURL = str("source_url")
	a.Via = str("via")
	a.Section = str("section")
	if a.Section == "" {
		a.Section = str("category")
	}
	if a.Section == "" {
		if cats := list("categories"); len(cats) > 0 {
			a.Section = cats[0]
		}
	}
	a.Tags = dedupe(list("tags"))
	a.Image = str("image")
	if a.Image == "" {
		if images := list("images"); len(images) > 0 { // Hugo's list of images
			a.Image = images[0]
		}
	}
	if a.Image != "" {
		a.ImageLine = fields[firstKey(fields, "image", "images")].line
	}
	a.ImageAlt = str("image_alt")
	// A typed field: the lead image's alt belongs with the image, whose
	// change re-renders only the pages that show it.
	delete(a.Params, "image_alt")
	a.Lang = str("lang")
	// Values that become links or attributes must be what they claim, so
	// that no javascript: or data: address reaches a page.
	if a.SourceURL != "" && !isWebURL(a.SourceURL) {
		errs = append(errs, &Error{File: displayPath, Line: fields["source_url"].line, Message: fmt.Sprintf("source_url %q is not a web address", a.SourceURL),
			Fix: "write the full address of the original report, starting with https://"})
	}
	if a.Image != "" && !isImageURL(a.Image) {
		key := firstKey(fields, "image", "images")
		errs = append(errs, &Error{File: displayPath, Line: fields[key].line, Message: fmt.Sprintf("%s %q is not an image address", key, a.Image),
			Fix: "write a path such as /img/photo.jpg (a file under static/) or an address starting with https://"})
	}
	if a.Lang != "" && !langCode.MatchString(a.Lang) {
		errs = append(errs, &Error{File: displayPath, Line: fields["lang"].line, Message: fmt.Sprintf("lang %q is not a language code", a.Lang),
			Fix: "write a code such as id, en or zh-Hans"})
	}
	if f, ok := fields["draft"]; ok {
		switch v := f.value.(type) {
		case bool:
			a.Draft = v
		case nil:
		default:
			errs = append(errs, &Error{File: displayPath, Line: f.line, Message: fmt.Sprintf("draft must be true or false, not %v", v),
				Fix: "write draft: true or draft: false"})
		}
	}
	if f, ok := fields["featured"]; ok {
		switch v := f.value.(type) {
		case bool:
			a.Featured = v
		case nil:
		default:
			errs = append(errs, &Error{File: displayPath, Line: f.line, Message: fmt.Sprintf("featured must be true or false, not %v", v),
				Fix: "write featured: true to make the article the front page's lead story, or leave the line out"})
		}
	}
	if f, ok := fields["published"]; ok { // Jekyll's way to hold a post back
		if v, isBool := f.value.(bool); isBool && !v {
			a.Draft = true
		}
	}
	var cerrs []error
	a.Corrections, cerrs = parseCorrections(displayPath, fields, a, opt.Location)
	errs = append(errs, cerrs...)
	summary := str("summary")
	if summary == "" {
		summary = str("description")
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}

	res, x, err := convert(displayPath, body, bodyLine, opt)
	if err != nil {
		return nil, err
	}
	a.Content = res.HTML
	a.Words = res.Words
	for i := range res.Links {
		res.Links[i].Line += bodyLine - 1
	}
	if a.SourceURL != "" {
		// The page links to the source too, and such links die first.
		f := fields[firstKey(fields, "source_url")]
		a.Links = append(a.Links, markdown.Link{Dest: a.SourceURL, Line: f.line, Column: 1})
	}
	a.Links = append(a.Links, res.Links...)
	a.ReadingTime = max(1, (res.Words+199)/200)
	switch {
	case summary != "":
		a.Summary = summary
	case res.HasMore:
		a.Summary = res.More
	default:
		a.Summary = res.FirstParagraph
	}
	if x != nil {
		a.Content = template.HTML(x.Fill(string(a.Content)))
		a.Summary = strings.Join(strings.Fields(x.Plain(a.Summary)), " ")
		a.LinkTags, a.LinkMark = x.Links, x.Mark
		for i := range a.LinkTags {
			a.LinkTags[i].Line += bodyLine - 1 // a line of the file
		}
		// A link tag leaves a token where Markdown had an address; the
		// site resolves those, so the link check must not see them.
		a.Links = slices.DeleteFunc(a.Links, func(l markdown.Link) bool { return strings.Contains(l.Dest, x.Mark) })
		for _, w := range x.Warnings {
			a.Warnings = append(a.Warnings, &Error{File: displayPath, Line: bodyLine + w.Line - 1, Message: w.Msg, Fix: w.Fix})
		}
	}
	return a, nil
}

// errNoSuchDay is a date of the right form that no calendar has.
var errNoSuchDay = errors.New("no calendar has that day or time")

// dateMsg says what is wrong with the date raw of field key, and how to
// write it.
func dateMsg(key, raw string, err error) (msg, fix string) {
	if errors.Is(err, errNoSuchDay) {
		return fmt.Sprintf("%s %q is not a day or time that exists", key, raw),
			"check the month, day and time: a month has 28 to 31 days, an hour is 0 to 23"
	}
	return fmt.Sprintf("%s %q is not a date I can read", key, raw),
		"write it as 2025-04-28, 2025-04-28 14:30, 2025-04-28T14:30:00+07:00 or Mon, 28 Apr 2025 14:30:00 +0700"
}

// isWebURL reports whether s is an absolute http or https address.
func isWebURL(s string) bool {
	// url.Parse lets control characters through in a fragment.
	if strings.ContainsFunc(s, func(r rune) bool { return r < ' ' || r == 0x7f }) {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Hostname() != "" // not only a user or a port
}

// isImageURL reports whether s is a web address or a path on the site
// (relative or absolute), not an address with another scheme.
func isImageURL(s string) bool {
	u, err := url.Parse(s)
	if err != nil {
		return false
	}
	if u.Scheme == "" {
		return !strings.ContainsAny(s, "\\\x00")
	}
	return isWebURL(s)
}

// langCode matches BCP 47 language tags such as id, en-GB or zh-Hans.
var langCode = regexp.MustCompile(`^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$`)

// firstKey returns the first of keys that fields has, else the first key.
func firstKey(fields map[string]field, keys ...string) string {
	for _, k := range keys {
		if _, ok := fields[k]; ok {
			return k
		}
	}
	return keys[0]
}

// convert renders a body that starts on line bodyLine of the file: its
// Jekyll and Hugo tags first (x is nil when it has none), then Markdown.
func convert(displayPath string, body []byte, bodyLine int, opt Options) (markdown.Result, *shortcode.Result, error) {
	limitErr := func(err error) error {
		var le *markdown.LimitError
		if errors.As(err, &le) {
			return &Error{File: displayPath, Line: bodyLine + le.Line - 1, Message: le.Msg, Fix: le.Fix}
		}
		return &Error{File: displayPath, Line: bodyLine, Message: "the Markdown could not be rendered: " + err.Error()}
	}
	var x *shortcode.Result
	if shortcode.Has(body) {
		code, err := opt.Markdown.CodeRanges(body)
		if err != nil {
			return markdown.Result{}, nil, limitErr(err)
		}
		x = shortcode.Expand(body, shortcode.Options{BasePath: cmp.Or(opt.BasePath, "/"), Code: code})
		body = x.Src
	}
	res, err := opt.Markdown.Convert(body)
	if err != nil {
		return res, nil, limitErr(err)
	}
	return res, x, nil
}

// Slugify makes a lower-case ASCII URL segment from any text, transliterating
// other scripts. The result never contains '/' or '.', so it cannot climb
// out of the output folder.
func Slugify(s string) string {
	out := slug.MakeLang(s, "en")
	out = strings.Trim(strings.ReplaceAll(out, ".", "-"), "-_")
	if len(out) > 120 {
		out = strings.TrimRight(out[:120], "-_")
	}
	return out
}

// ParseDate reads the date forms Hugo and Jekyll users write: RFC 3339
// and its cousins with a space or without seconds, a month or day without
// a leading zero (2024-4-9, as Jekyll reads it), and RFC 1123 as feeds
// and exporters write it (Tue, 09 Apr 2024 10:00:00 +0700). A date without
// an offset is read in loc.
func ParseDate(s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	var rangeErr error
	try := func(layout string, in *time.Location) (time.Time, bool) {
		t, err := time.ParseInLocation(layout, s, in)
		var pe *time.ParseError
		if errors.As(err, &pe) && strings.Contains(pe.Message, "out of range") {
			rangeErr = err
		}
		return t, err == nil
	}
	for _, layout := range withOffset {
		if t, ok := try(layout, time.UTC); ok {
			return t, nil
		}
	}
	for _, layout := range withoutOffset {
		if t, ok := try(layout, loc); ok {
			return t, nil
		}
	}
	if rangeErr != nil {
		return time.Time{}, fmt.Errorf("%q has the form of a date, but %w", s, errNoSuchDay)
	}
	return time.Time{}, fmt.Errorf("unknown date form %q", s)
}

// The layouts ParseDate tries. "1" and "2" read one digit or two.
var (
	withOffset = []string{
		"2006-1-2T15:04:05Z07:00", "2006-1-2 15:04:05Z07:00", "2006-1-2 15:04:05 Z07:00", "2006-1-2 15:04:05 -0700",
		"2006-1-2T15:04:05-0700", "2006-1-2 15:04 -0700", "2006-1-2 15:04 Z07:00", "2006-1-2T15:04Z07:00",
		time.RFC1123Z, "Mon, 2 Jan 2006 15:04:05 -0700", "Mon, 2 Jan 2006 15:04 -0700", "2 Jan 2006 15:04:05 -0700",
		"Mon, 2 Jan 2006 15:04:05 GMT", "Mon, 2 Jan 2006 15:04:05 UTC",
	}
	withoutOffset = []string{"2006-1-2T15:04:05", "2006-1-2 15:04:05", "2006-1-2T15:04", "2006-1-2 15:04", "2006-1-2"}
)

func kindOf(v any) string {
	switch v.(type) {
	case []any:
		return "a list"
	case map[string]any:
		return "a group of fields"
	case int, int64, uint64, float64:
		return "a number"
	case bool:
		return "true/false"
	}
	return fmt.Sprintf("%T", v)
}

func dedupe(in []string) []string {
	seen := map[string]bool{}
	out := in[:0]
	for _, s := range in {
		k := strings.ToLower(s)
		if !seen[k] {
			seen[k] = true
			out = append(out, s)
		}
	}
	return out
}

// newlines turns Windows (CRLF) and old Mac (CR) line ends into '\n',
// the one line end the rest of parsing knows.
func newlines(data []byte) []byte {
	if bytes.IndexByte(data, '\r') < 0 {
		return data
	}
	data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
	return bytes.ReplaceAll(data, []byte("\r"), []byte("\n"))
}

func firstInvalid(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return len(b)
}

// Body returns the text after the front matter, or all of data when it
// has none (as content/_index.md may).
func Body(displayPath string, data []byte) ([]byte, error) {
	if !utf8.Valid(data) {
		return nil, &Error{File: displayPath, Message: "the file is not valid UTF-8 text", Fix: "save it as UTF-8"}
	}
	data = newlines(data)
	_, _, _, body, _, err := split(displayPath, data)
	if err != nil {
		if errors.Is(err, ErrNoFrontMatter) {
			return data, nil
		}
		return nil, err
	}
	return body, nil
}
