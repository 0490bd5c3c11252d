package pipeline

import (
	"bytes"
	"errors"
	"fmt"
	"github.com/kabar-news/kabar/generator/internal/hashing"
	"html/template"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	kabar "github.com/kabar-news/kabar"
	"github.com/kabar-news/kabar/generator/config"
	"github.com/kabar-news/kabar/generator/content"
	"github.com/kabar-news/kabar/generator/diag"
	"github.com/kabar-news/kabar/generator/feeds"
	"github.com/kabar-news/kabar/generator/images"
	"github.com/kabar-news/kabar/generator/internal/cores"
	"github.com/kabar-news/kabar/generator/links"
	"github.com/kabar-news/kabar/generator/markdown"
	"github.com/kabar-news/kabar/generator/output"
	"github.com/kabar-news/kabar/generator/render"
	"github.com/kabar-news/kabar/generator/search"
	"github.com/kabar-news/kabar/generator/shortcode"
	"github.com/kabar-news/kabar/generator/site"
	"github.com/kabar-news/kabar/generator/view"
)

// Builder builds one site again and again, doing only the work a change
// needs:
//
//   - an article that changed is read and parsed again, no other; its
//     rendered body goes to the spool, its metadata stays;
//   - the model (site.New) is made again from the parsed articles: it is
//     where an article's neighbours, editions and terms come from;
//   - a page is rendered again only when its fingerprint changed: its own
//     structure, its template files, and the values of what its templates
//     read the last time it was rendered (package view records it);
//     a feed when one of its articles did, a card when what it read did;
//   - only files whose bytes changed are written.
//
// The first Build, and the first after a config change, render and write
// everything into a new output folder swapped in whole. The output is
// always what a first Build of the same files writes. A Builder is not
// safe for concurrent use: one goroutine runs the builds.
type Builder struct {
	opt  Options // SiteDir made absolute
	once bool    // keep nothing for a next build
	// listRendered makes each Rebuild list the pages it rendered, for the
	// tests of what a change renders again.
	listRendered bool
	// remember saves what each build knows beside the output, and the
	// first build loads what the last one saved (state.go).
	remember bool
	stateWhy string // why the first build did not use the saved state
	save     bool   // the state is to be saved after this build

	// Each part below is nil until read, and set back to nil when it has
	// to be read whole again; a config change resets them all.
	cfg    *config.Config
	md     *markdown.Renderer
	out    string
	target output.Target
	bodies *spool

	sources map[string]*source // by path below content/: articles, and links with their errors
	intro   *source            // content/_index.md, or nil
	tmpl    *render.Templates
	static  map[string]*staticFile // by output name

	cacheDir string // the resized images, the saved state
	imgCache *images.Cache
	imgSrcs  map[string]*imageSource // by "static/..." or "content/...": the local images shown
	leads    map[string]*leadState   // by article file
	bundles  map[string][]string     // by folder below content/: a page bundle's files
	assets   map[string]*staticFile  // by path below content/: the bundles' files
	extra    map[string]*staticFile  // by output name: bundle files, resized images

	ids    *view.IDs
	cards  *view.Cards
	dict   *search.Dict        // nil when search is off
	index  *search.Index       // nil when search is off
	numOf  map[string]int      // an article's number in the index, by file
	others map[string]outState // by output name: feeds, machine and static files
	warned map[string]bool     // warnings given since the templates last changed
	links  *links.Checker      // the articles' links and what they point at
	outs   *outputs            // the names of the last model's files
	said   []diag.Diag         // the warnings of the articles parsed in this build

	// The last build's model and pages, and what each page was made from.
	model       *site.Site
	pageList    []*site.Page
	states      []*pageState // by index into pageList
	values      *view.Values
	generated   []output.File // the names of feeds and machine files
	tmplSums    map[string]uint64
	byFile      map[string]*site.Article
	pageOf      map[string]int // an article's page, by file
	staticNames []string
	nextFuture  time.Time // when the next article held back as future is due
	now         time.Time
	// What the saved state says of the last build's pages, by file, until
	// a build of this Builder has made its own.
	prior          map[string]*pageState
	priorTemplates uint64
	in             inputs            // hashed as the build began
	upToDate       *stateSummary     // no input changed since the saved state
	stamp          string            // the output's, as this build committed it
	preSums        map[string]uint64 // the articles' hashes, read beside the state
}

