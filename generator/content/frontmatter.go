package content

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"
	"go.yaml.in/yaml/v4"
)

// bom is the UTF-8 byte order mark some editors write first.
var bom = []byte("\xef\xbb\xbf")

// field is one front matter value with the file line it was written on.
type field struct {
	value any
	line  int
	// items holds, for a YAML list, the line of each item ("") and of
	// the fields of items that are groups, by lower-case name, so that a
	// bad item names its own line.
	items []map[string]int
}

// split cuts the front matter off data. It returns the front matter text,
// its format ("yaml" or "toml"), the line of the file its first line is on,
// the body, and the line the body starts on, so that later errors still
// point at the right line of the file.
func split(path string, data []byte) (fm []byte, format string, fmLine int, body []byte, bodyLine int, err error) {
	data = bytes.TrimPrefix(data, bom)
	first, rest, _ := bytes.Cut(data, []byte("\n"))
	delim := string(bytes.TrimRight(first, " \t\r"))
	switch delim {
	case "---":
		format = "yaml"
	case "+++":
		format = "toml"
	default:
		if topField.Match(first) {
			return nil, "", 0, nil, 0, &Error{File: path, Line: 1, Err: ErrNoFrontMatter,
				Message: "the front matter's opening '---' is missing: the file starts with a field",
				Fix:     "add a line '---' before the first field (and one after the last, if it is missing too)"}
		}
		return nil, "", 0, nil, 0, &Error{File: path, Line: 1, Err: ErrNoFrontMatter,
			Message: "no front matter",
			Fix:     "start the file with a line '---', then 'title:' and 'date:', then another '---' (or use '+++' for TOML)"}
	}
	line := 2
	off := 0
	for off < len(rest) {
		l := rest[off:]
		if i := bytes.IndexByte(l, '\n'); i >= 0 {
			l = l[:i+1]
		}
		if string(bytes.TrimRight(l, " \t\r\n")) == delim {
			fm = bytes.TrimSuffix(rest[:off], []byte("\n"))
			return fm, format, 2, rest[off+len(l):], line + 1, nil
		}
		off += len(l)
		line++
	}
	return nil, "", 0, nil, 0, &Error{File: path, Line: 1,
		Message: fmt.Sprintf("the front matter opened with %q is never closed", delim),
		Fix:     fmt.Sprintf("add a line %q after the last front matter field", delim)}
}

// parseFields decodes front matter into top-level fields with their lines.
// Field names are case-insensitive, so "Title" and "title" are one field
// and writing both is an error, as writing one twice is.
func parseFields(path, format string, fm []byte, fmLine int) (map[string]field, error) {
	if format == "toml" {
		return parseTOML(path, fm, fmLine)
	}
	return parseYAML(path, fm, fmLine)
}

// addField records one field, refusing a second field of the same name.
func addField(out map[string]field, path, key string, value any, line int) error {
	k := strings.ToLower(key)
	if first, ok := out[k]; ok {
		return &Error{File: path, Line: line, Message: fmt.Sprintf("field %q is written twice (first on line %d)", k, first.line),
			Fix: "remove one of them"}
	}
	out[k] = field{value: value, line: line}
	return nil
}

