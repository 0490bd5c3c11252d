package pipeline

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/kabar-news/kabar/generator/content"
	"github.com/kabar-news/kabar/generator/internal/hashing"
	"github.com/kabar-news/kabar/generator/links"
	"github.com/kabar-news/kabar/generator/output"
	"github.com/kabar-news/kabar/generator/search"
	"github.com/kabar-news/kabar/generator/site"
	"github.com/kabar-news/kabar/generator/view"
)

// The state is what a build remembers for the next one in a new process:
// each article's parsed metadata by the hash of its file, each page's
// trace and fingerprint, each output file's hash, the IDs the traces
// name, the cards' sums, the search dictionary. It is kept in the cache
// folder (with the resized images; nothing but the site goes into the
// output folder, which is published), one file per output folder, named
// by the folder's path. It is written after the output is committed, with
// a stamp that the output's marker also holds: a hash of every file the
// build knows the output to hold, so that two builds of the same site
// write the same marker.
//
// A state is used only when everything it was made from is the same: the
// format, the program (the executable's own hash), the config and the
// build's options, the output's stamp; a checksum over the whole file
// catches a truncated or damaged one. Anything else, or --fresh, and the
// build renders everything, as with no state: a doubtful state costs
// time, never a wrong site. Templates that changed keep the parsed
// articles and render every page.

// stateMagic starts every state file; the number after it is the format,
// raised whenever what is saved or how it is read changes.
const stateMagic = "kabar-state\x00v3\x00"

// statePath is where the state of the output folder is kept.
func (b *Builder) statePath() string {
	return filepath.Join(b.cacheDir, "state", strconv.FormatUint(hashing.String(b.out), 36)+".state")
}

// stateSummary is the state's first part, read alone: what the state was
// made by and from, and what the build made, enough to tell that nothing
// changed since.
type stateSummary struct {
	Program uint64 // the executable's hash
	Config  uint64 // the config file and the options that change the output
	Stamp   string // also in the output's marker
	Inputs  uint64 // every input file (inputs.go); 0 when not known
	Names   uint64 // their names alone: when they differ, the body is read at once
	// Now is the build's now; Until when an article's time comes or it
	// leaves the news sitemap: between the two, the same inputs make the
	// same site.
	Now, Until             time.Time
	Articles, Pages, Files int
	Bytes                  int64
	Links                  []links.Finding // the broken links, said by every build
}

// stateHeader starts the state's second part: the tables the records of
// pages and articles that follow it refer to.
type stateHeader struct {
	Templates uint64
	Sources   int
	Pages     int
	IDs       *view.IDs
	Cards     *view.Cards
	Dict      *search.Dict        // nil without search
	Index     []byte              // the search index's State
	PageIDs   map[string][]string // what the link checker learnt of pages
	Others    []savedOut
}

type savedSource struct {
	File                   string
	Sum, Meta, Shape, Text uint64
	Doc                    []byte
	Excerpt                string
	Article                *content.Article // without its body or warnings
	// Same names the front matter keys left out of Article.Params as
	// their value is the typed field's, as written (typedParams).
	Same []string
}

// typedParams are the front matter keys whose value, as Params holds it,
// is most often the very string of a typed field: the state keeps one
// copy of each, a sixth of its size at 100,000 articles.
var typedParams = []typedParam{
	{"title", func(a *content.Article) *string { return &a.Title }},
	{"summary", func(a *content.Article) *string { return &a.Summary }},
	{"source", func(a *content.Article) *string { return &a.Source }},
	{"source_url", func(a *content.Article) *string { return &a.SourceURL }},
	{"via", func(a *content.Article) *string { return &a.Via }},
	{"section", func(a *content.Article) *string { return &a.Section }},
	{"image", func(a *content.Article) *string { return &a.Image }},
	{"image_alt", func(a *content.Article) *string { return &a.ImageAlt }},
	{"lang", func(a *content.Article) *string { return &a.Lang }},
}

