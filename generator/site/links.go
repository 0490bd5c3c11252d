package site

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/kabar-news/kabar/generator/links"
	"github.com/kabar-news/kabar/generator/shortcode"
)

// Ref is where one of an article's links ({% post_url %}, {{< ref >}}...)
// leads: another article of the site, and a #fragment if it named one.
// A link to no article has no Article and leads where the author wrote,
// Href: a broken link like any other.
type Ref struct {
	Article *Article
	Anchor  string // "" or "#heading"
	Href    string // the target as written, when Article is nil
}

// linkIndex finds articles by what links name them by.
type linkIndex struct {
	byFile map[string]*Article   // "dunia/x.md"
	byName map[string][]*Article // the file name without extension: "2024-04-09-x"; a bundle's folder name
}

func (s *Site) index() *linkIndex {
	if s.links != nil {
		return s.links
	}
	ix := &linkIndex{byFile: make(map[string]*Article, len(s.Articles)), byName: map[string][]*Article{}}
	for _, a := range s.Articles {
		ix.byFile[a.File] = a
		name := strings.TrimSuffix(path.Base(a.File), path.Ext(a.File))
		if name == "index" && path.Dir(a.File) != "." {
			name = path.Base(path.Dir(a.File))
		}
		ix.byName[name] = append(ix.byName[name], a)
	}
	s.links = ix
	return ix
}

// resolveAll resolves the links of every article that has some.
func (s *Site) resolveAll() {
	for _, a := range s.Articles {
		if len(a.LinkTags) > 0 {
			s.ResolveLinks(a)
		}
	}
}

// ResolveLinks sets a.Refs from a.LinkTags: each link leads to an article of
// s, or is a broken link in a.Broken, with the file, line and column of
// the tag. Call it again when a's body changed in a model kept from the
// last build.
func (s *Site) ResolveLinks(a *Article) {
	a.Refs, a.Broken = a.Refs[:0], a.Broken[:0]
	if len(a.LinkTags) == 0 {
		a.Refs, a.Broken = nil, nil
		return
	}
	ix := s.index()
	for _, l := range a.LinkTags {
		target, anchor, _ := strings.Cut(l.Target, "#")
		if anchor != "" {
			anchor = "#" + anchor
		}
		found, err := ix.find(a, l.Kind, target)
		if err != "" {
			a.Broken = append(a.Broken, links.Finding{File: "content/" + a.File, Line: l.Line, Column: l.Column,
				Msg: l.Tag + ": " + err, Fix: fixFor(l)})
			a.Refs = append(a.Refs, Ref{Href: l.Target})
			continue
		}
		a.Refs = append(a.Refs, Ref{Article: found, Anchor: anchor})
	}
}

func fixFor(l shortcode.Link) string {
	switch l.Kind {
	case "post_url":
		return "name the post by its file name without .md, such as {% post_url 2024-04-09-judul %}, or write its address"
	case "link":
		return "give the file's path below content/, such as {% link dunia/2024-04-09-judul.md %}, or write its address"
	}
	return "give the article's file below content/, such as {{< ref \"dunia/judul.md\" >}}, or write its address"
}

// find looks up the article a link of kind names, as Jekyll and Hugo do:
// post_url by the post's file name; link by its path (below content/, or
// below the Jekyll site, as _posts/x.md); ref and relref by path from
// content/, then from the linking article's folder, then by file name.
func (ix *linkIndex) find(from *Article, kind, target string) (*Article, string) {
	target = strings.TrimSpace(target)
	if target == "" {
		return from, "" // Hugo's ref "#x" is the page itself
	}
	switch kind {
	case "post_url":
		name := strings.TrimSuffix(path.Base(target), path.Ext(target))
		if ext := path.Ext(target); ext != ".md" && ext != ".markdown" {
			name = path.Base(target)
		}
		return ix.one(ix.byName[name], "no article is named "+name+" (it may be a draft or dated in the future)")
	case "link":
		p := strings.TrimPrefix(path.Clean("/"+target), "/")
		if a := ix.byFile[p]; a != nil {
			return a, ""
		}
		if first, rest, ok := strings.Cut(p, "/"); ok && (strings.HasPrefix(first, "_") || first == "content") {
			if a := ix.byFile[rest]; a != nil {
				return a, ""
			}
		}
		return nil, "there is no article content/" + p + " (it may be a draft or dated in the future)"
	}
	abs := strings.HasPrefix(target, "/")
	var tries []string
	for _, base := range []string{"", path.Dir(from.File)} {
		if abs && base != "" {
			break
		}
		p := strings.TrimPrefix(path.Clean(path.Join("/", base, target)), "/")
		tries = append(tries, p, p+".md", p+".markdown", p+"/index.md", p+"/index.markdown")
	}
	for _, p := range tries {
		if a := ix.byFile[p]; a != nil {
			return a, ""
		}
	}
	name := path.Base(target)
	if ext := path.Ext(name); ext == ".md" || ext == ".markdown" {
		name = strings.TrimSuffix(name, ext)
	}
	if strings.Contains(strings.Trim(target, "/"), "/") {
		return nil, "there is no article content/" + strings.TrimPrefix(path.Clean("/"+target), "/") + " (it may be a draft or dated in the future)"
	}
	return ix.one(ix.byName[name], "no article is named "+name+" (it may be a draft or dated in the future)")
}

// one is the one article of list, or why not.
func (ix *linkIndex) one(list []*Article, none string) (*Article, string) {
	switch len(list) {
	case 0:
		return nil, none
	case 1:
		return list[0], ""
	}
	files := make([]string, len(list))
	for i, a := range list {
		files[i] = "content/" + a.File
	}
	slices.Sort(files)
	return nil, fmt.Sprintf("%d articles have that name (%s)", len(list), strings.Join(files, ", "))
}
