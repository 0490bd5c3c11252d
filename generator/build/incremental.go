package build

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/maphash"
	"html/template"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	newsdigest "newsdigest"
	"newsdigest/generator/config"
	"newsdigest/generator/content"
	"newsdigest/generator/feeds"
	"newsdigest/generator/markdown"
	"newsdigest/generator/output"
	"newsdigest/generator/pagedeps"
	"newsdigest/generator/render"
	"newsdigest/generator/site"
)

// Builder rebuilds one site again and again, as watch and serve do, doing
// only the work a change needs:
//
//   - an article that changed is read and parsed again, no other;
//   - the model (site.New) is rebuilt from the parsed articles each time:
//     it is cheap, and it is where an article's neighbours, editions and
//     terms come from;
//   - a page is rendered again only when its fingerprint changed: a hash
//     of everything its templates read of it (see package pagedeps);
//     a feed, when one of its articles did;
//   - a template change re-renders with the parsed articles kept; a static
//     file change copies that file; a config change rebuilds everything;
//   - only files whose bytes changed are written, each replaced whole
//     (output.Update); the first build, and a build after a config change,
//     replace the output folder whole, as Build does.
//
// The output is always the output Build would write from the same files.
// A Builder is not safe for concurrent use: one goroutine runs the builds.
type Builder struct {
	opt  Options // SiteDir made absolute
	seed maphash.Seed

	// Each part below is nil until read, and set back to nil when it has
	// to be read whole again; a config change resets them all.
	cfg *config.Config
	md  *markdown.Renderer
	out string

	sources map[string]*source // by path below content/: articles, and links with their errors
	intro   *source            // content/_index.md, or nil

	tmpl     *render.Templates
	deps     map[string]*pagedeps.Analysis // by page template
	depsSeen pagedeps.Shared               // their subtrees, shared

	static map[string]*staticFile // by output name

	outputs map[string]outState // by output name: what the output folder holds
}

// source is one file below content/ as last read.
type source struct {
	sum     uint64 // hash of the bytes
	article *content.Article
	intro   template.HTML
	err     error
}

type staticFile struct {
	file output.File
	own  bool // the site's, not the built-in theme's
	size int64
	mod  time.Time
	sum  uint64
}

// outState is what one output file was made from, and what it holds.
type outState struct {
	fp  uint64 // the fingerprint of its inputs; 0 when it is always redone
	sum uint64 // hash of its bytes
}

// Rebuild reports what one Builder.Build did.
type Rebuild struct {
	Result
	Full     bool     // everything was read, rendered and written again
	Parsed   int      // articles read and parsed
	Rendered int      // pages and feeds rendered
	Changed  []string // output files written or removed, sorted
	BasePath string   // the path the site is served under, e.g. "/repo/"
}

// NewBuilder returns a Builder for opt. Nothing is read until Build.
func NewBuilder(opt Options) (*Builder, error) {
	if opt.SiteDir == "" {
		opt.SiteDir = "."
	}
	abs, err := filepath.Abs(opt.SiteDir)
	if err != nil {
		return nil, err
	}
	opt.SiteDir = abs
	return &Builder{opt: opt, seed: maphash.MakeSeed()}, nil
}

