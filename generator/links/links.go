// Package links checks the links and images of articles against the site
// that was built. The build hands it each article's links as the Markdown
// parser found them (with their lines), the names of the files the site
// holds, and the element IDs of the pages that links point into with a
// #fragment; it answers with what is broken, as a Finding per link, and
// with the root-relative links to rewrite under the base path.
//
// A Checker is kept from build to build: a changed article has its own
// links checked again, and an article's links are checked again when a
// page they point at appears or disappears, or changes its IDs. Nothing
// else is looked at twice. The IDs are kept only for pages some link
// points into.
package links

import (
	"net/url"
	"slices"
	"strings"

	"github.com/kabar-news/kabar/generator/diag"
	"github.com/kabar-news/kabar/generator/markdown"
)

// Finding is one broken link: where it is, what is wrong, what to do.
type Finding struct {
	File   string // the article's file, e.g. "content/dunia/x.md"
	Line   int
	Column int
	Msg    string
	Fix    string
}

// Diag is the finding as a warning.
func (f Finding) Diag() diag.Diag {
	return diag.Diag{File: f.File, Line: f.Line, Column: f.Column, Severity: diag.Warning, Message: f.Msg, Fix: f.Fix}
}

// String is "file:line:column: what: fix".
func (f Finding) String() string { return f.Diag().String() }

// Kind says how a link is checked.
type Kind uint8

const (
	Skip     Kind = iota // mailto:, tel:, an empty link: nothing to check
	Internal             // a file of the site
	External             // an address elsewhere on the web
	Bad                  // not a URL at all
)

// Ref is one link of an article, resolved against the page it is on.
type Ref struct {
	markdown.Link
	Kind Kind
	// Key names the target file below the base path, for Internal: the
	// decoded path without a leading slash, a trailing slash or a last
	// "index.html" ("2025/04/28/x", "css/style.css", "" for the front page).
	Key      string
	Fragment string
	// Outside is a root-relative link that is not under the base path:
	// it is rewritten to be when its target exists.
	Outside bool
	URL     string // the address without its fragment, for External; the reason, for Bad
}

// Resolver resolves links for a site served from one base URL.
type Resolver struct {
	host     string // lower case, with the port when it has one
	basePath string // "/" or "/repo/"
}

// NewResolver returns a Resolver for the site at baseURL, which ends in "/".
func NewResolver(baseURL string) (*Resolver, error) {
	u, err := url.Parse(baseURL)
	if err != nil {
		return nil, err
	}
	bp := u.Path
	if !strings.HasSuffix(bp, "/") {
		bp += "/"
	}
	return &Resolver{host: strings.ToLower(u.Host), basePath: bp}, nil
}

// Resolve resolves the link l on the page at pagePath (a site path such
// as "/2025/04/28/x/", below the base path).
func (r *Resolver) Resolve(pagePath string, l markdown.Link) Ref {
	ref := Ref{Link: l}
	dest := strings.TrimSpace(l.Dest)
	if dest == "" {
		return ref
	}
	u, err := url.Parse(dest)
	if err != nil {
		ref.Kind, ref.URL = Bad, err.Error()
		return ref
	}
	ref.Fragment = u.Fragment
	switch {
	case u.Scheme != "" && u.Scheme != "http" && u.Scheme != "https":
		return ref // mailto:, tel:, and what else a browser hands to other programs
	case u.Host != "" || u.Scheme != "":
		if u.Host == "" {
			ref.Kind, ref.URL = Bad, "an address with no host"
			return ref
		}
		if strings.EqualFold(u.Host, r.host) && strings.HasPrefix(u.Path+"/", r.basePath) {
			ref.Kind, ref.Key = Internal, key(strings.TrimPrefix(u.Path+"/", r.basePath))
			return ref
		}
		u.Fragment, u.RawFragment = "", ""
		ref.Kind, ref.URL = External, u.String()
		if ref.URL == dest {
			ref.URL = dest // the link's own string: one copy of each address stays in memory, not two
		}
		return ref
	case strings.HasPrefix(u.Path, "/"):
		ref.Kind = Internal
		if rest, ok := strings.CutPrefix(u.Path, r.basePath); ok {
			ref.Key = key(rest)
		} else if u.Path+"/" == r.basePath {
			ref.Key = ""
		} else {
			ref.Key, ref.Outside = key(u.Path[1:]), true
		}
		return ref
	case u.Path == "":
		ref.Kind, ref.Key = Internal, key(strings.TrimPrefix(pagePath, "/")) // "#part" or "?q" on the page itself
		return ref
	}
	at := &url.URL{Path: "/" + strings.TrimPrefix(pagePath, "/")}
	ref.Kind, ref.Key = Internal, key(strings.TrimPrefix(at.ResolveReference(&url.URL{Path: u.Path}).Path, "/"))
	return ref
}

// key is the Key of a path below the base path.
func key(p string) string {
	p = strings.TrimSuffix(p, "/")
	if p == "index.html" {
		return ""
	}
	return strings.TrimSuffix(strings.TrimSuffix(p, "/index.html"), "/")
}

// Files names the files a site holds.
type Files interface {
	Has(name string) bool // name is slash-separated, below the output folder
}

// lookup is the file a Key names in files: its folder's index.html, else
// the file itself; ok is false when the site has neither.
func lookup(files Files, k string) (name string, ok bool) {
	if k == "" {
		return "index.html", files.Has("index.html")
	}
	if name = k + "/index.html"; files.Has(name) {
		return name, true
	}
	if files.Has(k) {
		return k, true
	}
	return "", false
}

// Has reports whether ids, a sorted list, holds id.
func hasID(ids []string, id string) bool {
	_, ok := slices.BinarySearch(ids, id)
	return ok
}
