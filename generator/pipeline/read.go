package pipeline

import (
	"cmp"
	"errors"
	"fmt"
	"html/template"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/kabar-news/kabar/generator/config"
	"github.com/kabar-news/kabar/generator/diag"
	"github.com/kabar-news/kabar/generator/images"
	"github.com/kabar-news/kabar/generator/markdown"
	"github.com/kabar-news/kabar/generator/output"
	"github.com/kabar-news/kabar/generator/search"
	"github.com/kabar-news/kabar/generator/view"
)

// changes is what a Build was told changed, by the folder of the site it
// is in: the read stage's input.
type changes struct {
	content, static []string // paths below content/ and static/ ("." for all)
	templates       bool
	reset           bool // the config, the site folder itself, or everything
}

// classify sorts the changed paths by the site's folders.
func (b *Builder) classify(changed []string) changes {
	ch := changes{reset: changed == nil}
	for _, p := range changed {
		rel, ok := b.rel(p)
		if !ok {
			continue
		}
		top, rest, _ := strings.Cut(rel, "/")
		switch {
		case top == config.ContentDir:
			ch.content = append(ch.content, cmp.Or(rest, "."))
		case top == config.TemplatesDir:
			ch.templates = true
		case top == config.StaticDir:
			ch.static = append(ch.static, cmp.Or(rest, "."))
		case rest == "" && slices.Contains(config.Files, top), rel == ".":
			ch.reset = true
		}
	}
	return ch
}

// open reads the config and sets up what the builds of it share: the
// output target, the spool of bodies, the IDs and cards, the image cache,
// the search index. It does nothing once done, until a reset.
func (b *Builder) open(opt Options) error {
	if b.cfg != nil {
		return nil
	}
	cfg, err := loadConfig(opt)
	if err != nil {
		return err
	}
	b.md = markdown.New(cfg.UnsafeHTML)
	spoolDir := os.TempDir()
	switch {
	case opt.Memory != nil:
		b.target = opt.Memory
	case opt.Check:
		b.target = output.Discard{}
	default:
		out, err := OutDir(opt, cfg)
		if err != nil {
			return err
		}
		b.out, b.target = out, output.Dir(out)
		spoolDir = filepath.Dir(out)
		if err := os.MkdirAll(spoolDir, 0o755); err != nil {
			return err
		}
	}
	if b.bodies, err = newSpool(spoolDir); err != nil {
		return err
	}
	if !b.once {
		b.ids, b.cards = view.NewIDs(), view.NewCards(true)
	}
	dir := opt.CacheDir
	if dir == "" {
		dir = images.DefaultDir()
	}
	b.cacheDir = dir
	b.imgCache = images.New(dir, cfg.MaxImagePixels)
	if cfg.Search {
		b.dict = search.NewDict()
		b.index = search.NewIndex(b.dict)
	}
	b.cfg = cfg
	return nil
}

// sources is what the read stage read: the articles parsed again, the
// templates and static files, the lead images, and whether the output
// must be written whole.
type sources struct {
	parsed      int                // articles parsed
	old         map[string]*source // what the files read again were before
	added       bool               // a file not there before
	full        bool               // render everything, replace the output whole
	intro       template.HTML
	leadChanged []string // articles whose lead image changed under them
	imgWarnings []diag.Diag
	static      []output.File
	copied      []output.File     // static files, then the bundles' files and image copies
	extraWhat   map[string]string // what each of the latter is, for errors
	// resizedBefore is the image cache's count of copies made before
	// this build's, to say how many it made.
	resizedBefore int64
}

// read reads what changed: the articles named, the templates, the static
// files, the lead images. It fails on the first file that cannot be used,
// naming every bad article.
func (b *Builder) read(opt Options, ch changes) (sources, error) {
	var rd sources
	contentDir := filepath.Join(opt.SiteDir, config.ContentDir)
	if fi, err := os.Stat(contentDir); err != nil || !fi.IsDir() {
		return rd, fmt.Errorf("%s has no content/ folder: run the command in the site's root folder, or name it with --site", opt.SiteDir)
	}
	if b.sources == nil {
		ch.content = []string{"."}
	}
	b.opt.Progress.Stage("reading", "articles", 0)
	b.now = opt.Now
	var err error
	rd.parsed, rd.old, rd.added, err = b.readContent(contentDir, ch.content)
	if err != nil {
		b.sources = nil
		return rd, err
	}
	if b.tmpl == nil || ch.templates {
		if err := b.loadTemplates(); err != nil {
			b.tmpl = nil
			return rd, err
		}
	}
	if b.static == nil || len(ch.static) > 0 {
		if err := b.readStatic(ch.static); err != nil {
			b.static = nil
			return rd, err
		}
	}
	// Without a record of the output, or when someone removed the
	// folder, everything is rendered and the output replaced whole.
	if b.prior != nil && b.priorTemplates != b.tmpl.AllSum() {
		b.prior, b.stateWhy = nil, "the templates changed"
	}
	rd.full = b.pageList == nil && b.prior == nil
	if opt.Memory == nil && !opt.Check {
		if _, err := os.Stat(filepath.Join(b.out, output.Marker)); err != nil {
			rd.full = true
		}
	}
	if rd.intro, err = b.readErrors(); err != nil {
		return rd, err
	}
	var extra map[string]*staticFile
	rd.resizedBefore = b.imgCache.Resized()
	rd.leadChanged, rd.imgWarnings, extra, err = b.prepareImages(opt, contentDir, ch.content)
	if err != nil {
		return rd, err
	}
	b.extra = extra
	for _, name := range sortedKeys(b.static) {
		rd.static = append(rd.static, b.static[name].file)
	}
	// Every copied file, the static ones first: its names are part of the
	// site's shape.
	rd.copied = slices.Clone(rd.static)
	rd.extraWhat = make(map[string]string, len(extra))
	for _, name := range sortedKeys(extra) {
		f := extra[name].file
		rd.copied = append(rd.copied, f)
		if f.From == b.imgCache.FS() {
			rd.extraWhat[name] = "the resized lead image " + name
		} else {
			rd.extraWhat[name] = "content/" + f.FromName
		}
	}
	return rd, nil
}

// readErrors joins the errors of the articles and the intro, in the order
// of the files, and returns the intro.
func (b *Builder) readErrors() (template.HTML, error) {
	var errs []error
	for _, src := range b.sources {
		if src.err != nil {
			// Said in the order of the files (sorting only then: a
			// rebuild of a large site has no time to sort them all).
			for _, rel := range sortedKeys(b.sources) {
				if err := b.sources[rel].err; err != nil {
					errs = append(errs, err)
				}
			}
			break
		}
	}
	var intro template.HTML
	if b.intro != nil {
		if b.intro.err != nil {
			errs = append(errs, b.intro.err)
		}
		intro = b.intro.intro
	}
	return intro, errors.Join(errs...)
}
