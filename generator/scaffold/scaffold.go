// Package scaffold writes a new draft article: the title, the date and
// time now in the site's time zone, the slug, and the fields a writer
// fills in, at the path the site's own articles suggest. A site may give
// its own scaffold as templates/new.md, a Go text/template.
package scaffold

import (
	_ "embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"text/template"
	"time"

	"github.com/kabar-news/kabar/generator/config"
	"github.com/kabar-news/kabar/generator/content"
	"github.com/kabar-news/kabar/generator/internal/atomicfile"
	"github.com/kabar-news/kabar/generator/markdown"
)

//go:embed new.md
var builtin string

// File is the site's own scaffold, relative to the site root.
const File = "templates/new.md"

// Options say what to write.
type Options struct {
	SiteDir string
	Title   string
	Section string
	Source  string
	Now     time.Time // zero means now
}

// Data is the dot of the scaffold template.
type Data struct {
	Title, Slug, Section, Source string
	Date                         string    // RFC 3339 with the site's offset
	Time                         time.Time // the same, for other layouts
	Language                     string    // the site's
}

// New writes the draft and returns its path relative to the site root. It
// never replaces a file.
func New(opt Options) (string, error) {
	cfg, err := config.Load(os.DirFS(opt.SiteDir))
	if err != nil {
		return "", err
	}
	title := strings.Join(strings.Fields(opt.Title), " ")
	if title == "" {
		return "", errors.New("the title is empty: give the story's title, e.g. \"Rupiah Menguat\"")
	}
	slug := content.Slugify(title)
	if slug == "" {
		return "", fmt.Errorf("the title %q has no letters or digits to make a URL of: write it with some", title)
	}
	now := opt.Now
	if now.IsZero() {
		now = time.Now()
	}
	now = now.In(cfg.Location).Truncate(time.Second)

	name, text := File, builtin
	if b, err := os.ReadFile(filepath.Join(opt.SiteDir, filepath.FromSlash(File))); err == nil {
		text = string(b)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	tmpl, err := template.New(name).Funcs(template.FuncMap{"quote": quote}).Option("missingkey=error").Parse(text)
	if err != nil {
		return "", templateError(err)
	}
	contentDir := filepath.Join(opt.SiteDir, "content")
	section := opt.Section
	if section == "" {
		section = cfg.Section
	}
	if section == "" {
		return "", noSection(contentDir)
	}
	var b strings.Builder
	data := Data{Title: title, Slug: slug, Section: section, Source: opt.Source,
		Date: now.Format(time.RFC3339), Time: now, Language: cfg.Language}
	if err := tmpl.Execute(&b, data); err != nil {
		return "", templateError(err)
	}

	rel := path.Join(folderOf(contentDir, section), nameOf(contentDir, now, slug))
	out := []byte(b.String())
	if _, err := content.Parse(rel, "content/"+rel, out, content.Options{Location: cfg.Location, Markdown: markdown.New(cfg.UnsafeHTML)}); err != nil {
		return "", fmt.Errorf("%s makes an article the build cannot read: %w: fix the scaffold", name, err)
	}
	err = atomicfile.Create(filepath.Join(contentDir, filepath.FromSlash(rel)), out)
	if errors.Is(err, fs.ErrExist) {
		return "", fmt.Errorf("content/%s exists already: edit it, or give a different title", rel)
	}
	if err != nil {
		return "", err
	}
	return "content/" + rel, nil
}

// quote writes s as a YAML double-quoted string, whatever it holds.
func quote(s string) string {
	return strconv.Quote(s)
}

var tmplLine = regexp.MustCompile(`^template: ([^:]+):(\d+)(?::\d+)?: (.*)$`)

// templateError names the scaffold's file and line: text/template says
// "template: NAME:LINE: ...".
func templateError(err error) error {
	if m := tmplLine.FindStringSubmatch(err.Error()); m != nil {
		return fmt.Errorf("%s:%s: %s: fix the scaffold", m[1], m[2], m[3])
	}
	return fmt.Errorf("%s: %v: fix the scaffold", File, err)
}

// noSection asks for a section, naming the site's section folders: a
// draft at the root of content/ would be the one article outside them.
func noSection(contentDir string) error {
	var names []string
	entries, _ := os.ReadDir(contentDir)
	for _, e := range entries {
		if !e.IsDir() || strings.HasPrefix(e.Name(), "_") || strings.HasPrefix(e.Name(), ".") || isBundle(filepath.Join(contentDir, e.Name())) {
			continue
		}
		names = append(names, e.Name())
	}
	if len(names) == 0 {
		return errors.New("which section is the story in? give --section, e.g. --section Nasional, or set section: in site.yaml for every draft")
	}
	return fmt.Errorf("which section is the story in? give --section with one of %s (or a new one), or set section: in site.yaml for every draft", strings.Join(names, ", "))
}

// isBundle says whether dir is a page bundle, an article of its own.
func isBundle(dir string) bool {
	for _, n := range []string{"index.md", "index.markdown"} {
		if _, err := os.Stat(filepath.Join(dir, n)); err == nil {
			return true
		}
	}
	return false
}

// folderOf is the folder for an article of section: the site's folder
// for it when one exists whatever its case, else one named for it.
func folderOf(contentDir, section string) string {
	s := content.Slugify(section)
	if s == "" {
		return ""
	}
	entries, _ := os.ReadDir(contentDir)
	for _, e := range entries {
		if e.IsDir() && content.Slugify(e.Name()) == s {
			return e.Name()
		}
	}
	return s
}

var datedDir = regexp.MustCompile(`(^|/)\d{4}/\d{2}/\d{2}/[^/]+$`)

// nameOf names the file the way most of the site's articles are named:
// 2025-04-28-slug.md (Jekyll), 2025/04/28/slug.md, or slug.md.
func nameOf(contentDir string, now time.Time, slug string) string {
	var jekyll, dated, plain int
	filepath.WalkDir(contentDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !content.IsArticleFile(d.Name()) {
			return nil
		}
		// A page bundle's index.md is named by its folder: it says
		// nothing of how the site names files.
		if d.Name() == "index.md" || d.Name() == "index.markdown" {
			return nil
		}
		rel, _ := filepath.Rel(contentDir, p)
		rel = filepath.ToSlash(rel)
		switch {
		case content.JekyllName.MatchString(strings.TrimSuffix(d.Name(), path.Ext(d.Name()))):
			jekyll++
		case datedDir.MatchString(rel):
			dated++
		default:
			plain++
		}
		return nil
	})
	switch {
	case jekyll > dated && jekyll > plain:
		return now.Format("2006-01-02-") + slug + ".md"
	case dated > plain:
		return now.Format("2006/01/02/") + slug + ".md"
	}
	return slug + ".md"
}
