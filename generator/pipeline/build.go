// Package pipeline is the one pipeline from a site folder to a written site.
// A Builder runs it; its first Build reads, renders and writes everything,
// and each later Build, as watch and serve call it, redoes only what a
// change touches, with the same result. Build is one such first run for
// the build command. The stages, in order, each in its file with its
// typed output:
//
//   - read (read.go): the changed paths, sorted by the site's folders
//     (changes), are read again: articles parsed, templates, static files,
//     lead images (sources);
//   - model (model.go): the last site model is kept with the changed
//     articles swapped in, or made again; this decides the build's mode
//     (once, reuse, remake) once (model);
//   - plan (plan.go): the values of every key the templates can read, and
//     from the pages' traces which pages must be rendered (plan);
//   - render (render.go): those pages, the feeds, sitemaps, static files
//     and search index, written into a transaction on the output
//     (rendered);
//   - commit (commit.go): what the site lost is removed, the links are
//     checked, the transaction committed or aborted, and what the build
//     made is remembered for the next (Rebuild says what it did);
//   - state (state.go): for the build command, what the build knew is
//     saved for the next build in a new process, which loads it before
//     the read stage and checks every file against it by its hash.
//
// Files are written as they are rendered, into a staging folder swapped in
// whole (or into memory for the preview), so what a build holds is the
// model, not the site: article bodies wait in a spool file until their
// page is out, and each article's card is rendered once for every list.
package pipeline

import (
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/kabar-news/kabar/generator/config"
	"github.com/kabar-news/kabar/generator/content"
	"github.com/kabar-news/kabar/generator/diag"
	"github.com/kabar-news/kabar/generator/feeds"
	"github.com/kabar-news/kabar/generator/links"
	"github.com/kabar-news/kabar/generator/markdown"
	"github.com/kabar-news/kabar/generator/output"
	"github.com/kabar-news/kabar/generator/site"
)

// Options say what to build and where.
type Options struct {
	SiteDir string // holds content/, templates/, static/ and the config file
	OutDir  string // "" means the config's output folder, else public/, under SiteDir
	BaseURL string // overrides the config's base URL
	// Origin, when set (e.g. "http://127.0.0.1:1313"), replaces the
	// scheme and host of the config's base URL and keeps its path, so
	// that the site is served from another place under the same base
	// path; it wins over BaseURL.
	Origin string
	Drafts bool // include articles with draft: true
	Future bool // include articles dated after Now
	Now    time.Time
	// Memory, when set, receives the site instead of OutDir.
	Memory *output.Memory
	// Progress, when set, counts the work as it is done.
	Progress Meter
	// Strict makes broken links errors: the build fails and the output
	// is left as it was.
	Strict bool
	// Check renders the site and writes nothing, to report what is wrong.
	Check bool
	// Fresh renders everything, whatever the saved state of the last
	// build says (it is saved again after).
	Fresh bool
	// CacheDir holds the resized copies of lead images; "" means
	// images.DefaultDir ($KABAR_CACHE_DIR, else the user's cache folder).
	CacheDir string
}

// Result counts what a build did.
type Result struct {
	Articles int
	Pages    int   // HTML pages
	Files    int   // every file written, pages included
	Bytes    int64 // the size of the output, every file added up
	OutDir   string
	Duration time.Duration
	Warnings []diag.Diag // what makes the site slow to rebuild, said once; the broken links
	// Links are the broken links of the articles, also in Warnings.
	Links []links.Finding
	// External lists the addresses elsewhere that articles link to, with
	// where; only for Options.Check.
	External map[string][]links.Where
	Resized  int // lead images decoded and resized, not found in the cache
	// Rendered counts the pages and feeds rendered: all of them, but for
	// a build that went on from the last one's saved state.
	Rendered int
	// State says why the saved state of the last build was not used; ""
	// when it was, or when the build keeps none.
	State string
	// UpToDate: no input changed since the last build, whose output
	// stands as it is: nothing was read or written but the inputs' hashes.
	UpToDate bool
}

// Build brings the output folder up to date with the site in one run:
// what the last build saved beside the output (state.go) tells which
// pages can stay as they are, and what this one knows is saved for the
// next. A build to memory or for Check keeps nothing.
func Build(opt Options) (Result, error) {
	b, err := NewBuilder(opt)
	if err != nil {
		return Result{}, err
	}
	if opt.Memory != nil || opt.Check {
		b.once = true
	} else {
		b.remember = true
	}
	defer b.Close()
	rb, err := b.Build(nil)
	return rb.Result, err
}

