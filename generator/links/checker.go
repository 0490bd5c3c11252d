package links

import (
	"bytes"
	"fmt"
	"maps"
	"path"
	"slices"
	"strings"

	"golang.org/x/net/html"

	"github.com/kabar-news/kabar/generator/internal/cores"
	"github.com/kabar-news/kabar/generator/markdown"
)

// Checker keeps a site's article links, and what they point at, from one
// build to the next. It is not safe for concurrent use, except for the
// read-only WantsIDs and Rewrites while nothing changes it.
type Checker struct {
	res   *Resolver
	arts  map[string]*article       // by file below content/
	refs  map[string]map[string]int // by Key: the articles linking to it, with how many links
	frags map[string]int            // by Key: how many links have a #fragment for it
	found map[string]string         // by Key: the file it named at the last Sync, "" for none
	ids   map[string][]string       // by Key: the sorted IDs of the page, for keys in frags
	dirty map[string]bool           // articles to check again
	bad   map[string][]Finding      // by file: the findings of the articles that have some
}

type article struct {
	display string // "content/x.md"
	page    string // the site path of its page
	links   []markdown.Link
	refs    []Ref
	rewrite []string // the destinations of Outside links whose targets exist
}

// NewChecker returns an empty Checker for a site resolved by res.
func NewChecker(res *Resolver) *Checker {
	return &Checker{res: res, arts: map[string]*article{}, refs: map[string]map[string]int{},
		frags: map[string]int{}, found: map[string]string{}, ids: map[string][]string{},
		dirty: map[string]bool{}, bad: map[string][]Finding{}}
}

// Set records the links of the article in file (below content/), shown
// as display, whose page is at pagePath. An article set again with the
// same page and links is left as it is.
func (c *Checker) Set(file, display, pagePath string, links []markdown.Link) {
	c.SetAll([]Entry{{File: file, Display: display, Page: pagePath, Links: links}})
}

// Entry is one article's links, for SetAll.
type Entry struct {
	File, Display, Page string
	Links               []markdown.Link
}

// SetAll is Set for each entry; the links are resolved on every core, as
// a build in a new process sets every article of the site.
func (c *Checker) SetAll(list []Entry) {
	arts := make([]*article, len(list))
	cores.For(len(list), func(i int) {
		e := list[i]
		if old := c.arts[e.File]; old != nil && old.page == e.Page && old.display == e.Display && slices.Equal(old.links, e.Links) {
			return
		}
		a := &article{display: e.Display, page: e.Page, links: e.Links, refs: make([]Ref, 0, len(e.Links))}
		for _, l := range e.Links {
			a.refs = append(a.refs, c.res.Resolve(e.Page, l))
		}
		arts[i] = a
	})
	for i, a := range arts {
		if a != nil {
			c.set(list[i].File, a)
		}
	}
}

func (c *Checker) set(file string, a *article) {
	old := c.arts[file]
	// The new links are counted before the old ones are dropped, so that
	// the IDs of a page both point into are kept.
	c.index(file, a.refs, 1)
	if old != nil {
		c.index(file, old.refs, -1)
	}
	c.arts[file] = a
	c.dirty[file] = true
}

// Remove forgets the article in file.
func (c *Checker) Remove(file string) {
	if a := c.arts[file]; a != nil {
		c.index(file, a.refs, -1)
		delete(c.arts, file)
		delete(c.dirty, file)
		delete(c.bad, file)
	}
}

// index counts file's internal links in refs and frags (by is 1), or
// stops counting them (by is -1), forgetting what no link needs.
func (c *Checker) index(file string, refs []Ref, by int) {
	for _, r := range refs {
		if r.Kind != Internal {
			continue
		}
		set := c.refs[r.Key]
		if set == nil {
			set = map[string]int{}
			c.refs[r.Key] = set
		}
		if set[file] += by; set[file] <= 0 {
			delete(set, file)
			if len(set) == 0 {
				delete(c.refs, r.Key)
				delete(c.found, r.Key)
			}
		}
		if r.Fragment != "" {
			if c.frags[r.Key] += by; c.frags[r.Key] <= 0 {
				delete(c.frags, r.Key)
				delete(c.ids, r.Key)
			}
		}
	}
}

// Files lists the articles set, in no order.
func (c *Checker) Files() []string {
	out := make([]string, 0, len(c.arts))
	for f := range c.arts {
		out = append(out, f)
	}
	return out
}

// Sync looks up in files what the links point at: those of the articles
// set since the last Check, or, when all is set (the site's files may have
// changed), every target once. An article whose target appeared or
// disappeared is checked again.
func (c *Checker) Sync(files Files, all bool) {
	look := func(k string) {
		name, _ := lookup(files, k)
		if old, ok := c.found[k]; ok && old == name {
			return
		}
		c.found[k] = name
		for f := range c.refs[k] {
			c.dirty[f] = true
		}
	}
	if all {
		for k := range c.refs {
			look(k)
		}
	} else {
		for f := range c.dirty {
			for _, r := range c.arts[f].refs {
				if r.Kind == Internal {
					look(r.Key)
				}
			}
		}
	}
	for f := range c.dirty {
		a := c.arts[f]
		a.rewrite = a.rewrite[:0]
		for _, r := range a.refs {
			if r.Outside && c.found[r.Key] != "" && !slices.Contains(a.rewrite, r.Dest) {
				a.rewrite = append(a.rewrite, r.Dest)
			}
		}
	}
}

// Rewrites are the destinations, as written, of the article's
// root-relative links that are to be put under the base path.
func (c *Checker) Rewrites(file string) []string {
	if a := c.arts[file]; a != nil && c.res.basePath != "/" {
		return a.rewrite
	}
	return nil
}

