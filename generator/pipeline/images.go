package pipeline

import (
	"errors"
	"fmt"
	"github.com/kabar-news/kabar/generator/internal/hashing"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/kabar-news/kabar/generator/content"
	"github.com/kabar-news/kabar/generator/diag"
	"github.com/kabar-news/kabar/generator/images"
	"github.com/kabar-news/kabar/generator/internal/cores"
	"github.com/kabar-news/kabar/generator/output"
	"github.com/kabar-news/kabar/generator/site"
	"github.com/kabar-news/kabar/generator/view"
)

// Lead images and page bundles.
//
// An article's image: is a web address (used as it is), a path starting
// with / (a file under static/), or a relative path: in a page bundle (an
// article named index.md, with its files in the same folder and below) a
// file of the bundle if there is one, else a file under static/. The files of a bundle
// are copied beside the article's page, so that relative links in its body
// work too; a local image also gets resized copies, written beside the
// original as NAME-480w.jpg and so on.
//
// Copies are made by package images, whose cache outlives the Builder; a
// Builder also remembers which bytes it made them from (the sums it keeps
// of static and bundle files), so an unchanged image is not read again.

// imageSource is one local image file as last made.
type imageSource struct {
	sum uint64 // the file's hash when it was made
	res *images.Result
}

// leadState is an article's lead image as last made.
type leadState struct {
	src  *source // the parse it was made for
	lead *view.Lead
	sum  uint64
}

// isBundle reports whether an article below content/ is a page bundle's.
func isBundle(rel string) bool {
	base := path.Base(rel)
	return base == "index.md" || base == "index.markdown"
}

// isRemote reports whether an image: value is a web address.
func isRemote(s string) bool { return strings.Contains(s, "://") || strings.HasPrefix(s, "//") }

// prepareImages lists the bundles' files and makes the lead images of the
// included articles: what changed since the last build is read again, the
// images on all cores. It returns the files of the articles whose lead
// image changed, the warnings to give, and the extra output files by name.
func (b *Builder) prepareImages(opt Options, contentDir string, contentPaths []string) ([]string, []diag.Diag, map[string]*staticFile, error) {
	r := &imageRun{b: b, opt: opt, contentDir: contentDir, contentPaths: contentPaths,
		extra: map[string]*staticFile{}, assets: map[string]*staticFile{}, bundles: map[string][]string{}, unlisted: map[string]bool{}}
	withImage, bundled := r.articles()
	r.copyBundles(bundled)
	wants, jobs := r.resolveLeads(withImage)
	if err := errors.Join(r.errs...); err != nil {
		return nil, nil, nil, err
	}
	srcs := r.makeSources(wants, jobs)
	if err := errors.Join(r.errs...); err != nil {
		return nil, nil, nil, err
	}
	leads, changed, warnings := r.leads(withImage, wants, srcs)
	if err := errors.Join(r.errs...); err != nil {
		return nil, nil, nil, err
	}
	b.bundles, b.assets, b.leads = r.bundles, r.assets, leads
	b.imgSrcs = srcs
	return changed, warnings, r.extra, nil
}

// imageRun is one prepareImages: what its steps share.
type imageRun struct {
	b            *Builder
	opt          Options
	contentDir   string
	contentPaths []string

	extra    map[string]*staticFile // output files beside the pages
	assets   map[string]*staticFile // the bundles' files, by path below content/
	bundles  map[string][]string    // each bundle's files, by its folder
	unlisted map[string]bool        // articles whose bundle cannot be listed
	errs     []error
}

// want is the source an article's lead image is made from.
type want struct {
	rel    string // the article
	a      *content.Article
	srcKey string      // "static/img/a.jpg" or "content/dunia/x/a.jpg"
	file   *staticFile // the source
	outDir string      // where the copies go, e.g. "img/"
	stem   string
}

// articles are the articles with an image and those of a bundle, in the
// order of their files: one look at every article, and the rest works on
// these few.
func (r *imageRun) articles() (withImage, bundled []string) {
	for rel, src := range r.b.sources {
		a := src.article
		if a == nil || !included(r.opt, a) {
			continue
		}
		if isBundle(rel) {
			bundled = append(bundled, rel)
		}
		if a.Image != "" {
			withImage = append(withImage, rel)
		}
	}
	slices.Sort(withImage)
	slices.Sort(bundled)
	return withImage, bundled
}