// Build brings the output folder up to date. changed lists the paths
// (absolute, or relative to the site folder) that changed since the last
// Build: files, or folders whose whole content is to be read again. nil
// means anything may have changed: everything is rebuilt. On failure the
// output folder is left as it was, and the next Build tries again.
func (b *Builder) Build(changed []string) (Rebuild, error) {
	start := time.Now()
	opt := b.opt
	if opt.Now.IsZero() {
		opt.Now = start
	}
	var (
		contentPaths, staticPaths []string
		templates                 bool
		reset                     = changed == nil
	)
	for _, p := range changed {
		rel, ok := b.rel(p)
		if !ok {
			continue
		}
		top, rest, _ := strings.Cut(rel, "/")
		switch {
		case top == "content":
			contentPaths = append(contentPaths, cmpOr(rest, "."))
		case top == "templates":
			templates = true
		case top == "static":
			staticPaths = append(staticPaths, cmpOr(rest, "."))
		case rest == "" && slices.Contains(config.Files, top), rel == ".":
			reset = true
		}
	}
	if reset {
		*b = Builder{opt: b.opt, seed: b.seed}
	}
	var rb Rebuild
	if b.cfg == nil {
		cfg, err := loadConfig(opt)
		if err != nil {
			return rb, err
		}
		out, err := OutDir(opt, cfg)
		if err != nil {
			return rb, err
		}
		*b = Builder{opt: b.opt, seed: b.seed, cfg: cfg, md: markdown.New(cfg.UnsafeHTML), out: out}
	}
	cfg := b.cfg

	// Read what changed.
	contentDir := filepath.Join(opt.SiteDir, "content")
	if fi, err := os.Stat(contentDir); err != nil || !fi.IsDir() {
		return rb, fmt.Errorf("%s has no content/ folder: run the command in the site's root folder, or name it with --site", opt.SiteDir)
	}
	if b.sources == nil {
		contentPaths = []string{"."}
	}
	parsed, err := b.readContent(contentDir, contentPaths)
	if err != nil {
		b.sources = nil
		return rb, err
	}
	rb.Parsed = parsed
	if b.tmpl == nil || templates {
		if err := b.loadTemplates(); err != nil {
			b.tmpl = nil
			return rb, err
		}
	}
	if b.static == nil || len(staticPaths) > 0 {
		if err := b.readStatic(staticPaths); err != nil {
			b.static = nil
			return rb, err
		}
	}
	// Without a record of the output folder, or when someone removed it,
	// everything is rendered and the folder replaced whole.
	full := b.outputs == nil
	if _, err := os.Stat(filepath.Join(b.out, output.Marker)); err != nil {
		full = true
	}

	// Model.
	var errs []error
	var list []*content.Article
	for _, rel := range sortedKeys(b.sources) {
		src := b.sources[rel]
		switch {
		case src.err != nil:
			errs = append(errs, src.err)
		case src.article != nil && included(opt, src.article):
			list = append(list, src.article)
		}
	}
	var intro template.HTML
	if b.intro != nil {
		if b.intro.err != nil {
			errs = append(errs, b.intro.err)
		}
		intro = b.intro.intro
	}
	if err := errors.Join(errs...); err != nil {
		return rb, err
	}
	s, err := site.New(cfg, intro, list)
	if err != nil {
		return rb, err
	}
	pages := s.Pages()

	// Render what changed. Feeds and the sitemap need only the model:
	// they are made while the pages are.
	jobs := feedJobs(s)
	var (
		side                sync.WaitGroup
		feedFiles, machine  []output.File
		feedStates          map[string]outState
		nFeeds              int
		feedErr, machineErr error
	)
	side.Go(func() { feedFiles, feedStates, nFeeds, feedErr = b.renderFeeds(cfg, jobs, full) })
	side.Go(func() { machine, machineErr = machineFiles(cfg, pages) })
	files, states, rendered, err := b.renderPages(s, pages, full)
	side.Wait()
	for _, e := range []error{err, feedErr, machineErr} {
		if e != nil {
			return rb, e
		}
	}
	rb.Rendered = rendered + nFeeds
	generated := make([]output.File, 0, len(jobs)+len(machine))
	for _, j := range jobs {
		generated = append(generated, output.File{Name: j.name})
	}
	generated = append(generated, machine...)
	var static []output.File
	for _, name := range sortedKeys(b.static) {
		static = append(static, b.static[name].file)
	}
	if err := checkOutputs(pages, generated, static); err != nil {
		return rb, err
	}
	files = append(files, feedFiles...)
	for name, st := range feedStates {
		states[name] = st
	}
	for _, f := range machine {
		files = append(files, f)
		states[f.Name] = outState{sum: b.sum(f.Data)}
	}
	for _, sf := range b.static {
		files = append(files, sf.file)
		states[sf.file.Name] = outState{sum: sf.sum}
	}

	// Write what changed.
	if full {
		all := make([]output.File, 0, len(files))
		for _, f := range files {
			if f.Data != nil || f.From != nil {
				all = append(all, f)
			}
		}
		if len(all) != len(states) {
			return rb, fmt.Errorf("internal error: %d files for %d outputs", len(all), len(states))
		}
		if err := output.Replace(b.out, all); err != nil {
			return rb, err
		}
		for name := range states {
			rb.Changed = append(rb.Changed, name)
		}
	} else {
		var write []output.File
		for _, f := range files {
			if old, ok := b.outputs[f.Name]; !ok || old.sum != states[f.Name].sum {
				if f.Data == nil && f.From == nil {
					return rb, fmt.Errorf("internal error: %s changed but was not rendered", f.Name)
				}
				write = append(write, f)
				rb.Changed = append(rb.Changed, f.Name)
			}
		}
		var remove []string
		for name := range b.outputs {
			if _, ok := states[name]; !ok {
				remove = append(remove, name)
				rb.Changed = append(rb.Changed, name)
			}
		}
		slices.Sort(remove)
		if err := output.Update(b.out, write, remove); err != nil {
			b.outputs = nil // what the folder holds is unknown now
			return rb, err
		}
	}
	b.outputs = states
	slices.Sort(rb.Changed)
	rb.Full = full
	rb.BasePath = cfg.BasePath
	rb.Result = Result{Articles: len(s.Articles), Pages: len(pages), Files: len(states), OutDir: b.out, Duration: time.Since(start)}
	return rb, nil
}