// Meter counts a build's work as it is done: the commands show it on a
// terminal (progress.Meter); the engine only reports.
type Meter interface {
	// Stage starts a stage of total units (0: not known yet).
	Stage(name, unit string, total int)
	// Add counts n units done.
	Add(n int)
}

// noMeter counts nothing, for builds no one watches.
type noMeter struct{}

func (noMeter) Stage(string, string, int) {}
func (noMeter) Add(int)                   {}

// loadConfig reads the site's config and applies the options' base URL.
func loadConfig(opt Options) (*config.Config, error) {
	cfg, err := config.Load(os.DirFS(opt.SiteDir))
	if err != nil {
		return nil, err
	}
	if opt.BaseURL != "" && opt.Origin == "" {
		if err := cfg.SetBaseURL(opt.BaseURL); err != nil {
			return nil, fmt.Errorf("--base-url: %w", err)
		}
	}
	if opt.Origin != "" {
		if err := cfg.SetBaseURL(opt.Origin + cfg.BasePath); err != nil {
			return nil, err
		}
	}
	return cfg, nil
}

// checkOutputs fails when two outputs would be written to one file: two
// pages, a page and a generated file, or a static file and either.
func checkOutputs(pages []*site.Page, generated, static []output.File, extra map[string]string) error {
	others := map[string]string{}
	for name, what := range extra {
		others[name] = what
	}
	for _, f := range generated {
		if what, ok := others[f.Name]; ok {
			return &diag.Diag{Message: fmt.Sprintf("%s and the generated %s would both write %s", what, f.Name, f.Name), Fix: "rename the file"}
		}
		others[f.Name] = "the generated " + f.Name
	}
	for _, f := range static {
		if what, ok := others[f.Name]; ok {
			return &diag.Diag{File: "static/" + f.FromName, Message: fmt.Sprintf("%s has this name", what), Fix: "rename or remove the static file"}
		}
		others[f.Name] = "static/" + f.FromName
	}
	return site.CheckClashes(pages, others)
}

// OutDir is the output folder for opt, refusing any folder whose
// replacement would destroy the site's sources.
func OutDir(opt Options, cfg *config.Config) (string, error) {
	siteDir, err := filepath.Abs(opt.SiteDir)
	if err != nil {
		return "", err
	}
	out := opt.OutDir
	if out == "" {
		out = cfg.Output
		if out == "" {
			out = "public"
		}
		if !filepath.IsAbs(out) {
			out = filepath.Join(siteDir, out)
		}
	}
	out, err = filepath.Abs(out)
	if err != nil {
		return "", err
	}
	keeps := []string{siteDir}
	for _, d := range config.Dirs {
		keeps = append(keeps, filepath.Join(siteDir, d))
	}
	for _, keep := range keeps {
		if within(out, keep) || (keep != siteDir && within(keep, out)) {
			return "", fmt.Errorf("refusing to write the site to %s: it is or holds %s, which the build would destroy; pick another --out such as %s", out, keep, filepath.Join(siteDir, "public"))
		}
	}
	if home, err := os.UserHomeDir(); err == nil && filepath.Clean(home) == out {
		return "", fmt.Errorf("refusing to write the site to your home folder %s: pick another --out", out)
	}
	return out, nil
}

// within reports whether p is dir or inside it.
func within(dir, p string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

func sub(root fs.FS, dir string) fs.FS {
	f, _ := fs.Sub(root, dir)
	return f
}

// isArticle reports whether a file below content/ is an article.
func isArticle(p string) bool { return content.IsArticleFile(path.Base(p)) }

// hidden names are skipped: drafts of editors, _index.md, dotfiles.
func hidden(name string) bool { return strings.HasPrefix(name, "_") || strings.HasPrefix(name, ".") }

// walkArticles calls found with the path below contentDir of every article
// in dir (contentDir or a folder inside it), skipping hidden folders. A
// link that may not be followed is passed as linkErr instead.
func walkArticles(siteDir, contentDir, dir string, found func(rel string, linkErr error)) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(contentDir, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel != "." && hidden(d.Name()) {
				return fs.SkipDir
			}
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			if err := checkLink(siteDir, p, rel); err != nil {
				found(rel, err)
				return nil
			}
		}
		if isArticle(rel) {
			found(rel, nil)
		}
		return nil
	})
}

// readArticle reads content/rel.
func readArticle(contentDir, rel string) ([]byte, error) {
	// content.ReadFile refuses an oversized file before reading it.
	return content.ReadFile(os.DirFS(contentDir), rel, "content/"+rel)
}