// copyBundles puts the bundles' files beside their articles' pages. A
// bundle that cannot be listed is reported once: its article's image is
// not looked for, as it would be "missing" only for want of the listing.
func (r *imageRun) copyBundles(bundled []string) {
	b := r.b
	contentFS := os.DirFS(r.contentDir)
	for _, rel := range bundled {
		a := b.sources[rel].article
		dir := path.Dir(rel)
		names, ok := b.bundles[dir]
		relist := !ok || folderTouched(r.contentPaths, dir)
		if relist {
			var err error
			if names, err = bundleFiles(r.contentDir, dir); err != nil {
				r.errs = append(r.errs, err)
				r.unlisted[rel] = true
				continue
			}
		}
		r.bundles[dir] = names
		outDir := strings.TrimPrefix(site.Permalink(b.cfg, a), "/")
		for _, name := range names {
			fileRel := path.Join(dir, name)
			sf := b.assets[fileRel]
			if sf == nil || relist || touched(r.contentPaths, fileRel) {
				old := sf
				if touched(r.contentPaths, fileRel) {
					old = nil // rewritten: its size and time may not tell
				}
				var err error
				if sf, err = b.readFileSum(contentFS, fileRel, old, "content/"); err != nil {
					r.errs = append(r.errs, err)
					continue
				}
			}
			r.assets[fileRel] = sf
			out := *sf
			out.file.Name = outDir + name
			r.extra[out.file.Name] = &out
		}
	}
}

// resolveLeads finds which file each local lead image is, and which of
// those files must be made again (jobs, by source key).
func (r *imageRun) resolveLeads(withImage []string) ([]want, map[string]*staticFile) {
	b := r.b
	var wants []want
	jobs := map[string]*staticFile{}
	for _, rel := range withImage {
		a := b.sources[rel].article
		if isRemote(a.Image) || r.unlisted[rel] {
			continue
		}
		w, err := b.resolveImage(rel, a, r.assets, r.opt)
		if err != nil {
			r.errs = append(r.errs, err)
			continue
		}
		wants = append(wants, want{rel: rel, a: a, srcKey: w.srcKey, file: w.file, outDir: w.outDir, stem: w.stem})
		if old := b.imgSrcs[w.srcKey]; old == nil || old.sum != w.file.sum {
			jobs[w.srcKey] = w.file
		}
	}
	return wants, jobs
}

// makeSources makes the jobs' resized copies, on all cores, and gives
// every wanted source, made now or before; a source that cannot be made
// is an error on each article that shows it.
func (r *imageRun) makeSources(wants []want, jobs map[string]*staticFile) map[string]*imageSource {
	b := r.b
	keys := sortedKeys(jobs)
	made := make([]*imageSource, len(keys))
	madeErr := make([]error, len(keys))
	cores.For(len(keys), func(i int) {
		sf := jobs[keys[i]]
		data, err := fs.ReadFile(sf.file.From, sf.file.FromName)
		if err != nil {
			madeErr[i] = err
			return
		}
		res, err := b.imgCache.Make(data)
		if err != nil {
			madeErr[i] = err
			return
		}
		made[i] = &imageSource{sum: sf.sum, res: res}
	})
	srcs := make(map[string]*imageSource, len(wants))
	failed := map[string]error{}
	for i, k := range keys {
		if madeErr[i] != nil {
			failed[k] = madeErr[i]
		} else {
			srcs[k] = made[i]
		}
	}
	for _, w := range wants {
		if err := failed[w.srcKey]; err != nil {
			r.errs = append(r.errs, imageError(w, err))
			continue
		}
		if srcs[w.srcKey] == nil {
			srcs[w.srcKey] = b.imgSrcs[w.srcKey]
		}
	}
	return srcs
}

// imageError says that w's source could not be made, and what to do.
func imageError(w want, err error) error {
	e := &content.Error{File: "content/" + w.rel, Line: w.a.ImageLine,
		Message: fmt.Sprintf("image %s: %s is %v", w.a.Image, w.srcKey, err), Fix: "save it again as a JPEG or PNG file"}
	var de *images.DecodeError
	var big *images.TooLargeError
	switch {
	case errors.As(err, &big):
		e.Fix = "make it smaller (a lead image is shown at most 1,200 px wide), or raise max_image_pixels in site.yaml"
	case !errors.As(err, &de):
		e.Message = fmt.Sprintf("image %s: %s cannot be made: %v", w.a.Image, w.srcKey, err)
		e.Fix = "check that the file and the image cache can be read and written"
	}
	return e
}