// OutDir is the folder the Builder writes, once a build has read the config.
func (b *Builder) OutDir() string { return b.out }

// BasePath is the path the site is served under, once a build has read
// the config, else "/".
func (b *Builder) BasePath() string {
	if b.cfg == nil {
		return "/"
	}
	return b.cfg.BasePath
}

// rel makes p a slash-separated path relative to the site folder.
func (b *Builder) rel(p string) (string, bool) {
	if !filepath.IsAbs(p) {
		p = filepath.Join(b.opt.SiteDir, p)
	}
	rel, err := filepath.Rel(b.opt.SiteDir, p)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", false
	}
	return filepath.ToSlash(rel), true
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// readContent reads the given paths below content/ again: files, or
// folders to read whole. It returns how many articles it parsed; a file
// saved again unchanged is not parsed.
func (b *Builder) readContent(contentDir string, paths []string) (int, error) {
	if b.sources == nil {
		b.sources = map[string]*source{}
	}
	old := map[string]*source{}
	var todo []string
	// A path that is a file is looked up alone; one that is gone or a
	// folder takes all the entries below it, which means a look at every
	// entry. Past a few dozen of those (a folder of 10,000 articles
	// removed file by file), reading all of content/ again is cheaper:
	// only the files that changed are parsed.
	type change struct {
		rel string
		fi  fs.FileInfo
	}
	var changes []change
	seen := map[string]bool{}
	scans := 0
	for _, rel := range paths {
		rel = path.Clean(rel)
		if seen[rel] {
			continue
		}
		seen[rel] = true
		fi, _ := os.Lstat(filepath.Join(contentDir, filepath.FromSlash(rel)))
		if fi == nil || fi.IsDir() {
			scans++
		}
		changes = append(changes, change{rel, fi})
	}
	if scans > 64 {
		fi, _ := os.Lstat(contentDir)
		changes = []change{{".", fi}}
	}
	for _, c := range changes {
		rel, fi := c.rel, c.fi
		if rel == "_index.md" || rel == "." {
			b.readIntro(contentDir)
			if rel == "_index.md" {
				continue
			}
		}
		if fi == nil || fi.IsDir() {
			b.takeUnder(rel, old)
		} else if src, ok := b.sources[rel]; ok {
			old[rel] = src
			delete(b.sources, rel)
		}
		abs := filepath.Join(contentDir, filepath.FromSlash(rel))
		if fi == nil || hiddenDir(rel) {
			continue // gone, or in a folder the build skips
		}
		if !fi.IsDir() {
			if fi.Mode()&fs.ModeSymlink != 0 {
				if err := checkLink(b.opt.SiteDir, abs, rel); err != nil {
					b.sources[rel] = &source{err: err}
					continue
				}
			}
			if isArticle(rel) {
				todo = append(todo, rel)
			}
			continue
		}
		// A folder: read all below it, as loadContent does.
		err := walkArticles(b.opt.SiteDir, contentDir, abs, func(r string, linkErr error) {
			if linkErr != nil {
				b.sources[r] = &source{err: linkErr}
			} else {
				todo = append(todo, r)
			}
		})
		if err != nil {
			return 0, err
		}
	}
	opts := content.Options{Location: b.cfg.Location, Markdown: b.md}
	srcs := make([]*source, len(todo))
	parsed := make([]bool, len(todo))
	parallel(len(todo), func(i int) {
		data, err := readArticle(contentDir, todo[i])
		if err != nil {
			srcs[i] = &source{err: err}
			return
		}
		sum := b.sum(data)
		if o := old[todo[i]]; o != nil && o.sum == sum && o.article != nil {
			srcs[i] = o // saved again unchanged
			return
		}
		a, err := content.Parse(todo[i], "content/"+todo[i], data, opts)
		srcs[i], parsed[i] = &source{sum: sum, article: a, err: err}, true
	})
	n := 0
	for i, rel := range todo {
		b.sources[rel] = srcs[i]
		if parsed[i] {
			n++
		}
	}
	return n, nil
}