type typedParam struct {
	key   string
	field func(a *content.Article) *string
}

// trimParams is a's Params without the values typedParams can give back,
// and their keys.
func trimParams(a *content.Article) (map[string]any, []string) {
	var same []string
	for _, t := range typedParams {
		if v, ok := a.Params[t.key].(string); ok && v == *t.field(a) {
			same = append(same, t.key)
		}
	}
	if len(same) == 0 {
		return a.Params, nil
	}
	out := make(map[string]any, len(a.Params)-len(same))
	for k, v := range a.Params {
		if !slices.Contains(same, k) {
			out[k] = v
		}
	}
	return out, same
}

// restoreParams puts back into a's Params what trimParams left out.
func restoreParams(a *content.Article, same []string) error {
	if len(same) > 0 && a.Params == nil {
		a.Params = make(map[string]any, len(same))
	}
	for _, key := range same {
		i := slices.IndexFunc(typedParams, func(t typedParam) bool { return t.key == key })
		if i < 0 {
			return fmt.Errorf("an unknown front matter key %q", key)
		}
		a.Params[key] = *typedParams[i].field(a)
	}
	return nil
}

type savedPage struct {
	File    string
	FP, Sum uint64
	Size    int64
	Keys    []view.Key // the trace, ascending; saved as uvarint deltas
}

type savedOut struct {
	Name    string
	FP, Sum uint64
	Size    int64
}

// The types front matter values can hold, for gob to carry them inside a
// value of another type, which the state's codec hands to gob (vGob).
func init() {
	gob.Register(map[string]any{})
	gob.Register([]any{})
	gob.Register(time.Time{})
	gob.Register([]string{})
	gob.Register(map[any]any{})
	gob.Register(int64(0))
	gob.Register(uint64(0))
}

// programSum hashes the running executable, once: a state made by
// another build of the program is not used, whatever version it says.
var programSum = sync.OnceValue(func() uint64 {
	exe, err := os.Executable()
	if err != nil {
		return 0
	}
	f, err := os.Open(exe)
	if err != nil {
		return 0
	}
	defer f.Close()
	h := hashing.New()
	if _, err := io.Copy(h, f); err != nil {
		return 0
	}
	return h.Sum()
})

// configSum hashes what the output is made from besides the files below
// content/, templates/ and static/: the config file as written, the base
// URL it ends up with, and the options.
func (b *Builder) configSum(opt Options) uint64 {
	h := hashing.New()
	if b.cfg.File != "" {
		data, err := os.ReadFile(filepath.Join(opt.SiteDir, b.cfg.File))
		if err != nil {
			return 0
		}
		h.Write(data)
	}
	fmt.Fprintf(h, "\x00%s\x00%s\x00%t\x00%t\x00", b.cfg.BaseURL, b.cfg.Location, opt.Drafts, opt.Future)
	return h.Sum()
}