func parseYAML(path string, fm []byte, fmLine int) (map[string]field, error) {
	out := map[string]field{}
	if len(bytes.TrimSpace(fm)) == 0 {
		return out, nil
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(fm, &doc); err != nil {
		return nil, yamlError(path, fm, err, fmLine)
	}
	if len(doc.Content) == 0 {
		return out, nil
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, &Error{File: path, Line: fmLine + max(root.Line, 1) - 1,
			Message: "the front matter is not a list of 'key: value' fields",
			Fix:     "write one field per line, such as 'title: My title'"}
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		line := fmLine + k.Line - 1
		if k.Kind != yaml.ScalarNode {
			return nil, &Error{File: path, Line: line, Message: "a field name is not a single word",
				Fix: "write one field per line, such as 'title: My title'"}
		}
		var val any
		if correctionKeys[strings.ToLower(k.Value)] {
			asText(v) // its dates are read by our rules, in the site's time zone
		}
		if err := v.Decode(&val); err != nil {
			return nil, yamlError(path, fm, err, fmLine)
		}
		// A timestamp-looking scalar stays text: dates are read by our
		// own rules, in the site's time zone.
		if v.Kind == yaml.ScalarNode && v.Tag == "!!timestamp" {
			val = v.Value
		}
		if err := addField(out, path, k.Value, val, line); err != nil {
			return nil, err
		}
		if v.Kind == yaml.SequenceNode {
			f := out[strings.ToLower(k.Value)]
			f.items = itemLines(v, fmLine)
			out[strings.ToLower(k.Value)] = f
		}
	}
	return out, nil
}

// itemLines are the lines of a list's items and of their fields.
func itemLines(list *yaml.Node, fmLine int) []map[string]int {
	out := make([]map[string]int, len(list.Content))
	for i, it := range list.Content {
		m := map[string]int{"": fmLine + it.Line - 1}
		if it.Kind == yaml.MappingNode {
			for j := 0; j+1 < len(it.Content); j += 2 {
				m[strings.ToLower(it.Content[j].Value)] = fmLine + it.Content[j].Line - 1
			}
		}
		out[i] = m
	}
	return out
}

// asText makes the timestamps below n plain text.
func asText(n *yaml.Node) {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!timestamp" {
		n.Tag = "!!str"
	}
	for _, c := range n.Content {
		asText(c)
	}
}

// yamlError turns a YAML library error into one that names the line of
// the file to fix. A list, group or quote that is never closed is
// reported where it opens, not where the parser gave up.
func yamlError(path string, fm []byte, err error, fmLine int) error {
	const fix = "fix the YAML syntax (check indentation, and quote values that contain ': ' or start with a special character)"
	var le *yaml.LoadError
	if !errors.As(err, &le) {
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		return &Error{File: path, Line: fmLine, Message: "bad YAML front matter: " + msg, Fix: fix}
	}
	line := fmLine + max(le.Mark.Line, 1) - 1
	opened := fmLine + max(le.ContextMark.Line, 1) - 1
	if n, msg, f := yamlCause(fm, max(le.Mark.Line, 1)); n > 0 {
		return &Error{File: path, Line: fmLine + n - 1, Message: msg, Fix: f}
	}
	msg, f := le.Message, fix
	switch {
	case strings.Contains(le.ContextMsg, "flow sequence"):
		line = opened
		msg = "the list [...] that starts on this line is not closed, or an item in it lacks a comma (" + msg + ")"
		f = "close the list with ']' and separate its items with commas; quote items that contain ',' or ']'"
	case strings.Contains(le.ContextMsg, "flow mapping"):
		line = opened
		msg = "the group {...} that starts on this line is not closed, or a field in it lacks a comma (" + msg + ")"
		f = "close the group with '}' and separate its fields with commas"
	case strings.Contains(le.ContextMsg, "quoted scalar"):
		line = opened
		msg = "the quote that opens on this line is never closed (" + msg + ")"
		f = "end the value with the same quote mark it starts with; inside \"...\" write \\\" for a quote"
	case strings.Contains(msg, "tab character"):
		f = "indent with spaces, not tabs"
	}
	return &Error{File: path, Line: line, Message: "bad YAML front matter: " + msg, Fix: f}
}