// hiddenDir reports whether a path below content/ is inside a folder the
// build skips (one whose name starts with _ or .).
func hiddenDir(rel string) bool {
	dirs := strings.Split(rel, "/")
	for _, d := range dirs[:len(dirs)-1] {
		if hidden(d) {
			return true
		}
	}
	return false
}

// takeUnder moves the entries for rel and everything below it from
// b.sources to into.
func (b *Builder) takeUnder(rel string, into map[string]*source) {
	prefix := rel + "/"
	for k, src := range b.sources {
		if rel == "." || k == rel || strings.HasPrefix(k, prefix) {
			into[k] = src
			delete(b.sources, k)
		}
	}
}

// readIntro reads content/_index.md, the front page's intro, again.
func (b *Builder) readIntro(contentDir string) {
	b.intro = nil
	if _, err := os.Lstat(filepath.Join(contentDir, "_index.md")); errors.Is(err, fs.ErrNotExist) {
		return
	}
	intro, err := loadIntro(contentDir, b.md)
	b.intro = &source{intro: intro, err: err}
}

// loadTemplates parses the templates again. What each page template
// reads is worked out again when it is first needed.
func (b *Builder) loadTemplates() error {
	root := os.DirFS(b.opt.SiteDir)
	tmpl, err := render.Load(b.cfg, sub(root, "templates"), newsdigest.Templates())
	if err != nil {
		return err
	}
	b.tmpl, b.deps, b.depsSeen = tmpl, map[string]*pagedeps.Analysis{}, pagedeps.Shared{}
	return nil
}

// readStatic lists static/ again and hashes the files that changed:
// those named in changed (paths below static/, files or folders), and any
// whose size or time differs.
func (b *Builder) readStatic(changed []string) error {
	own := sub(os.DirFS(b.opt.SiteDir), "static")
	files, err := staticFiles(own, newsdigest.Static())
	if err != nil {
		return err
	}
	old := b.static
	b.static = make(map[string]*staticFile, len(files))
	for _, f := range files {
		sf := &staticFile{file: f, own: f.From == own}
		if info, err := fs.Stat(f.From, f.FromName); err == nil {
			sf.size, sf.mod = info.Size(), info.ModTime()
		}
		if o := old[f.Name]; o != nil && o.own == sf.own && o.size == sf.size && o.mod.Equal(sf.mod) && !touched(changed, f.FromName) {
			sf.sum = o.sum
		} else {
			r, err := f.From.Open(f.FromName)
			if err != nil {
				return fmt.Errorf("static/%s: %w", f.FromName, err)
			}
			var h maphash.Hash
			h.SetSeed(b.seed)
			_, err = io.Copy(&h, r)
			r.Close()
			if err != nil {
				return fmt.Errorf("static/%s: %w", f.FromName, err)
			}
			sf.sum = h.Sum64() | 1
		}
		b.static[f.Name] = sf
	}
	return nil
}

// touched reports whether name, or a folder holding it, is in changed.
func touched(changed []string, name string) bool {
	for _, c := range changed {
		if c == "." || c == name || strings.HasPrefix(name, c+"/") {
			return true
		}
	}
	return false
}

