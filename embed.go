// Package kabar holds the built-in theme: the templates/ and static/
// folders of this repository, embedded in the binary so that a site with
// neither folder still builds. The generator itself lives in ./generator.
package kabar

import (
	"embed"
	"io/fs"
)

//go:embed templates static
var files embed.FS

// Templates is the built-in templates/ folder.
func Templates() fs.FS { return sub("templates") }

// Static is the built-in static/ folder.
func Static() fs.FS { return sub("static") }

func sub(dir string) fs.FS {
	f, err := fs.Sub(files, dir)
	if err != nil {
		panic(err) // dir is a literal embedded above
	}
	return f
}