// loadState reads the state of the last build into the Builder, when it
// can be used: the articles as parsed, the pages' records, the files'
// hashes; or, when no input changed, marks the output up to date. It says
// why not, for the build's report; the build then goes on as one with no
// state. The inputs are hashed while the state is read.
func (b *Builder) loadState(opt Options) string {
	f, err := os.Open(b.statePath())
	if err != nil {
		b.in = hashInputs(opt.SiteDir)
		if errors.Is(err, os.ErrNotExist) {
			return "no state"
		}
		return err.Error()
	}
	defer f.Close()
	type summary struct {
		s   *stateSummary
		err error
	}
	type body struct {
		st  *loadedState
		err error
	}
	summaries, bodies := make(chan summary, 1), make(chan body, 1)
	goOn := make(chan bool, 1)
	go func() {
		read := false
		defer func() {
			// gob refuses what it cannot read; this is for what it
			// misreads.
			if r := recover(); r != nil {
				err := fmt.Errorf("unreadable: %v", r)
				if read {
					bodies <- body{nil, err}
				} else {
					summaries <- summary{nil, err}
				}
			}
		}()
		s, err := readSummary(f)
		read = true
		summaries <- summary{s, err}
		if err != nil || !<-goOn {
			return
		}
		st, err := readBody(f)
		bodies <- body{st, err}
	}()
	files := listInputs(opt.SiteDir)
	sm := <-summaries
	if sm.err != nil {
		b.in = hashFiles(opt.SiteDir, files)
		return sm.err.Error()
	}
	s := sm.s
	why := ""
	switch {
	case s.Program != programSum() || s.Program == 0:
		why = "made by another build of the program"
	case s.Config != b.configSum(opt):
		why = "the config or the options changed"
	case s.Stamp == "" || s.Stamp != output.Stamp(b.out):
		why = "the output folder was written by another build"
	case output.Interrupted(b.out):
		why = "the last build into the output folder was interrupted"
	}
	if why != "" {
		goOn <- false
		b.in = hashFiles(opt.SiteDir, files)
		return why
	}
	// Files came or went: the build needs the whole state, read while the
	// files are hashed. Else the hashes may show nothing changed.
	early := files.namesSum != s.Names || s.Names == 0
	if early {
		goOn <- true
	}
	b.in = hashFiles(opt.SiteDir, files)
	if !early {
		if b.in.sum != 0 && s.Inputs == b.in.sum && !opt.Now.Before(s.Now) && (s.Until.IsZero() || opt.Now.Before(s.Until)) && !(opt.Strict && len(s.Links) > 0) {
			goOn <- false
			b.upToDate = s
			return ""
		}
		goOn <- true
	}
	bd := <-bodies
	if bd.err != nil {
		return bd.err.Error()
	}
	st := bd.st
	if (st.head.Dict != nil) != (b.dict != nil) {
		return "search was turned on or off"
	}
	if b.dict != nil {
		for _, src := range st.sources {
			if !st.head.Dict.Valid(src.Doc) {
				return "a search entry names an unknown term"
			}
		}
	}
	b.preSums = b.in.articles
	return b.adopt(st)
}

// adopt makes a checked state the Builder's: what the last build knew.
func (b *Builder) adopt(st *loadedState) string {
	if b.dict != nil {
		index, err := search.NewIndexFrom(st.head.Dict, st.head.Index)
		if err != nil {
			return err.Error()
		}
		b.dict, b.index = st.head.Dict, index
	}
	res, err := links.NewResolver(b.cfg.BaseURL)
	if err != nil {
		return err.Error()
	}
	b.ids, b.cards = st.head.IDs, st.head.Cards
	b.links = links.NewChecker(res)
	b.links.LearnIDs(st.head.PageIDs)
	b.sources = make(map[string]*source, len(st.sources))
	for _, s := range st.sources {
		b.sources[s.File] = &source{sum: s.Sum, article: s.Article, meta: s.Meta, shape: s.Shape, text: s.Text,
			body: bodyRef{n: -1}, doc: search.Doc(s.Doc), excerpt: s.Excerpt}
	}
	b.prior = st.pages
	b.priorTemplates = st.head.Templates
	b.others = make(map[string]outState, len(st.head.Others))
	for _, o := range st.head.Others {
		b.others[o.Name] = outState{fp: o.FP, sum: o.Sum, size: o.Size}
	}
	return ""
}

type loadedState struct {
	head    stateHeader
	sources []savedSource
	pages   map[string]*pageState
}

