package testsite

import (
	"strings"

	"golang.org/x/net/html"
)

// ThemeScript reports whether a script element's attributes only load
// one of the theme's files from static/js/ on the site's own host: the
// one kind of script a page may hold, whatever an article says.
func ThemeScript(attrs []html.Attribute) bool {
	src := ""
	for _, a := range attrs {
		switch a.Key {
		case "src":
			src = a.Val
		case "defer":
		default:
			return false
		}
	}
	return strings.HasPrefix(src, "/") && !strings.HasPrefix(src, "//") && strings.Contains(src, "/js/") && strings.HasSuffix(src, ".js")
}
