package content

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/pelletier/go-toml/v2"
)

// Correction is one correction notice on an article: what was wrong and
// when it was put right.
type Correction struct {
	Date time.Time
	Text string // plain text
}

// correctionKeys are the front matter names of the corrections.
var correctionKeys = map[string]bool{"correction": true, "corrections": true}

// Modified is when the article last changed: the latest of its date, its
// update and its corrections.
func (a *Article) Modified() time.Time {
	t := a.Date
	if a.Updated.After(t) {
		t = a.Updated
	}
	for _, c := range a.Corrections {
		if c.Date.After(t) {
			t = c.Date
		}
	}
	return t
}

const correctionFix = `write it as correction: "what was wrong" (dated by updated:), or as a list of - {date: 2025-04-29, text: "what was wrong"}`

// parseCorrections reads the correction field: one text, dated by the
// article's update, or a list of {date, text}. Corrections are kept
// oldest first. Every problem is an error naming its line.
func parseCorrections(displayPath string, fields map[string]field, a *Article, loc *time.Location) ([]Correction, []error) {
	key := firstKey(fields, "correction", "corrections")
	f, ok := fields[key]
	if !ok || f.value == nil {
		return nil, nil
	}
	bad := func(line int, msg, fix string) []error {
		return []error{&Error{File: displayPath, Line: line, Message: msg, Fix: fix}}
	}
	var out []Correction
	switch v := f.value.(type) {
	case string:
		text := strings.TrimSpace(v)
		if text == "" {
			return nil, nil
		}
		if a.Updated.IsZero() {
			return nil, bad(f.line, key+" has no date: a correction says when it was made",
				"add a line updated: 2025-04-29 (the day of the correction), or write "+key+": [{date: 2025-04-29, text: \"...\"}]")
		}
		out = append(out, Correction{Date: a.Updated, Text: text})
	case map[string]any:
		c, errs := correctionItem(displayPath, key, v, f.line, itemAt(f, 0), a, loc)
		if len(errs) > 0 {
			return nil, errs
		}
		out = append(out, c)
	case []any:
		var errs []error
		for i, e := range v {
			lines := itemAt(f, i)
			line := f.line
			if l, ok := lines[""]; ok {
				line = l
			}
			m, ok := e.(map[string]any)
			if !ok {
				kind := kindOf(e)
				if _, isText := e.(string); isText {
					kind = "text"
				}
				errs = append(errs, bad(line, fmt.Sprintf("%s item %d is %s, not a group of date and text", key, i+1, kind), correctionFix)...)
				continue
			}
			c, cerrs := correctionItem(displayPath, key, m, line, lines, a, loc)
			errs = append(errs, cerrs...)
			if len(cerrs) == 0 {
				out = append(out, c)
			}
		}
		if len(errs) > 0 {
			return nil, errs
		}
	default:
		return nil, bad(f.line, fmt.Sprintf("%s must be text or a list of {date, text}, not %s", key, kindOf(v)), correctionFix)
	}
	slices.SortStableFunc(out, func(x, y Correction) int { return x.Date.Compare(y.Date) })
	return out, nil
}

// itemAt is the lines of item i of a list field; empty when unknown (TOML).
func itemAt(f field, i int) map[string]int {
	if i < len(f.items) {
		return f.items[i]
	}
	return nil
}

// correctionItem reads one {date, text} group written at line; lines
// holds the lines of its fields, when known.
func correctionItem(displayPath, key string, m map[string]any, line int, lines map[string]int, a *Article, loc *time.Location) (Correction, []error) {
	at := func(name string) int {
		if l, ok := lines[name]; ok {
			return l
		}
		return line
	}
	var errs []error
	bad := func(line int, msg, fix string) {
		errs = append(errs, &Error{File: displayPath, Line: line, Message: msg, Fix: fix})
	}
	var c Correction
	vals := map[string]any{}
	for _, k := range sortedNames(m) {
		v := m[k]
		k = strings.ToLower(k)
		if k != "date" && k != "text" {
			bad(at(k), fmt.Sprintf("%s has a field %q", key, k), "a correction has only date: and text:")
			continue
		}
		vals[k] = v
	}
	switch v := vals["text"].(type) {
	case string:
		c.Text = strings.TrimSpace(v)
	case nil:
	default:
		bad(at("text"), fmt.Sprintf("%s text must be text, not %s", key, kindOf(v)), `write it as text: "..."`)
	}
	if c.Text == "" && len(errs) == 0 {
		bad(line, key+" has no text", `add text: "what was wrong and what is right" to it`)
	}
	raw := ""
	switch v := vals["date"].(type) {
	case string:
		raw = strings.TrimSpace(v)
	case time.Time: // a TOML date with an offset
		c.Date = v
	case toml.LocalDate:
		raw = v.String()
	case toml.LocalDateTime:
		raw = v.String()
	case nil:
	default:
		raw = fmt.Sprint(v)
	}
	if raw != "" {
		t, err := ParseDate(raw, loc)
		if err != nil {
			bad(at("date"), fmt.Sprintf("%s date %q is not a date I can read", key, raw), "write it as 2025-04-29, 2025-04-29 10:15 or 2025-04-29T10:15:00+07:00")
		}
		c.Date = t
	}
	if c.Date.IsZero() && raw == "" {
		bad(at(""), key+" has no date", "add date: 2025-04-29 (the day of the correction) to it")
	}
	if !c.Date.IsZero() && !a.Date.IsZero() && day(c.Date, loc).Before(day(a.Date, loc)) {
		bad(at("date"), fmt.Sprintf("%s date %s is before the article's date %s", key, c.Date.In(loc).Format("2006-01-02"), a.Date.In(loc).Format("2006-01-02")),
			"a correction comes after the article: fix the year, month or day")
	}
	return c, errs
}

func sortedNames(m map[string]any) []string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}

// day is midnight of t's day in loc.
func day(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
}