// leads gives each article's lead and puts the copies among the output
// files; changed are the articles whose lead is not the last build's.
func (r *imageRun) leads(withImage []string, wants []want, srcs map[string]*imageSource) (map[string]*leadState, []string, []diag.Diag) {
	b := r.b
	leads := make(map[string]*leadState, len(b.leads))
	var changed []string
	var warnings []diag.Diag
	add := func(rel string, a *content.Article, lead *view.Lead) {
		st := &leadState{src: b.sources[rel], lead: lead, sum: b.leadSum(a, lead)}
		old := b.leads[rel]
		if old == nil || old.sum != st.sum {
			changed = append(changed, rel)
		}
		if (old == nil || old.src != st.src) && a.ImageAlt == "" {
			warnings = append(warnings, diag.Diag{File: "content/" + rel, Line: a.ImageLine, Severity: diag.Warning,
				Message: fmt.Sprintf("the image %s has no image_alt", a.Image),
				Fix:     `add image_alt: "..." saying what it shows, for readers who cannot see it`})
		}
		leads[rel] = st
	}
	wi := 0 // wants are in the order of withImage
	for _, rel := range withImage {
		a := b.sources[rel].article
		if isRemote(a.Image) {
			add(rel, a, &view.Lead{URL: a.Image, Alt: a.ImageAlt})
			continue
		}
		w := wants[wi]
		wi++
		add(rel, a, r.copies(w, srcs[w.srcKey]))
	}
	return leads, changed, warnings
}

// leadSum hashes what a page shows of a lead.
func (b *Builder) leadSum(a *content.Article, lead *view.Lead) uint64 {
	h := b.hash()
	for _, s := range []string{a.Image, lead.URL, lead.Alt} {
		h.WriteString(s)
		h.WriteByte(0)
	}
	for _, s := range lead.Sizes {
		h.WriteString(s.Path)
		writeInt(h, s.Width)
		writeInt(h, s.Height)
	}
	return h.Sum64() | 1
}

// copies is w's lead, its resized copies put among the output files; a
// copy whose name another file has is an error.
func (r *imageRun) copies(w want, src *imageSource) *view.Lead {
	b, a := r.b, w.a
	cacheFS := b.imgCache.FS()
	lead := &view.Lead{Alt: a.ImageAlt}
	for _, s := range src.res.Sizes {
		name := w.outDir + w.stem + "-" + strconv.Itoa(s.Width) + "w" + src.res.Ext
		lead.Sizes = append(lead.Sizes, view.Size{Path: "/" + name, Width: s.Width, Height: s.Height})
		if _, ok := b.static[name]; ok {
			r.errs = append(r.errs, &content.Error{File: "content/" + w.rel, Line: a.ImageLine,
				Message: fmt.Sprintf("the resized copy %s of %s would overwrite static/%s", name, w.srcKey, name),
				Fix:     "rename one of the two files"})
			continue
		}
		if x, ok := r.extra[name]; ok && x.file.FromName != s.File {
			other := "another image's copy"
			if x.file.From != cacheFS {
				other = "content/" + x.file.FromName
			}
			r.errs = append(r.errs, &content.Error{File: "content/" + w.rel, Line: a.ImageLine,
				Message: fmt.Sprintf("the resized copy %s of %s would overwrite %s", name, w.srcKey, other),
				Fix:     "rename one of the two files"})
			continue
		}
		sf := &staticFile{file: outFile(name, cacheFS, s.File), sum: b.sum([]byte(s.File))}
		if info, err := fs.Stat(cacheFS, s.File); err == nil {
			sf.size = info.Size() // for the build's count of bytes
		}
		r.extra[name] = sf
	}
	return lead
}

// resolved is the local file an article's image names.
type resolved struct {
	srcKey string
	file   *staticFile
	outDir string // the original's folder on the site, where the copies go
	stem   string // its name without the extension
}