// source is one file below content/ as last read.
type source struct {
	sum     uint64 // hash of the bytes
	article *content.Article
	meta    uint64 // hash of what the article is apart from its body
	shape   uint64 // hash of what places it in the site: date, slug, terms
	text    uint64 // hash of the rendered body
	body    bodyRef
	doc     search.Doc // its terms, for the search index
	excerpt string     // its body text a search result can show
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

// pageState is what one page was rendered from, and what it holds.
type pageState struct {
	fp   uint64
	sum  uint64
	size int64 // of the file written, minified
	keys []view.Key
}

// outState is what one other output file was made from, and what it holds.
type outState struct {
	fp   uint64 // the fingerprint of its inputs; 0 when it is always redone
	sum  uint64 // hash of its bytes, before minifying
	size int64  // of the file written
}

// Rebuild reports what one Builder.Build did.
type Rebuild struct {
	Result
	Full     bool     // everything was read, rendered and written again
	Kept     bool     // the last model was kept, with the changed articles swapped in
	Parsed   int      // articles read and parsed
	Changed  []string // output files written or removed, sorted (not kept by Build)
	BasePath string   // the path the site is served under, e.g. "/repo/"
	rendered []string // the pages rendered, with listRendered
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
	b := &Builder{opt: opt}
	b.SetProgress(opt.Progress)
	return b, nil
}

// SetProgress makes the next builds count their work on m.
func (b *Builder) SetProgress(m Meter) {
	if m == nil {
		m = noMeter{}
	}
	b.opt.Progress = m
}

// Close releases the spool of article bodies.
func (b *Builder) Close() {
	if b.bodies != nil {
		b.bodies.close()
		b.bodies = nil
	}
}

// reset forgets everything read.
func (b *Builder) reset() {
	b.Close()
	*b = Builder{opt: b.opt, once: b.once, listRendered: b.listRendered, remember: b.remember}
}

// Build brings the output up to date. changed lists the paths (absolute,
// or relative to the site folder) that changed since the last Build:
// files, or folders whose whole content is to be read again. nil means
// anything may have changed: everything is rebuilt. On failure the output
// is left as it was, and the next Build tries again.
func (b *Builder) Build(changed []string) (Rebuild, error) {
	rb, err := b.build(changed)
	if err != nil {
		// The changes of a failed build are not in the last model, and
		// may be half swapped into it: the next build makes it again.
		b.model = nil
	}
	if b.once {
		b.Close()
	}
	return rb, err
}

func (b *Builder) build(changed []string) (Rebuild, error) {
	start := time.Now()
	opt := b.opt
	if opt.Now.IsZero() {
		opt.Now = start
	}
	ch := b.classify(changed)
	if ch.reset {
		b.reset()
	}
	if err := b.open(opt); err != nil {
		return Rebuild{}, err
	}
	if b.remember && b.sources == nil && b.out != "" {
		if opt.Fresh {
			b.stateWhy, b.in = "--fresh", hashInputs(opt.SiteDir)
		} else {
			b.stateWhy = b.loadState(opt)
		}
		if s := b.upToDate; s != nil {
			b.upToDate = nil
			return b.upToDateReport(start, s), nil
		}
		if b.sources != nil {
			ch.content = []string{"."} // each file is checked by its hash
		}
	}
	rd, err := b.read(opt, ch)
	if err != nil {
		return Rebuild{Parsed: rd.parsed}, err
	}
	m, err := b.makeModel(opt, rd)
	if err == nil {
		err = b.syncLinks(m.s, m.pages, m.generated, rd.copied, m.mode == reuse, m.swapped)
	}
	if err != nil {
		return Rebuild{Parsed: rd.parsed}, err
	}
	p := b.plan(m, rd.full)
	r, err := b.render(m, p, rd.full)
	if err != nil {
		if r != nil {
			r.txn.Abort()
			b.forgetIndex()
		}
		return Rebuild{Parsed: rd.parsed}, err
	}
	broken, err := b.commit(opt, m, p, r, rd)
	if err != nil {
		return Rebuild{Parsed: rd.parsed}, err
	}
	rb := b.report(start, m, p, r, rd, broken)
	if b.save {
		if err := b.saveState(opt, rb.Result); err != nil {
			rb.Warnings = append(rb.Warnings, diag.Diag{File: b.statePath(), Severity: diag.Warning,
				Message: "the build's state could not be saved: " + err.Error(),
				Fix:     "the next build renders every page; see that the cache folder can be written, or set KABAR_CACHE_DIR"})
		}
	}
	return rb, nil
}

// minifier is shared by all builds: it holds no state of its own.
var minifier = output.NewMinifier()

// writer writes a build's files through its Txn, minified unless the
// config says not to, keeping the names of those it wrote or removed
// while watching. Pages are compared with the last build before they are
// minified: the same page gives the same minified bytes, so a page that
// did not change costs no minifying.
type writer struct {
	txn        output.Txn
	full, keep bool
	min        *output.Minifier // nil: files are written as they are
	bytes      atomic.Int64     // written, for a build that keeps nothing

	mu      sync.Mutex
	changed []string
	errs    []error
}

func (w *writer) note(name string, err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err != nil {
		w.errs = append(w.errs, err)
		return
	}
	if w.keep {
		w.changed = append(w.changed, name)
	}
}

// write writes one file and returns its size as written.
func (w *writer) write(name string, data []byte) int64 { return w.writeFrom(name, name, data) }

// writeFrom writes one file made from source, the name an error gives.
func (w *writer) writeFrom(name, source string, data []byte) int64 {
	if w.min != nil {
		small, done, err := w.min.Minify(source, data)
		if err != nil {
			w.note(name, err)
			return 0
		}
		defer done()
		data = small
	}
	w.note(name, w.txn.Write(name, data))
	w.bytes.Add(int64(len(data)))
	return int64(len(data))
}

// put copies a static file, minified as the files rendered are; size is
// the file's own.
func (w *writer) put(f output.File, size int64) int64 {
	if w.min != nil && w.min.Minifies(f.Name) {
		data, err := fs.ReadFile(f.From, f.FromName)
		if err != nil {
			w.note(f.Name, fmt.Errorf("static/%s: %w", f.FromName, err))
			return 0
		}
		return w.writeFrom(f.Name, "static/"+f.FromName, data)
	}
	w.note(f.Name, output.Put(w.txn, f))
	w.bytes.Add(size)
	return size
}

func (w *writer) remove(name string) error {
	err := w.txn.Remove(name)
	w.note(name, err)
	return err
}

func (w *writer) err() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return errors.Join(w.errs...)
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// renderPages renders the dirty pages on all cores and writes those whose
// bytes changed. It returns every page's state, by index, and how many
// pages of each template read the whole list of articles.
func (b *Builder) renderPages(w *writer, env *view.Env, pages []*site.Page, dirty []bool, old []*pageState, values *view.Values, ids *pageIDs) ([]*pageState, map[string]int, error) {
	var states []*pageState
	if !b.once {
		states = make([]*pageState, len(pages))
	}
	type pageErr struct {
		i   int
		err error
	}
	var errs []pageErr
	var mu sync.Mutex
	readsAll := map[string]int{}
	cores.For(len(pages), func(i int) {
		p := pages[i]
		var prev *pageState
		if old != nil {
			prev = old[i]
		}
		if !dirty[i] {
			states[i] = prev
			return
		}
		buf := bufPool.Get().(*bytes.Buffer)
		buf.Reset()
		defer bufPool.Put(buf)
		rec := view.NewRecorder(env)
		if err := b.tmpl.Page(buf, p, rec.Page(p)); err != nil {
			mu.Lock()
			errs = append(errs, pageErr{i, err})
			mu.Unlock()
			return
		}
		trace := rec.Trace()
		if view.ReadsAllArticles(trace) {
			mu.Lock()
			readsAll[p.Template]++
			mu.Unlock()
		}
		defer b.opt.Progress.Add(1)
		ids.add(b.links, p.File(), buf.Bytes())
		if b.once {
			w.write(p.File(), buf.Bytes())
			return
		}
		st := &pageState{keys: trace, sum: b.sum(buf.Bytes())}
		st.fp = values.Fingerprint(view.Self(p), b.tmpl.Sum(p.Template), trace)
		states[i] = st
		if w.full || prev == nil || prev.sum != st.sum {
			st.size = w.write(p.File(), buf.Bytes())
		} else {
			st.size = prev.size
		}
	})
	if len(errs) > 0 {
		// Said in the order of the pages, whichever worker met them.
		slices.SortFunc(errs, func(a, b pageErr) int { return a.i - b.i })
		list := make([]error, len(errs))
		for k, e := range errs {
			list[k] = e.err
		}
		return nil, nil, render.JoinPageErrors(list)
	}
	return states, readsAll, nil
}

// keep remembers what a build made, for the next one to compare with.
func (b *Builder) keep(s *site.Site, pages []*site.Page, states []*pageState, values *view.Values, generated []output.File, reused bool) {
	b.model, b.pageList, b.states, b.values, b.generated = s, pages, states, values, generated
	b.tmplSums = map[string]uint64{}
	for _, p := range pages {
		if _, ok := b.tmplSums[p.Template]; !ok {
			b.tmplSums[p.Template] = b.tmpl.Sum(p.Template)
		}
	}
	if reused {
		return
	}
	b.byFile = make(map[string]*site.Article, len(s.Articles))
	for _, a := range s.Articles {
		b.byFile[a.File] = a
	}
	b.pageOf = make(map[string]int, len(s.Articles))
	for i, p := range pages {
		if p.Article != nil {
			b.pageOf[p.Article.File] = i
		}
	}
	// An article held back as future joins the site when its time comes,
	// with no file changed: the model is made again then.
	b.nextFuture = time.Time{}
	if !b.opt.Future {
		for _, src := range b.sources {
			if a := src.article; a != nil && (!a.Draft || b.opt.Drafts) && a.Date.After(b.now) {
				if b.nextFuture.IsZero() || a.Date.Before(b.nextFuture) {
					b.nextFuture = a.Date
				}
			}
		}
	}
}

// sameShape reports whether the articles that changed (old holds what
// they were) can be swapped into the last model: none was added, removed,
// held back or let in, and none changed what places it (date, slug,
// section, source, tags, or a title that orders it among articles of the
// same time). The static files must keep their names.
func (b *Builder) sameShape(opt Options, old map[string]*source, static []output.File) bool {
	if !b.nextFuture.IsZero() && !opt.Now.Before(b.nextFuture) {
		return false
	}
	if len(static) != len(b.staticNames) {
		return false
	}
	for i, f := range static {
		if b.staticNames[i] != f.Name {
			return false
		}
	}
	for rel, o := range old {
		n := b.sources[rel]
		if n == nil || o.err != nil || n.err != nil || o.article == nil || n.article == nil {
			return false
		}
		in := included(opt, o.article)
		if in != included(opt, n.article) {
			return false
		}
		if !in {
			continue
		}
		if o.shape != n.shape {
			return false
		}
		if o.article.Title != n.article.Title {
			sa := b.byFile[rel]
			if sa == nil || sa.Older != nil && sa.Older.Date.Equal(sa.Date) || sa.Newer != nil && sa.Newer.Date.Equal(sa.Date) {
				return false
			}
		}
	}
	return true
}

// warnings says, once per template change, which page templates read the
// whole list of articles.
func (b *Builder) warnings(readsAll map[string]int, pages []*site.Page) []diag.Diag {
	if len(readsAll) == 0 {
		return nil
	}
	if b.warned == nil {
		b.warned = map[string]bool{}
	}
	var out []diag.Diag
	for _, name := range sortedKeys(readsAll) {
		if b.warned[name] {
			continue
		}
		b.warned[name] = true
		total := 0
		for _, p := range pages {
			if p.Template == name {
				total++
			}
		}
		out = append(out, diag.Diag{File: "templates/" + name, Severity: diag.Warning,
			Message: fmt.Sprintf("it (or a partial it runs) reads .Site.Articles: its pages depend on every article, so each change to any article renders all %d of them again", total),
			Fix:     "show a page's own articles (.Articles, .Term.Articles, .Day.Articles) to keep rebuilds quick"})
	}
	return out
}

// writeOthers renders the feeds, the sitemap and the machine files, and
// copies the static files: those whose inputs changed, or all when full.
func (b *Builder) writeOthers(w *writer, s *site.Site, jobs []feedJob, pages []*site.Page, full, sameSitemap bool) (map[string]outState, int, error) {
	o := &others{b: b, w: w, cfg: s.Config, full: full, states: map[string]outState{}}
	rendered, err := o.feeds(jobs)
	if err != nil {
		return nil, 0, err
	}
	// The news sitemap holds the articles of the two days before now, and
	// is there only when it has some (an empty urlset is invalid).
	news := feeds.NewsArticles(s.Articles, b.now)
	if err := o.sitemap(pages, sameSitemap, len(news) > 0); err != nil {
		return nil, 0, err
	}
	if err := o.newsSitemap(news); err != nil {
		return nil, 0, err
	}
	o.emit("robots.txt", 0, feeds.Robots(o.cfg, len(news) > 0))
	o.emit(".nojekyll", 0, []byte{})
	if o.cfg.Domain != "" {
		o.emit("CNAME", 0, []byte(o.cfg.Domain+"\n"))
	}
	for _, files := range []map[string]*staticFile{b.static, b.extra} {
		for _, sf := range files {
			st := outState{sum: sf.sum}
			old, ok := b.others[sf.file.Name]
			if full || !ok || old.sum != sf.sum {
				st.size = w.put(sf.file, sf.size)
			} else {
				st.size = old.size
			}
			o.states[sf.file.Name] = st
		}
	}
	return o.states, rendered, nil
}

// others writes the files that are not pages, for writeOthers.
type others struct {
	b    *Builder
	w    *writer
	cfg  *config.Config
	full bool

	mu     sync.Mutex
	states map[string]outState
}

// keep says whether the file can stay as it is, and keeps its state if
// so; fp 0 never does.
func (o *others) keep(name string, fp uint64) bool {
	old, ok := o.b.others[name]
	if o.full || !ok || fp == 0 || old.fp != fp {
		return false
	}
	o.mu.Lock()
	o.states[name] = old
	o.mu.Unlock()
	return true
}

// emit writes a file whose bytes differ from the last build's.
func (o *others) emit(name string, fp uint64, data []byte) {
	st := outState{fp: fp}
	if !o.b.once {
		st.sum = o.b.sum(data)
	}
	old, ok := o.b.others[name]
	if o.full || !ok || old.sum != st.sum {
		st.size = o.w.write(name, data)
	} else {
		st.size = old.size
	}
	o.mu.Lock()
	o.states[name] = st
	o.mu.Unlock()
}

// feeds renders the feeds whose fingerprint changed, on all cores, and
// says how many it rendered.
func (o *others) feeds(jobs []feedJob) (int, error) {
	errs := make([]error, len(jobs))
	var n atomic.Int64
	cores.For(len(jobs), func(i int) {
		j := jobs[i]
		var fp uint64
		if !o.b.once {
			fp = o.b.feedPrint(j)
		}
		if o.keep(j.name, fp) {
			return
		}
		f, err := j.render(o.cfg)
		if err != nil {
			errs[i] = err
			return
		}
		n.Add(1)
		o.emit(j.name, fp, f.Data)
	})
	return int(n.Load()), errors.Join(errs...)
}

// sitemap writes the sitemap's files. It lists every page and the
// articles' dates, and the news sitemap when there is one: with the same,
// it is the same.
func (o *others) sitemap(pages []*site.Page, same, hasNews bool) error {
	b := o.b
	_, hadNews := b.others[feeds.NewsName]
	var fp uint64
	if same && hadNews == hasNews {
		fp = b.others["sitemap.xml"].fp
	} else if !b.once {
		h := b.hash()
		if hasNews {
			h.WriteByte(1)
		}
		for _, p := range pages {
			h.WriteString(p.Path)
			if p.Article != nil {
				writeInt(h, int(p.Article.Modified().UnixNano()))
			}
		}
		fp = h.Sum64() | 1
	}
	if o.keep("sitemap.xml", fp) {
		for _, name := range feeds.SitemapNames(len(pages) - 1) {
			o.states[name] = b.others[name]
		}
		return nil
	}
	return feeds.Sitemap(o.cfg, pages, hasNews, func(name string, data []byte) error {
		o.emit(name, fp, data)
		return nil
	})
}

// newsSitemap writes the news sitemap, when it has articles. It changes
// when its articles do, or when now moves past one of them.
func (o *others) newsSitemap(news []*site.Article) error {
	if len(news) == 0 {
		return nil
	}
	b := o.b
	var fp uint64
	if !b.once {
		h := b.hash()
		for _, a := range news {
			writeUint(h, b.sources[a.File].meta)
			h.WriteString(a.Path)
			h.WriteByte(0)
		}
		fp = h.Sum64() | 1
	}
	if o.keep(feeds.NewsName, fp) {
		return nil
	}
	data, err := feeds.NewsSitemap(o.cfg, news)
	if err != nil {
		return err
	}
	o.emit(feeds.NewsName, fp, data)
	return nil
}

// feedPrint is a feed's fingerprint: a feed shows its newest articles'
// own fields, URLs and terms.
func (b *Builder) feedPrint(j feedJob) uint64 {
	h := b.hash()
	fmt.Fprintf(h, "%d\x00%s\x00%s\x00%s\x00", j.kind, j.name, j.title, j.path)
	list := j.articles[:min(len(j.articles), feeds.Limit)]
	writeInt(h, len(list))
	for _, a := range list {
		writeUint(h, b.sources[a.File].meta)
		h.WriteString(a.Path)
		h.WriteByte(0)
	}
	return h.Sum64() | 1
}

// machineNames are the names of the sitemap files, robots.txt,
// .nojekyll and CNAME.
func machineNames(cfg *config.Config, pages []*site.Page) []string {
	listed := len(pages) - 1 // not the 404 page
	if cfg.Search {
		listed-- // nor the search page
	}
	names := feeds.SitemapNames(listed)
	names = append(names, feeds.NewsName, "robots.txt", ".nojekyll")
	if cfg.Domain != "" {
		names = append(names, "CNAME")
	}
	return names
}

// body is an article's rendered body, from the spool, with the URLs of
// the articles it links to.
func (b *Builder) body(a *site.Article) (template.HTML, error) {
	src := b.sources[a.File]
	if src == nil {
		return "", fmt.Errorf("content/%s: the article is gone", a.File)
	}
	h, err := b.spooled(a.File, src)
	if err != nil {
		return h, err
	}
	// Root-relative links go under the base path first; the links to
	// other articles are tokens until then, and get URLs that have it.
	h = b.rebase(a, h)
	if len(a.Refs) == 0 {
		return h, nil
	}
	urls := make([]string, len(a.Refs))
	for i, r := range a.Refs {
		if r.Article == nil {
			urls[i] = r.Href
			continue
		}
		urls[i] = b.cfg.RelURL(r.Article.Path) + r.Anchor
	}
	return template.HTML(shortcode.Links(string(h), a.LinkMark, urls)), nil
}

// spooled is an article's rendered body as parsed. The articles a saved
// state brought in were parsed by another process: their bodies are
// parsed again when a page needs one.
func (b *Builder) spooled(rel string, src *source) (template.HTML, error) {
	if src.body.n >= 0 {
		return b.bodies.get(src.body)
	}
	data, err := readArticle(filepath.Join(b.opt.SiteDir, config.ContentDir), rel)
	if err != nil {
		return "", err
	}
	if b.sum(data) != src.sum {
		return "", fmt.Errorf("content/%s changed while the site was being built: build it again", rel)
	}
	a, err := content.Parse(rel, "content/"+rel, data, b.parseOptions())
	if err != nil {
		return "", err
	}
	return a.Content, nil
}

func (b *Builder) parseOptions() content.Options {
	return content.Options{Location: b.cfg.Location, Markdown: b.md, BasePath: b.cfg.BasePath}
}

// sums are an article's own hashes, for package view.
func (b *Builder) sums(a *site.Article) (meta, text, image uint64) {
	src := b.sources[a.File]
	if l := b.leads[a.File]; l != nil {
		image = l.sum
	}
	return src.meta, b.rebaseSum(a.File, src.text), image
}

// lead is an article's lead image, for package view.
func (b *Builder) lead(a *site.Article) *view.Lead {
	if l := b.leads[a.File]; l != nil {
		return l.lead
	}
	return nil
}

// parts is what views read of an article beyond its fields: its body
// from the spool, its lead image as the images stage made it.
type parts struct{ b *Builder }

func (p parts) Body(a *site.Article) (template.HTML, error) { return p.b.body(a) }
func (p parts) Lead(a *site.Article) *view.Lead             { return p.b.lead(a) }

// OutDir is the folder the Builder writes, once a build has read the
// config; "" when it writes to memory.
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

func (b *Builder) hash() *hashing.Hash { return hashing.New() }

func (b *Builder) sum(data []byte) uint64 {
	return hashing.Bytes(data) // never 0, which means "unknown"
}

func writeUint(h *hashing.Hash, x uint64) { h.PutUint(x) }

func writeInt(h *hashing.Hash, x int) { writeUint(h, uint64(x)) }

// metaSum hashes what an article is apart from its body: its meta
// fields, as the view declares them.
func (b *Builder) metaSum(a *content.Article) uint64 {
	h := b.hash()
	view.HashMeta(h, a)
	return h.Sum64() | 1
}

// shapeSum hashes what places an article in the site: its URL, its date
// and terms, whether it is held back.
func (b *Builder) shapeSum(a *content.Article) uint64 {
	h := b.hash()
	for _, s := range []string{a.File, a.Slug, a.Section, a.Source} {
		h.WriteString(s)
		h.WriteByte(0)
	}
	writeInt(h, int(a.Date.UnixNano()))
	writeInt(h, len(a.Tags))
	for _, t := range a.Tags {
		h.WriteString(t)
		h.WriteByte(0)
	}
	if a.Draft {
		h.WriteByte(1)
	}
	return h.Sum64() | 1
}

// chunks runs fn over [0,n) in pieces, one goroutine per core.
func chunks(n int, fn func(lo, hi int)) {
	const size = 256
	cores.For((n+size-1)/size, func(c int) {
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

// readContent reads the given paths below content/ again: files, or
// folders to read whole. It returns how many articles it parsed (a file
// saved again unchanged is not parsed), what the files it read again were
// before, and whether it found a file not there before.
func (b *Builder) readContent(contentDir string, paths []string) (int, map[string]*source, bool, error) {
	if b.sources == nil {
		b.sources = map[string]*source{}
	}
	old := map[string]*source{}
	todo, err := b.takeChanged(contentDir, contentChanges(contentDir, paths), old)
	if err != nil {
		return 0, nil, false, err
	}
	slices.Sort(todo) // so that warnings come in the order of the files
	opts := b.parseOptions()
	srcs := make([]*source, len(todo))
	parsed := make([]bool, len(todo))
	cores.For(len(todo), func(i int) {
		srcs[i], parsed[i] = b.readSource(contentDir, todo[i], old[todo[i]], opts)
	})
	b.preSums = nil
	n := 0
	added := false
	b.said = b.said[:0]
	for i, rel := range todo {
		b.sources[rel] = srcs[i]
		if parsed[i] {
			n++
			if a := srcs[i].article; a != nil {
				for _, w := range a.Warnings {
					d := w.Diag()
					d.Severity = diag.Warning
					b.said = append(b.said, d)
				}
			}
		}
		if old[rel] == nil {
			added = true
		}
	}
	return n, old, added, nil
}

// contentChange is a path below content/ to read again, with what it is
// now (nil: gone).
type contentChange struct {
	rel string
	fi  fs.FileInfo
}

// contentChanges looks at each changed path once. A path that is a file
// is looked up alone; one that is gone or a folder takes all the entries
// below it, which means a look at every entry. Past a few dozen of those
// (a folder of 10,000 articles removed file by file), reading all of
// content/ again is cheaper: only the files that changed are parsed.
func contentChanges(contentDir string, paths []string) []contentChange {
	var changes []contentChange
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
		changes = append(changes, contentChange{rel, fi})
	}
	if scans > 64 {
		fi, _ := os.Lstat(contentDir)
		changes = []contentChange{{".", fi}}
	}
	return changes
}

// takeChanged takes the sources the changes touch out of the Builder
// into old, and lists the articles to read again.
func (b *Builder) takeChanged(contentDir string, changes []contentChange, old map[string]*source) ([]string, error) {
	var todo []string
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
			return nil, err
		}
	}
	return todo, nil
}

// readSource is the article rel as it is now: o, what it was, when its
// bytes are the same, else parsed (and parsed is true).
func (b *Builder) readSource(contentDir, rel string, o *source, opts content.Options) (src *source, parsed bool) {
	if o != nil && o.article != nil && b.preSums[rel] == o.sum {
		return o, false // hashed beside the state: unchanged
	}
	data, err := readArticle(contentDir, rel)
	if err != nil {
		return &source{err: err}, false
	}
	sum := b.sum(data)
	if o != nil && o.sum == sum && o.article != nil {
		return o, false // saved again unchanged
	}
	defer b.opt.Progress.Add(1)
	a, err := content.Parse(rel, "content/"+rel, data, opts)
	src = &source{sum: sum, article: a, err: err}
	if err != nil {
		return src, true
	}
	// The body waits in the spool until its page is rendered. Its links
	// are part of it: the tokens they leave are the same whatever they
	// name.
	h := b.hash()
	h.WriteString(string(a.Content))
	for _, l := range a.LinkTags {
		h.WriteString("\x00" + l.Kind + "\x00" + l.Target)
	}
	src.text = h.Sum64()
	if b.dict != nil {
		src.doc, src.excerpt = b.searchDoc(a)
	}
	src.body, src.err = b.bodies.put(string(a.Content))
	a.Content = ""
	src.meta = b.metaSum(a)
	src.shape = b.shapeSum(a)
	return src, true
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

// loadTemplates parses the templates again.
func (b *Builder) loadTemplates() error {
	root := os.DirFS(b.opt.SiteDir)
	tmpl, err := render.Load(b.cfg, sub(root, config.TemplatesDir), kabar.Templates())
	if err != nil {
		return err
	}
	b.tmpl, b.warned = tmpl, nil
	return nil
}

// readStatic lists static/ again and hashes the files that changed:
// those named in changed (paths below static/, files or folders), and any
// whose size or time differs.
func (b *Builder) readStatic(changed []string) error {
	own := sub(os.DirFS(b.opt.SiteDir), config.StaticDir)
	files, err := staticFiles(own, kabar.Static())
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
			if sf.sum, err = fileSum(f.From, f.FromName); err != nil {
				return &diag.Diag{File: "static/" + f.FromName, Message: err.Error(), Err: err}
			}
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