// readSummary reads the state's first part, and checks its checksum.
func readSummary(f *os.File) (*stateSummary, error) {
	var pre [len(stateMagic) + 16]byte
	if _, err := io.ReadFull(f, pre[:]); err != nil || string(pre[:len(stateMagic)]) != stateMagic {
		return nil, errors.New("not a state file of this version")
	}
	size := binary.LittleEndian.Uint64(pre[len(stateMagic):])
	want := binary.LittleEndian.Uint64(pre[len(stateMagic)+8:])
	if size > 1<<26 {
		return nil, errors.New("malformed")
	}
	data := make([]byte, size)
	if _, err := io.ReadFull(f, data); err != nil {
		return nil, errors.New("truncated")
	}
	if hashing.Bytes(data) != want {
		return nil, errors.New("damaged: its checksum does not match")
	}
	s := &stateSummary{}
	if err := gob.NewDecoder(bytes.NewReader(data)).Decode(s); err != nil {
		return nil, err
	}
	return s, nil
}

// readBody reads the rest of the state, after readSummary, and checks
// its checksum before anything read is used.
func readBody(f *os.File) (*loadedState, error) {
	var pre [16]byte
	if _, err := io.ReadFull(f, pre[:]); err != nil {
		return nil, errors.New("truncated")
	}
	size := binary.LittleEndian.Uint64(pre[:])
	want := binary.LittleEndian.Uint64(pre[8:])
	pos, err := f.Seek(0, io.SeekCurrent)
	if err != nil {
		return nil, err
	}
	if fi, err := f.Stat(); err != nil || uint64(fi.Size()) != uint64(pos)+size {
		return nil, errors.New("truncated")
	}
	h := hashing.New()
	r := bufio.NewReaderSize(io.TeeReader(io.LimitReader(f, int64(size)), h), 1<<16)
	dec := gob.NewDecoder(r)
	st := &loadedState{}
	if err := dec.Decode(&st.head); err != nil {
		return nil, err
	}
	if st.head.IDs == nil || st.head.Cards == nil || st.head.Sources < 0 || st.head.Pages < 0 || uint64(st.head.Sources+st.head.Pages) > size {
		return nil, errors.New("malformed")
	}
	st.sources = make([]savedSource, st.head.Sources)
	err = readRecords(r, len(st.sources), size, func(i int, rec *recReader) error {
		src := &st.sources[i]
		if *src = rec.source(); rec.err != nil {
			return rec.err
		}
		return restoreParams(src.Article, src.Same)
	})
	if err != nil {
		return nil, err
	}
	files := make([]string, st.head.Pages)
	states := make([]pageState, st.head.Pages) // one allocation for all
	err = readRecords(r, len(files), size, func(i int, rec *recReader) error {
		p := rec.page()
		files[i], states[i] = p.File, pageState{fp: p.FP, sum: p.Sum, size: p.Size, keys: p.Keys}
		return rec.err
	})
	if err != nil {
		return nil, err
	}
	st.pages = make(map[string]*pageState, len(files))
	for i, file := range files {
		st.pages[file] = &states[i]
	}
	if _, err := io.Copy(io.Discard, r); err != nil {
		return nil, err
	}
	if h.Sum() != want {
		return nil, errors.New("damaged: its checksum does not match")
	}
	return st, nil
}

