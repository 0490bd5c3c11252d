package content

import (
	"errors"
	"io/fs"
	"testing"
	"testing/fstest"

	"github.com/kabar-news/kabar/generator/diag"
)

// TestErrorsAreValues: a parse error is a value with the file, line,
// message and fix that diag.List keeps; its kind is found with errors.Is,
// not by its text.
func TestErrorsAreValues(t *testing.T) {
	_, err := Parse("a.md", "content/a.md", []byte("judul saja\n"), testOptions)
	if !errors.Is(err, ErrNoFrontMatter) {
		t.Errorf("no front matter: %v is not ErrNoFrontMatter", err)
	}
	ds := diag.List(err)
	if len(ds) != 1 || ds[0].File != "content/a.md" || ds[0].Line != 1 || ds[0].Severity != diag.Error ||
		ds[0].Message != "no front matter" || ds[0].Fix == "" {
		t.Errorf("diagnostics %+v", ds)
	}
	// Body reads a file without front matter as all body: it tells the
	// kind of error by errors.Is, so a message reworded keeps it so.
	if body, err := Body("content/_index.md", []byte("Selamat datang.\n")); err != nil || string(body) != "Selamat datang.\n" {
		t.Errorf("Body = %q, %v", body, err)
	}

	// Every problem of a file is its own diagnostic.
	_, err = Parse("b.md", "content/b.md", []byte("---\ntitle: [a]\ndate: besok\n---\nIsi.\n"), testOptions)
	ds = diag.List(err)
	if len(ds) != 2 || ds[0].Line != 2 || ds[1].Line != 3 || ds[0].File != "content/b.md" || ds[1].File != "content/b.md" {
		t.Errorf("two problems: %+v", ds)
	}

	_, err = ReadFile(fstest.MapFS{}, "gone.md", "content/gone.md")
	var e *Error
	if !errors.Is(err, fs.ErrNotExist) || !errors.As(err, &e) || e.File != "content/gone.md" {
		t.Errorf("missing file: %v", err)
	}
}