// WantsIDs reports whether the IDs of the page written to name are
// needed, for a link into it with a #fragment.
func (c *Checker) WantsIDs(name string) bool {
	k := key(name)
	return c.frags[k] > 0 && c.found[k] == name
}

// Missing lists the pages whose IDs are wanted and not known: they must
// be rendered for their links to be checked.
func (c *Checker) Missing() []string {
	var out []string
	for k := range c.frags {
		if name := c.found[k]; strings.HasSuffix(name, ".html") && c.ids[k] == nil {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

// SetIDs records the IDs of the page written to name, as IDs returns
// them. The links into it are checked again if they changed.
func (c *Checker) SetIDs(name string, ids []string) {
	k := key(name)
	if ids == nil {
		ids = []string{}
	}
	if old, ok := c.ids[k]; ok && slices.Equal(old, ids) {
		return
	}
	c.ids[k] = ids
	for f := range c.refs[k] {
		c.dirty[f] = true
	}
}

// Check checks the links of the articles that changed, or whose targets
// did, since the last Check, and returns every broken link of the site,
// in the order of the files and lines.
func (c *Checker) Check() []Finding {
	for f := range c.dirty {
		a := c.arts[f]
		var list []Finding
		for _, r := range a.refs {
			if msg, fix := c.problem(r); msg != "" {
				list = append(list, Finding{File: a.display, Line: r.Line, Column: r.Column, Msg: msg, Fix: fix})
			}
		}
		if len(list) > 0 {
			c.bad[f] = list
		} else {
			delete(c.bad, f)
		}
	}
	clear(c.dirty)
	var out []Finding
	for _, f := range slices.Sorted(maps.Keys(c.bad)) {
		out = append(out, c.bad[f]...)
	}
	return out
}

// problem says what is wrong with r, and the fix; "" when nothing is.
func (c *Checker) problem(r Ref) (msg, fix string) {
	what := "link"
	if r.Image {
		what = "image"
	}
	bp := c.res.basePath
	switch r.Kind {
	case Bad:
		return fmt.Sprintf("%s %q is not a valid address (%s)", what, r.Dest, r.URL),
			"write a full address starting with https://, or a path on the site such as /2025/04/28/judul/"
	case Internal:
	default:
		return "", ""
	}
	name := c.found[r.Key]
	if name == "" {
		target := bp + r.Key
		if path.Ext(r.Key) == "" && r.Key != "" {
			target += "/"
		}
		file := path.Ext(r.Key) != "" && !strings.HasSuffix(r.Key, ".html")
		if r.Outside {
			msg = fmt.Sprintf("%s %q is root-relative, but the site is served under %s, and it has no %s either", what, r.Dest, bp, target)
			if file {
				return msg, fmt.Sprintf("put the file at static/%s (the link is then put under %s), or write the full address of a file elsewhere", r.Key, bp)
			}
			return msg, fmt.Sprintf("link to a page of the site (written as %s... or relative), or write the full address of a page elsewhere", bp)
		}
		if file {
			return fmt.Sprintf("%s %q points at %s, a file the site does not have", what, r.Dest, target),
				fmt.Sprintf("put the file at static/%s, or correct the path", r.Key)
		}
		return fmt.Sprintf("%s %q points at %s, a page the site does not have", what, r.Dest, target),
			"correct the address (the article may have a new slug, or be a draft or dated in the future)"
	}
	if r.Fragment == "" || !strings.HasSuffix(name, ".html") {
		return "", ""
	}
	ids, ok := c.ids[r.Key]
	if !ok || hasID(ids, r.Fragment) {
		return "", ""
	}
	page := bp + r.Key
	if r.Key != "" && strings.HasSuffix(name, "/index.html") {
		page += "/"
	}
	return fmt.Sprintf("%s %q points at #%s, but %s has no element with that id", what, r.Dest, r.Fragment, page),
		"link to one of its headings' IDs (a heading \"Latar Belakang\" has the id latar-belakang), or remove the #part"
}

// Where is one place a link is written.
type Where struct {
	File         string
	Line, Column int
}

// External lists the addresses elsewhere on the web that the articles
// link to, each with every place it is written.
func (c *Checker) External() map[string][]Where {
	out := map[string][]Where{}
	for _, f := range slices.Sorted(maps.Keys(c.arts)) {
		a := c.arts[f]
		for _, r := range a.refs {
			if r.Kind == External {
				out[r.URL] = append(out[r.URL], Where{a.display, r.Line, r.Column})
			}
		}
	}
	return out
}

// IDs returns the sorted element IDs of an HTML page, and the names of
// its <a name> anchors, which a #fragment can point at too.
func IDs(page []byte) []string {
	var out []string
	z := html.NewTokenizer(bytes.NewReader(page))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		tag, more := z.TagName()
		for more {
			var k, v []byte
			k, v, more = z.TagAttr()
			if string(k) == "id" || string(k) == "name" && string(tag) == "a" {
				out = append(out, string(v))
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// KnownIDs is every page's IDs the checker has learnt, by the pages'
// keys, for a build in another process to go on from (see LearnIDs).
func (c *Checker) KnownIDs() map[string][]string { return c.ids }

// LearnIDs gives a new Checker the IDs another one knew (KnownIDs), of
// pages that are still as they were when it learnt them.
func (c *Checker) LearnIDs(ids map[string][]string) {
	if ids == nil {
		ids = map[string][]string{}
	}
	for k, list := range ids {
		if list == nil {
			ids[k] = []string{} // known to have none (gob keeps no empty lists)
		}
	}
	c.ids = ids
}
