// Package diag is a problem found in a site's files, kept as a value from
// where it is found to where it is shown: the file, line and column it is
// at, how serious it is, what is wrong and what to do about it. The
// terminal prints it as file:line:col: message: fix, the preview shows it
// over the page, and build --format json writes it as one JSON object per
// line, for editors and CI annotations.
//
// A failed build returns an error tree (errors.Join of many problems);
// List flattens it into diagnostics without reading any message text.
package diag

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
)

// Severity says whether a problem stops the build.
type Severity string

const (
	Error   Severity = "error"   // the build fails
	Warning Severity = "warning" // the site is built, but something is off
)

// Diag is one problem. It is an error itself (content.Error is another
// name for it); errors of other packages that know their place turn into
// one through the Diagnoser interface.
type Diag struct {
	File     string   `json:"file,omitempty"`   // relative to the site root, e.g. content/dunia/x.md
	Line     int      `json:"line,omitempty"`   // 1-based; 0 when the problem is the whole file
	Column   int      `json:"column,omitempty"` // 1-based; 0 when unknown
	Severity Severity `json:"severity"`         // "" is read as Error
	Message  string   `json:"message"`          // what is wrong
	Fix      string   `json:"fix,omitempty"`    // what to do
	// Err is the kind of problem, or the error underneath, for
	// errors.Is and errors.As; it is not shown.
	Err error `json:"-"`
}

// Diagnoser is an error that can say where it is and what to do.
type Diagnoser interface {
	Diag() Diag
}

// Diag returns d, so that a *Diag is a Diagnoser.
func (d *Diag) Diag() Diag { return *d }

func (d *Diag) Error() string { return d.String() }

// Unwrap returns the kind of problem, for errors.Is.
func (d *Diag) Unwrap() error { return d.Err }

// String is file:line:col: message: fix, leaving out what is unknown.
func (d Diag) String() string {
	s := d.File
	if s != "" && d.Line > 0 {
		s += ":" + strconv.Itoa(d.Line)
		if d.Column > 0 {
			s += ":" + strconv.Itoa(d.Column)
		}
	}
	if s != "" {
		s += ": "
	}
	s += d.Message
	if d.Fix != "" {
		s += ": " + d.Fix
	}
	return s
}

// List flattens err into its problems, in order: each Diagnoser in the
// tree is one, followed through errors.Join and anything else that
// unwraps to several errors. Any other error is one problem with its text
// as the message and no place. Severity is filled in as Error where it
// is empty.
func List(err error) []Diag {
	var out []Diag
	var walk func(error)
	walk = func(err error) {
		switch e := err.(type) {
		case nil:
			return
		case Diagnoser:
			d := e.Diag()
			if d.Severity == "" {
				d.Severity = Error
			}
			out = append(out, d)
		case interface{ Unwrap() []error }:
			for _, c := range e.Unwrap() {
				walk(c)
			}
		default:
			out = append(out, Diag{Severity: Error, Message: err.Error()})
		}
	}
	walk(err)
	return out
}

// WriteJSON writes each problem as one line of JSON:
// {"file":"content/x.md","line":3,"severity":"error","message":"...","fix":"..."}.
func WriteJSON(w io.Writer, ds []Diag) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false) // messages quote <, > and & of templates as they are
	for _, d := range ds {
		if d.Severity == "" {
			d.Severity = Error
		}
		if err := enc.Encode(d); err != nil {
			return fmt.Errorf("writing diagnostics: %w", err)
		}
	}
	return nil
}
