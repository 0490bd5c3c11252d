package diag

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"reflect"
	"strings"
	"testing"
)

// place is an error of another package that knows its place.
type place struct{ file string }

func (p *place) Error() string { return p.file + ": broken" }
func (p *place) Diag() Diag    { return Diag{File: p.file, Line: 7, Message: "broken", Fix: "mend it"} }

// TestList flattens a tree of joined errors in order, keeping the values
// of diagnostics and of other packages' errors that know their place, and
// turns any other error into a message with no place.
func TestList(t *testing.T) {
	err := errors.Join(
		&Diag{File: "content/a.md", Line: 3, Column: 9, Message: "bad", Fix: "fix it"},
		errors.Join(&place{"templates/x.html"}, nil, fmt.Errorf("wrapped: %w", fs.ErrNotExist)),
		&Diag{File: "templates/y.html", Severity: Warning, Message: "slow"},
	)
	want := []Diag{
		{File: "content/a.md", Line: 3, Column: 9, Severity: Error, Message: "bad", Fix: "fix it"},
		{File: "templates/x.html", Line: 7, Severity: Error, Message: "broken", Fix: "mend it"},
		{Severity: Error, Message: "wrapped: file does not exist"},
		{File: "templates/y.html", Severity: Warning, Message: "slow"},
	}
	if got := List(err); !reflect.DeepEqual(got, want) {
		t.Errorf("List =\n%+v\nwant\n%+v", got, want)
	}
	if got := List(nil); got != nil {
		t.Errorf("List(nil) = %v", got)
	}
}

func TestString(t *testing.T) {
	for _, c := range []struct {
		d    Diag
		want string
	}{
		{Diag{File: "a.md", Line: 3, Column: 9, Message: "m", Fix: "f"}, "a.md:3:9: m: f"},
		{Diag{File: "a.md", Line: 3, Message: "m"}, "a.md:3: m"},
		{Diag{File: "a.md", Column: 9, Message: "m"}, "a.md: m"},
		{Diag{Message: "m", Fix: "f"}, "m: f"},
	} {
		if got := c.d.String(); got != c.want {
			t.Errorf("%+v: %q, want %q", c.d, got, c.want)
		}
		if got := (&c.d).Error(); got != c.want {
			t.Errorf("%+v: Error() %q, want %q", c.d, got, c.want)
		}
	}
}

// TestKind: errors.Is sees the kind of problem through a diagnostic, and
// errors.As finds the diagnostic in a joined tree.
func TestKind(t *testing.T) {
	err := errors.Join(errors.New("other"), &Diag{File: "static/x", Message: "gone", Err: fs.ErrNotExist})
	if !errors.Is(err, fs.ErrNotExist) {
		t.Error("errors.Is does not see the kind")
	}
	var d *Diag
	if !errors.As(err, &d) || d.File != "static/x" {
		t.Errorf("errors.As: %v", d)
	}
}

// TestWriteJSON writes one object per line, with the names editors read
// and without HTML escapes of < and > in messages.
func TestWriteJSON(t *testing.T) {
	var b bytes.Buffer
	ds := []Diag{
		{File: "templates/a.html", Line: 2, Column: 5, Message: "unexpected <p> in command", Fix: "close it"},
		{Severity: Warning, Message: "m"},
	}
	if err := WriteJSON(&b, ds); err != nil {
		t.Fatal(err)
	}
	want := `{"file":"templates/a.html","line":2,"column":5,"severity":"error","message":"unexpected <p> in command","fix":"close it"}` + "\n" +
		`{"severity":"warning","message":"m"}` + "\n"
	if b.String() != want {
		t.Errorf("WriteJSON =\n%s\nwant\n%s", b.String(), want)
	}
	for _, l := range strings.SplitAfter(strings.TrimSuffix(b.String(), "\n"), "\n") {
		var d Diag
		if err := json.Unmarshal([]byte(l), &d); err != nil {
			t.Errorf("%q: %v", l, err)
		}
	}
}