// topField is a top-level "key: value" line of YAML front matter.
var topField = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_-]*):[ \t]+(.*?)[ \t]*$`)

// yamlCause finds, in the lines of fm up to the one where the parser gave
// up (from 1), the common mistake that made it give up, and says it in a
// writer's words: a quote never closed (the parser stops only where a
// later quote confuses it), a quote closed before the value ends, a ': '
// in an unquoted value, a tab. It returns the line the mistake is on, or 0.
func yamlCause(fm []byte, upTo int) (line int, msg, fix string) {
	lines := strings.Split(string(fm), "\n")
	for i := 0; i < len(lines) && i < upTo; i++ {
		l := strings.TrimRight(lines[i], "\r")
		if strings.HasPrefix(l, "\t") {
			return i + 1, "this line starts with a tab, and YAML indents with spaces only", "replace the tab with spaces (or remove it for a field of its own)"
		}
		m := topField.FindStringSubmatch(l)
		if m == nil || m[2] == "" {
			continue
		}
		key, v := m[1], m[2]
		switch q := v[0]; q {
		case '"', '\'':
			end := closingQuote(v, q)
			example := fmt.Sprintf("%s: %q", key, strings.Trim(v, `"'`))
			// A quoted value may go on over indented lines; one followed
			// by the next field was meant to end on its line.
			next := ""
			if i+1 < len(lines) {
				next = lines[i+1]
			}
			if end < 0 && (next == "" || topField.MatchString(next)) {
				if q == '\'' {
					example = key + ": '" + strings.Trim(v, `"'`) + "'"
				}
				return i + 1, fmt.Sprintf("the %s's quote is not closed: the value starts with %c and the line ends without one", key, q),
					fmt.Sprintf("end the value with %c, e.g. %s", q, example)
			}
			if end < 0 {
				continue
			}
			if rest := strings.TrimSpace(v[end+1:]); rest != "" && !strings.HasPrefix(rest, "#") {
				return i + 1, fmt.Sprintf("the %s's quote closes before the value ends (after %s), so %s is left over", key, v[:end+1], rest),
					fmt.Sprintf("write a quote inside a value as \\\" (%s), or put the value in single quotes", example)
			}
		case '[', '{', '|', '>', '&', '*', '!', '#':
		default:
			if strings.Contains(v, ": ") && i+1 == upTo {
				return i + 1, fmt.Sprintf("the value of %s holds ': ', which YAML reads as the start of another field", key),
					fmt.Sprintf("put the value in quotes: %s: %q", key, v)
			}
		}
	}
	return 0, "", ""
}

// closingQuote is the index of the quote q that ends the quoted value v
// (v[0] is q), or -1: in "..." a backslash escapes, in '...' a doubled ”.
func closingQuote(v string, q byte) int {
	for i := 1; i < len(v); i++ {
		switch {
		case q == '"' && v[i] == '\\':
			i++
		case v[i] == q && q == '\'' && i+1 < len(v) && v[i+1] == '\'':
			i++
		case v[i] == q:
			return i
		}
	}
	return -1
}

func parseTOML(path string, fm []byte, fmLine int) (map[string]field, error) {
	raw := map[string]any{}
	if err := toml.Unmarshal(fm, &raw); err != nil {
		line := fmLine
		msg := err.Error()
		var de *toml.DecodeError
		if errors.As(err, &de) {
			row, _ := de.Position()
			line = fmLine + row - 1
		}
		return nil, &Error{File: path, Line: line, Message: "bad TOML front matter: " + strings.TrimPrefix(msg, "toml: "),
			Fix: "fix the TOML syntax (strings need quotes, lists are written [\"a\", \"b\"])"}
	}
	lines := tomlKeyLines(fm)
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	// Sorted by line, so that of two names differing in case the later
	// one is reported.
	sort.Slice(keys, func(i, j int) bool {
		if lines[keys[i]] != lines[keys[j]] {
			return lines[keys[i]] < lines[keys[j]]
		}
		return keys[i] < keys[j]
	})
	out := map[string]field{}
	for _, k := range keys {
		v := raw[k]
		switch d := v.(type) {
		case toml.LocalDate:
			v = d.String()
		case toml.LocalDateTime:
			v = strings.Replace(d.String(), "T", " ", 1)
		case toml.LocalTime:
			v = d.String()
		case time.Time:
			v = d.Format(time.RFC3339Nano)
		}
		if err := addField(out, path, k, v, fmLine+max(lines[k], 1)-1); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// tomlKeyLines finds the line (1-based, within fm) of each top-level key:
// TOML decoding loses positions. It reads fm once, so many keys cost no
// more than a scan.
func tomlKeyLines(fm []byte) map[string]int {
	var starts []int // offsets where lines start
	starts = append(starts, 0)
	for i, b := range fm {
		if b == '\n' {
			starts = append(starts, i+1)
		}
	}
	lineOf := func(off int) int { return sort.SearchInts(starts, off+1) }
	out := map[string]int{}
	var p unstable.Parser
	p.Reset(fm)
	inTable := false
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			inTable = true
		case unstable.KeyValue:
			if inTable {
				continue // a key of a table, not a top-level one
			}
		default:
			continue
		}
		it := e.Key()
		if !it.Next() {
			continue
		}
		k := it.Node()
		if _, ok := out[string(k.Data)]; !ok {
			out[string(k.Data)] = lineOf(int(k.Raw.Offset))
		}
	}
	return out
}