// included reports whether a parsed article is published under opt.
func included(opt Options, a *content.Article) bool {
	return (!a.Draft || opt.Drafts) && (!a.Date.After(opt.Now) || opt.Future)
}

// checkLink allows a symbolic link in content/ only to a file inside the
// site folder: a link out of the site could publish any file on the
// machine, and links to folders could loop.
func checkLink(siteDir, p, rel string) error {
	target, err := filepath.EvalSymlinks(p)
	if err != nil {
		return &diag.Diag{File: "content/" + rel, Message: fmt.Sprintf("the link is broken or loops (%v)", err), Fix: "point it at an existing file or remove it", Err: err}
	}
	root, err := filepath.EvalSymlinks(siteDir)
	if err != nil {
		return err
	}
	if !within(root, target) {
		return &diag.Diag{File: "content/" + rel, Message: "the link points outside the site, at " + target, Fix: "copy the file into content/ instead"}
	}
	if fi, err := os.Stat(target); err == nil && fi.IsDir() {
		return &diag.Diag{File: "content/" + rel, Message: "links to folders are not followed", Fix: "move the folder into content/"}
	}
	return nil
}

// loadIntro renders content/_index.md, the front page's intro text.
func loadIntro(contentDir string, md *markdown.Renderer) (template.HTML, error) {
	const name = "content/_index.md"
	data, err := content.ReadFile(os.DirFS(contentDir), "_index.md", name)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	body, err := content.Body(name, data)
	if err != nil {
		return "", err
	}
	res, err := md.Convert(body)
	if err != nil {
		return "", &diag.Diag{File: name, Message: err.Error(), Err: err}
	}
	return res.HTML, nil
}

// feedJob is one feed to write.
type feedJob struct {
	name, title, path string
	kind              feeds.Kind
	articles          []*site.Article
}

// termFeedLimit is how many of the newest articles the feed of a section,
// tag or source carries: a reader subscribed to one topic polls it often,
// and 300 topic feeds of 50 items were a tenth of the site. The site's own
// feeds carry feeds.Limit.
const termFeedLimit = 20

// feedJobs lists the site's feeds: the whole site's, and one per section,
// tag and source.
// A feed holds the articles that changed last (feeds.Latest): those
// changed after they were published are found once, with their terms.
func feedJobs(s *site.Site) []feedJob {
	cfg := s.Config
	var revised []*site.Article
	byTerm := map[*site.Term][]*site.Article{}
	for _, a := range s.Articles {
		if !a.Modified().After(a.Date) {
			continue
		}
		revised = append(revised, a)
		for _, t := range append([]*site.Term{a.SectionTerm, a.SourceTerm}, a.TagTerms...) {
			if t != nil {
				byTerm[t] = append(byTerm[t], a)
			}
		}
	}
	latest := feeds.Latest(s.Articles, revised)
	jobs := []feedJob{
		{"feed.xml", cfg.Title, "/", feeds.RSS, latest},
		{"atom.xml", cfg.Title, "/", feeds.Atom, latest},
		{"feed.json", cfg.Title, "/", feeds.JSON, latest},
	}
	for _, terms := range [][]*site.Term{s.Sections, s.Tags, s.Sources} {
		for _, t := range terms {
			list := feeds.Latest(t.Articles, byTerm[t])
			jobs = append(jobs, feedJob{strings.TrimPrefix(t.FeedPath(), "/"), t.Name + " – " + cfg.Title, t.Path, feeds.RSS, list[:min(len(list), termFeedLimit)]})
		}
	}
	return jobs
}

func (j feedJob) render(cfg *config.Config) (output.File, error) {
	data, err := feeds.Feed(cfg, j.kind, j.title, j.path, j.articles)
	return output.File{Name: j.name, Data: data}, err
}

// staticFiles lists the files to copy from static/: the site's own, and
// the built-in theme's where the site has no file of that name.
func staticFiles(layers ...fs.FS) ([]output.File, error) {
	seen := map[string]bool{}
	var out []output.File
	for _, layer := range layers {
		if layer == nil {
			continue
		}
		err := fs.WalkDir(layer, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				if p == "." && errors.Is(err, fs.ErrNotExist) {
					return fs.SkipAll
				}
				return err
			}
			if d.IsDir() || seen[p] {
				return nil
			}
			if !d.Type().IsRegular() {
				return &diag.Diag{File: "static/" + p, Message: "not a regular file (a link or device)", Fix: "replace it with a real file"}
			}
			seen[p] = true
			out = append(out, output.File{Name: p, From: layer, FromName: p})
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}