// saveState writes what this build knows, for the next build: under the
// stamp the output's marker now holds, with what the build made (res). It
// writes a temporary file and renames it into place.
func (b *Builder) saveState(opt Options, res Result) error {
	path := b.statePath()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp-")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	err = b.writeState(tmp, opt, res)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// summary is the state's first part for what this build read and made.
func (b *Builder) summary(opt Options, res Result) *stateSummary {
	s := &stateSummary{Program: programSum(), Config: b.configSum(opt), Stamp: b.stamp, Inputs: b.in.sum, Names: b.in.names,
		Now: b.now, Until: b.validUntil(),
		Articles: res.Articles, Pages: res.Pages, Files: res.Files, Bytes: res.Bytes, Links: res.Links}
	// The inputs were hashed as the build began: they are what it read
	// only if every article it read is as hashed then.
	if len(b.in.articles) != len(b.sources) {
		s.Inputs = 0
	}
	for rel, src := range b.sources {
		if b.in.articles[rel] != src.sum {
			s.Inputs = 0
			break
		}
	}
	return s
}

func (b *Builder) writeState(f *os.File, opt Options, res Result) error {
	var first bytes.Buffer
	if err := gob.NewEncoder(&first).Encode(b.summary(opt, res)); err != nil {
		return err
	}
	pre := make([]byte, len(stateMagic)+16)
	copy(pre, stateMagic)
	binary.LittleEndian.PutUint64(pre[len(stateMagic):], uint64(first.Len()))
	binary.LittleEndian.PutUint64(pre[len(stateMagic)+8:], hashing.Bytes(first.Bytes()))
	pre = append(pre, first.Bytes()...)
	bodyAt := int64(len(pre))
	pre = append(pre, make([]byte, 16)...)
	if _, err := f.Write(pre); err != nil {
		return err
	}
	h := hashing.New()
	cw := &countWriter{w: f}
	w := bufio.NewWriterSize(io.MultiWriter(cw, h), 1<<16)
	enc := gob.NewEncoder(w)
	head := stateHeader{Templates: b.tmpl.AllSum(), Sources: len(b.sources), Pages: len(b.pageList),
		IDs: b.ids, Cards: b.cards, Dict: b.dict, PageIDs: b.links.KnownIDs()}
	for _, name := range sortedKeys(b.others) {
		o := b.others[name]
		head.Others = append(head.Others, savedOut{Name: name, FP: o.fp, Sum: o.sum, Size: o.size})
	}
	if b.index != nil {
		head.Index = b.index.State()
	}
	if err := enc.Encode(&head); err != nil {
		return err
	}
	rels := sortedKeys(b.sources)
	err := writeRecords(w, len(rels), func(i int, rec *recWriter) error {
		rel := rels[i]
		src := b.sources[rel]
		if src.article == nil || src.err != nil {
			return fmt.Errorf("content/%s was not read", rel)
		}
		a := *src.article
		a.Content, a.Warnings = "", nil
		var same []string
		a.Params, same = trimParams(src.article)
		if err := rec.source(&savedSource{File: rel, Sum: src.sum, Meta: src.meta, Shape: src.shape, Text: src.text,
			Doc: src.doc, Excerpt: src.excerpt, Article: &a, Same: same}); err != nil {
			return fmt.Errorf("content/%s: %w", rel, err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	err = writeRecords(w, len(b.pageList), func(i int, rec *recWriter) error {
		st := b.states[i]
		rec.page(&savedPage{File: b.pageList[i].File(), FP: st.fp, Sum: st.sum, Size: st.size, Keys: st.keys})
		return nil
	})
	if err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return err
	}
	var tail [16]byte
	binary.LittleEndian.PutUint64(tail[:], uint64(cw.n))
	binary.LittleEndian.PutUint64(tail[8:], h.Sum())
	_, err = f.WriteAt(tail[:], bodyAt)
	return err
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// outputStamp hashes the name and bytes of every file the build wrote or
// kept: the output's own fingerprint.
func outputStamp(pages []*site.Page, states []*pageState, others map[string]outState) string {
	h := hashing.New()
	for i, p := range pages {
		h.WriteString(p.File())
		h.WriteByte(0)
		h.PutUint(states[i].sum)
	}
	for _, name := range sortedKeys(others) {
		h.WriteString(name)
		h.WriteByte(0)
		h.PutUint(others[name].sum)
	}
	return strconv.FormatUint(h.Sum64(), 36)
}

// upToDateReport is the report of a build that found every input as the
// saved state has it: the output is what a build would write.
func (b *Builder) upToDateReport(start time.Time, s *stateSummary) Rebuild {
	res := Result{Articles: s.Articles, Pages: s.Pages, Files: s.Files, Bytes: s.Bytes, OutDir: b.out, Links: s.Links, UpToDate: true}
	for _, f := range s.Links {
		res.Warnings = append(res.Warnings, f.Diag())
	}
	res.Duration = time.Since(start)
	return Rebuild{Result: res, BasePath: b.cfg.BasePath}
}