// renderPages renders the pages whose fingerprints changed (all of them
// when full). files holds every page, with Data only for those rendered.
func (b *Builder) renderPages(s *site.Site, pages []*site.Page, full bool) ([]output.File, map[string]outState, int, error) {
	funcs := render.Funcs(s.Config)
	for _, p := range pages {
		if b.deps[p.Template] == nil {
			b.deps[p.Template] = pagedeps.Analyze(b.tmpl, p.Template, funcs, b.seed, b.depsSeen)
		}
	}
	files := make([]output.File, len(pages))
	states := make([]outState, len(pages))
	redo := make([]bool, len(pages))
	var m pagedeps.Memo
	chunks(len(pages), func(lo, hi int) {
		w := pagedeps.NewWalker(b.seed, &m)
		for i := lo; i < hi; i++ {
			p := pages[i]
			files[i].Name = p.File()
			var fp uint64
			if d := b.deps[p.Template]; d.Unsure == "" {
				if sum, ok := w.Fingerprint(p, d); ok {
					fp = mix(b.seed, d.Sum, sum, p.Template)
				}
			}
			old, ok := b.outputs[files[i].Name]
			if full || fp == 0 || !ok || old.fp != fp {
				redo[i] = true
			} else {
				states[i] = old
			}
			states[i].fp = fp
		}
	})
	errs := make([]error, len(pages))
	n := 0
	for _, r := range redo {
		if r {
			n++
		}
	}
	parallel(len(pages), func(i int) {
		if !redo[i] {
			return
		}
		data, err := b.tmpl.Page(pages[i])
		if err != nil {
			errs[i] = err
			return
		}
		files[i].Data = data
		states[i].sum = b.sum(data)
	})
	if err := render.JoinPageErrors(errs); err != nil {
		return nil, nil, 0, err
	}
	byName := make(map[string]outState, len(pages)+1000)
	for i, f := range files {
		byName[f.Name] = states[i]
	}
	return files, byName, n, nil
}

// renderFeeds renders the feeds whose articles changed. A feed shows its
// newest articles' own fields and URLs, so its fingerprint is theirs.
func (b *Builder) renderFeeds(cfg *config.Config, jobs []feedJob, full bool) ([]output.File, map[string]outState, int, error) {
	files := make([]output.File, len(jobs))
	states := make([]outState, len(jobs))
	errs := make([]error, len(jobs))
	redo := make([]bool, len(jobs))
	for i, j := range jobs {
		var h maphash.Hash
		h.SetSeed(b.seed)
		fmt.Fprintf(&h, "%d\x00%s\x00%s\x00%s\x00", j.kind, j.name, j.title, j.path)
		list := j.articles[:min(len(j.articles), feeds.Limit)]
		writeInt(&h, len(list))
		for _, a := range list {
			writeUint(&h, b.sources[a.File].sum)
			h.WriteString(a.Path)
			h.WriteByte(0)
			for _, t := range append([]*site.Term{a.SectionTerm, a.SourceTerm}, a.TagTerms...) {
				if t != nil {
					h.WriteString(t.Name)
				}
				h.WriteByte(0)
			}
		}
		fp := h.Sum64() | 1
		files[i].Name = j.name
		old, ok := b.outputs[j.name]
		if full || !ok || old.fp != fp {
			redo[i] = true
		} else {
			states[i] = old
		}
		states[i].fp = fp
	}
	n := 0
	parallel(len(jobs), func(i int) {
		if redo[i] {
			f, err := jobs[i].render(cfg)
			files[i].Data, errs[i] = f.Data, err
			states[i].sum = b.sum(f.Data)
		}
	})
	if err := errors.Join(errs...); err != nil {
		return nil, nil, 0, err
	}
	byName := make(map[string]outState, len(jobs))
	for i, f := range files {
		byName[f.Name] = states[i]
		if redo[i] {
			n++
		}
	}
	return files, byName, n, nil
}

func (b *Builder) sum(data []byte) uint64 {
	return maphash.Bytes(b.seed, data) | 1 // never 0, which means "unknown"
}

func writeUint(h *maphash.Hash, x uint64) {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], x)
	h.Write(b[:])
}

func writeInt(h *maphash.Hash, x int) { writeUint(h, uint64(x)) }

// mix combines a page's data hash with its templates'.
func mix(seed maphash.Seed, tmpl, data uint64, name string) uint64 {
	var h maphash.Hash
	h.SetSeed(seed)
	writeUint(&h, tmpl)
	writeUint(&h, data)
	h.WriteString(name)
	return h.Sum64() | 1
}

// chunks runs fn over [0,n) in pieces, one goroutine per core.
func chunks(n int, fn func(lo, hi int)) {
	const size = 256
	parallel((n+size-1)/size, func(c int) {
		fn(c*size, min(n, (c+1)*size))
	})
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
