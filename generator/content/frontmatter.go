package content

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/pelletier/go-toml/v2"
	"go.yaml.in/yaml/v3"
)

// field is one front matter value with the file line it was written on.
type field struct {
	value any
	line  int
}

// split cuts the front matter off data. It returns the front matter text,
// its format ("yaml" or "toml"), the line of the file its first line is on,
// the body, and the line the body starts on, so that later errors still
// point at the right line of the file.
func split(path string, data []byte) (fm []byte, format string, fmLine int, body []byte, bodyLine int, err error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // UTF-8 BOM
	first, rest, _ := bytes.Cut(data, []byte("\n"))
	delim := string(bytes.TrimRight(first, " \t\r"))
	switch delim {
	case "---":
		format = "yaml"
	case "+++":
		format = "toml"
	default:
		return nil, "", 0, nil, 0, &Error{Path: path, Line: 1,
			Msg: "no front matter",
			Fix: "start the file with a line '---', then 'title:' and 'date:', then another '---' (or use '+++' for TOML)"}
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
	return nil, "", 0, nil, 0, &Error{Path: path, Line: 1,
		Msg: fmt.Sprintf("the front matter opened with %q is never closed", delim),
		Fix: fmt.Sprintf("add a line %q after the last front matter field", delim)}
}

var yamlLineRE = regexp.MustCompile(`line (\d+)`)

// parseFields decodes front matter into top-level fields with their lines.
func parseFields(path, format string, fm []byte, fmLine int) (map[string]field, error) {
	if format == "toml" {
		return parseTOML(path, fm, fmLine)
	}
	return parseYAML(path, fm, fmLine)
}

func parseYAML(path string, fm []byte, fmLine int) (map[string]field, error) {
	out := map[string]field{}
	if len(bytes.TrimSpace(fm)) == 0 {
		return out, nil
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(fm, &doc); err != nil {
		return nil, yamlError(path, err, fmLine)
	}
	if len(doc.Content) == 0 {
		return out, nil
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, &Error{Path: path, Line: fmLine + root.Line - 1,
			Msg: "the front matter is not a list of 'key: value' fields",
			Fix: "write one field per line, such as 'title: My title'"}
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		line := fmLine + k.Line - 1
		var val any
		if err := v.Decode(&val); err != nil {
			return nil, yamlError(path, err, fmLine)
		}
		// A timestamp-looking scalar stays text: dates are read by our
		// own rules, in the site's time zone.
		if v.Kind == yaml.ScalarNode && v.Tag == "!!timestamp" {
			val = v.Value
		}
		out[strings.ToLower(k.Value)] = field{value: val, line: line}
	}
	return out, nil
}

func yamlError(path string, err error, fmLine int) error {
	msg := err.Error()
	line := fmLine
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		line = fmLine + n - 1
		msg = yamlLineRE.ReplaceAllString(msg, "")
	}
	msg = strings.TrimPrefix(msg, "yaml: ")
	msg = strings.TrimSpace(strings.Trim(strings.TrimSpace(msg), ":"))
	msg = strings.ReplaceAll(msg, " :", ":")
	fix := "fix the YAML syntax (check indentation, and quote values that contain ': ' or start with a special character)"
	if strings.Contains(msg, "already defined") {
		fix = "remove one of the duplicate fields"
		// Point at the duplicate, not at the first one.
		if m := regexp.MustCompile(`mapping key "([^"]*)" already defined at line (\d+)`).FindStringSubmatch(err.Error()); m != nil {
			msg = fmt.Sprintf("field %q is written twice", m[1])
		}
	}
	return &Error{Path: path, Line: line, Msg: "bad YAML front matter: " + msg, Fix: fix}
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
		return nil, &Error{Path: path, Line: line, Msg: "bad TOML front matter: " + strings.TrimPrefix(msg, "toml: "),
			Fix: "fix the TOML syntax (strings need quotes, lists are written [\"a\", \"b\"])"}
	}
	// TOML decoding loses lines; find each top-level key's line in the text.
	lines := strings.Split(string(fm), "\n")
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := map[string]field{}
	for _, k := range keys {
		line := fmLine
		for i, l := range lines {
			t := strings.TrimSpace(l)
			if strings.HasPrefix(t, k) && strings.HasPrefix(strings.TrimSpace(t[len(k):]), "=") ||
				t == "["+k+"]" {
				line = fmLine + i
				break
			}
		}
		v := raw[k]
		switch d := v.(type) {
		case toml.LocalDate:
			v = d.String()
		case toml.LocalDateTime:
			v = strings.Replace(d.String(), "T", " ", 1)
		case time.Time:
			v = d.Format(time.RFC3339Nano)
		}
		out[strings.ToLower(k)] = field{value: v, line: line}
	}
	return out, nil
}