// resolveImage finds the file an article's image: names.
func (b *Builder) resolveImage(rel string, a *content.Article, assets map[string]*staticFile, opt Options) (resolved, error) {
	p := a.Image
	if i := strings.IndexAny(p, "?#"); i >= 0 {
		p = p[:i]
	}
	clean := path.Clean("/" + p)[1:]
	bad := func(msg, fix string) error {
		return &content.Error{File: "content/" + rel, Line: a.ImageLine, Message: msg, Fix: fix}
	}
	if clean == "" || strings.Contains(p, "..") {
		return resolved{}, bad(fmt.Sprintf("image %q is not a file of the site", a.Image),
			"write a path such as /img/photo.jpg (a file under static/), a file beside index.md in a page bundle, or an address starting with https://")
	}
	stem := func(name string) string { return strings.TrimSuffix(name, path.Ext(name)) }
	if !strings.HasPrefix(p, "/") && isBundle(rel) {
		fileRel := path.Join(path.Dir(rel), clean)
		if sf := assets[fileRel]; sf != nil {
			outDir := strings.TrimPrefix(site.Permalink(b.cfg, a), "/")
			if d := path.Dir(clean); d != "." {
				outDir += d + "/"
			}
			return resolved{srcKey: "content/" + fileRel, file: sf, outDir: outDir, stem: stem(path.Base(clean))}, nil
		}
	}
	sf := b.static[clean]
	if sf == nil {
		where := "static/" + clean
		if !strings.HasPrefix(p, "/") && isBundle(rel) {
			where = "content/" + path.Join(path.Dir(rel), clean) + " nor " + where
		}
		return resolved{}, bad(fmt.Sprintf("image %s: there is no file %s", a.Image, where),
			"put the image there, or correct the path")
	}
	outDir := ""
	if d := path.Dir(clean); d != "." {
		outDir = d + "/"
	}
	return resolved{srcKey: "static/" + clean, file: sf, outDir: outDir, stem: stem(path.Base(clean))}, nil
}

// folderTouched reports whether a change below content/ may have changed
// the files of the bundle in dir: a change in or below it, or to a folder
// holding it.
func folderTouched(changed []string, dir string) bool {
	for _, c := range changed {
		if c == "." || c == dir || strings.HasPrefix(c, dir+"/") || strings.HasPrefix(dir, c+"/") {
			return true
		}
	}
	return false
}

// bundleFiles lists the files of a page bundle, by path below its folder:
// every file in it and its sub-folders that is neither an article nor
// hidden. A sub-folder with an index.md of its own is another bundle.
func bundleFiles(contentDir, dir string) ([]string, error) {
	root := filepath.Join(contentDir, filepath.FromSlash(dir))
	var names []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel == "." {
				return nil
			}
			if hidden(d.Name()) {
				return fs.SkipDir
			}
			for _, index := range []string{"index.md", "index.markdown"} {
				if _, err := os.Lstat(filepath.Join(p, index)); err == nil {
					return fs.SkipDir
				}
			}
			return nil
		}
		if hidden(d.Name()) || isArticle(rel) {
			return nil
		}
		if !d.Type().IsRegular() {
			return &diag.Diag{File: "content/" + dir + "/" + rel, Message: "not a regular file (a link or device)", Fix: "replace it with a real file"}
		}
		names = append(names, rel)
		return nil
	})
	var d *diag.Diag
	if err != nil && !errors.As(err, &d) {
		return nil, &diag.Diag{File: "content/" + dir, Message: err.Error(), Err: err}
	}
	return names, err
}

// readFileSum stats and hashes one file to copy, keeping old's hash when
// its size and time did not change.
func (b *Builder) readFileSum(from fs.FS, name string, old *staticFile, shown string) (*staticFile, error) {
	sf := &staticFile{file: output.File{Name: name, From: from, FromName: name}}
	info, err := fs.Stat(from, name)
	if err != nil {
		return nil, &diag.Diag{File: shown + name, Message: err.Error(), Err: err}
	}
	sf.size, sf.mod = info.Size(), info.ModTime()
	if old != nil && old.size == sf.size && old.mod.Equal(sf.mod) {
		sf.sum = old.sum
		return sf, nil
	}
	if sf.sum, err = fileSum(from, name); err != nil {
		return nil, &diag.Diag{File: shown + name, Message: err.Error(), Err: err}
	}
	return sf, nil
}

// fileSum hashes a file's bytes as Builder.sum does, without holding a
// large file (an image, a video in static/) in memory.
func fileSum(from fs.FS, name string) (uint64, error) {
	r, err := from.Open(name)
	if err != nil {
		return 0, err
	}
	defer r.Close()
	return hashing.Reader(r)
}

func outFile(name string, from fs.FS, fromName string) output.File {
	return output.File{Name: name, From: from, FromName: fromName}
}
