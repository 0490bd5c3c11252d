// Package importer turns the items of news feeds (RSS 0.9x/1.0/2.0, Atom,
// JSON Feed) into Markdown articles under content/, one file per new item,
// in a folder by source and date: content/antara/2025/04/28/slug.md.
//
// An item already in the site, imported before or from another feed, is
// recognised by its GUID, its normalised link, or a hash of its title and
// date (see keys.go), read from the articles' own front matter, so no
// state is kept beside them. Files are only ever created, never replaced:
// an article an editor has changed is safe, and so is running the import
// again. Each file is checked with the content parser the build uses
// before it is written, so what is imported builds.
package importer

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mmcdole/gofeed"
	"go.yaml.in/yaml/v4"

	"github.com/kabar-news/kabar/generator/config"
	"github.com/kabar-news/kabar/generator/content"
	"github.com/kabar-news/kabar/generator/internal/atomicfile"
	"github.com/kabar-news/kabar/generator/internal/cores"
	"github.com/kabar-news/kabar/generator/markdown"
)

// Options say what to import and how.
type Options struct {
	SiteDir string
	// Feeds to read; empty means the config's feeds.
	Feeds   []config.Feed
	Section string // overrides every feed's section
	Publish bool   // write draft: false
	// Limit is the most new articles one feed gives in this run, over
	// each feed's own limit; 0 means the feed's own, else DefaultLimit.
	Limit int
	Now   time.Time
	// Timeout and MaxBytes bound each fetch; zero means the defaults.
	Timeout  time.Duration
	MaxBytes int64
	Agent    string // the HTTP User-Agent
	// Removed, when set, is told of each leftover of an interrupted
	// import that was removed, by its path.
	Removed func(file string)
}

// LeftoverAge is how old the temporary file of an article must be to be
// taken for the leftover of an import that was killed: writing one takes
// a moment, so an older one is no longer in use.
const LeftoverAge = 10 * time.Minute

// DefaultLimit is the most new articles a feed gives in one run unless
// told otherwise: a feed of thousands of items (a mistake, or an attack)
// does not become thousands of articles at once. The rest come in the
// next runs.
const DefaultLimit = 100

// MaxSummary bounds an article's summary, in characters.
const MaxSummary = 300

// Result is what happened to one feed.
type Result struct {
	Feed    string   // the address or file as given
	Name    string   // the outlet's name
	New     []string // files written, relative to the site root
	Already int      // items the site has
	Left    int      // new items left for the next run by the limit
	Limit   int      // the limit that applied
	Skipped []string // why each skipped item was skipped
	// Warnings are what was wrong with the feed but did not cost an
	// item.
	Warnings []string
	Err      error // the feed could not be read, or an article not written
}

// item is one feed item on its way to a file.
type item struct {
	run      *feedRun
	res      *Result
	src      *gofeed.Item
	keys     keys
	title    string
	date     time.Time
	dateNote string // why the date is not the item's own
	link     string
	id       string
	fm       frontMatter
	body     string
	slug     string
	dir      string // relative to content/
	skip     string
}

// feedRun is one feed being imported.
type feedRun struct {
	cfg    config.Feed
	res    *Result
	parsed *gofeed.Feed
	base   *url.URL // what relative links are read against
	items  []*item
}

// Run imports opt's feeds into the site. It fails only when the site
// itself cannot be read; a feed that fails is reported in its Result, and
// the others are still imported.
func Run(ctx context.Context, opt Options) ([]*Result, error) {
	cfg, err := config.Load(os.DirFS(opt.SiteDir))
	if err != nil {
		return nil, err
	}
	feeds := opt.Feeds
	if len(feeds) == 0 {
		feeds = cfg.Feeds
	}
	if opt.Now.IsZero() {
		opt.Now = time.Now()
	}
	if opt.Timeout == 0 {
		opt.Timeout = DefaultTimeout
	}
	if opt.MaxBytes == 0 {
		opt.MaxBytes = DefaultMaxBytes
	}
	if opt.Agent == "" {
		opt.Agent = "kabar-import"
	}
	contentDir := filepath.Join(opt.SiteDir, "content")
	// The site's articles are read while the feeds download.
	var idx *index
	var scanErr error
	scanned := make(chan struct{})
	go func() { idx, scanErr = scan(contentDir, cfg.Location); close(scanned) }()

	runs := make([]*feedRun, len(feeds))
	f := newFetcher(opt.Timeout, opt.MaxBytes, opt.Agent)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8) // feeds wait on the network, not the CPU
	for i, fc := range feeds {
		if opt.Section != "" {
			fc.Section = opt.Section
		}
		r := &feedRun{cfg: fc, res: &Result{Feed: fc.URL, Name: fc.Source}}
		runs[i] = r
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			r.read(ctx, f, opt.SiteDir)
		})
	}
	wg.Wait()
	<-scanned
	if scanErr != nil {
		return nil, scanErr
	}
	removeLeftovers(idx.leftovers, opt.Removed)

	// Which items are new is decided in the order the feeds are listed,
	// so that of two feeds with one story the first one has it.
	var fresh []*item
	for _, r := range runs {
		if r.res.Err == nil {
			fresh = append(fresh, r.pick(idx, opt, cfg.Location)...)
		}
	}
	md := markdown.New(cfg.UnsafeHTML)
	convertAll(fresh, opt, cfg.Location, md)
	for _, it := range fresh {
		if it.res.Err != nil {
			continue
		}
		if it.skip != "" {
			it.res.Skipped = append(it.res.Skipped, it.skip)
			continue
		}
		if err := write(it, contentDir, idx); err != nil && it.res.Err == nil {
			// The site, not the feed, is at fault (a full disk, a folder
			// not writable): the feed fails, and its next items are not tried.
			it.res.Err = fmt.Errorf("%q could not be written: %w", it.title, err)
		}
	}
	out := make([]*Result, len(runs))
	for i, r := range runs {
		out[i] = r.res
	}
	return out, nil
}

// removeLeftovers removes the temporary files of articles that are old
// enough not to be in use.
func removeLeftovers(files []string, removed func(string)) {
	for _, f := range files {
		info, err := os.Lstat(f)
		if err != nil || !info.Mode().IsRegular() || time.Since(info.ModTime()) < LeftoverAge {
			continue
		}
		if os.Remove(f) == nil && removed != nil {
			removed(f)
		}
	}
}

// read fetches and parses one feed.
func (r *feedRun) read(ctx context.Context, f *fetcher, siteDir string) {
	data, base, err := f.fetch(ctx, r.cfg.URL, siteDir)
	if err != nil {
		r.res.Err = err
		return
	}
	data, warning := validUTF8(data)
	if warning != "" {
		r.res.Warnings = append(r.res.Warnings, warning)
	}
	parsed, skipped, err := parseFeed(data)
	if err != nil {
		r.res.Err = parseError(data, err)
		return
	}
	r.res.Skipped = append(r.res.Skipped, skipped...)
	r.parsed = parsed
	if base == nil { // a file: its links are read against the feed's site
		if u, err := url.Parse(parsed.FeedLink); err == nil && u.IsAbs() {
			base = u
		} else if u, err := url.Parse(parsed.Link); err == nil && u.IsAbs() {
			base = u
		}
	}
	r.base = base
	if r.res.Name == "" {
		r.res.Name = plainText(parsed.Title)
	}
	if r.res.Name == "" && base != nil {
		r.res.Name = strings.TrimPrefix(base.Hostname(), "www.")
	}
	if r.res.Name == "" {
		r.res.Name = strings.TrimSuffix(filepath.Base(r.cfg.URL), filepath.Ext(r.cfg.URL))
	}
}

// parseError explains why a feed could not be read.
func parseError(data []byte, err error) error {
	if errors.Is(err, gofeed.ErrFeedTypeNotDetected) {
		start := strings.Join(strings.Fields(string(bytes.ToValidUTF8(data[:min(len(data), 40)], []byte("?")))), " ")
		return fmt.Errorf("not a feed: the answer is neither RSS, Atom nor JSON Feed (it starts %q): check the address", start)
	}
	return fmt.Errorf("the feed is broken: %v", err)
}

// pick decides which items are new, and gives each its keys, title, date
// and link. Items it takes are added to idx at once, so that a story twice
// in one run is imported once.
func (r *feedRun) pick(idx *index, opt Options, loc *time.Location) []*item {
	source := content.Slugify(r.res.Name)
	if source == "" {
		source = "feed"
	}
	limit := cmp.Or(opt.Limit, r.cfg.Limit, DefaultLimit)
	r.res.Limit = limit
	var fresh []*item
	for n, src := range r.parsed.Items {
		it := &item{run: r, res: r.res, src: src, dir: source}
		it.title = plainText(src.Title)
		if it.title == "" {
			it.title = truncate(plainText(firstNonEmpty(src.Description, src.Content)), 80)
		}
		if it.title == "" {
			r.res.Skipped = append(r.res.Skipped, fmt.Sprintf("item %d has no title and no text", n+1))
			continue
		}
		if u, err := url.Parse(strings.TrimSpace(src.Link)); err == nil && src.Link != "" {
			if r.base != nil {
				u = r.base.ResolveReference(u)
			}
			if (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
				it.link = cleanLink(u)
			}
		}
		itemDate := src.PublishedParsed
		if itemDate == nil {
			itemDate = src.UpdatedParsed
		}
		switch {
		case itemDate != nil:
			it.date = *itemDate
		case r.parsed.PublishedParsed != nil || r.parsed.UpdatedParsed != nil:
			it.date = *firstTime(r.parsed.PublishedParsed, r.parsed.UpdatedParsed)
			it.dateNote = "the feed gives no date for this item: this is the feed's own date"
		default:
			it.date = opt.Now
			it.dateNote = "the feed gives no date for this item: this is when it was imported"
		}
		it.date = it.date.In(loc).Truncate(time.Second)
		var hashDate time.Time
		if itemDate != nil {
			hashDate = it.date
		}
		hash := hashID(source, it.title, hashDate)
		guid := strings.TrimSpace(src.GUID)
		if strings.ContainsAny(guid, "<\x00\x1f") {
			guid = plainText(guid) // an ID is text; markup in it is an attack or a mistake
		}
		it.keys = keys{guid: guidKey(source, guid), link: linkKey(it.link), hash: hash}
		if it.keys.link == "" && strings.HasPrefix(it.keys.guid, "link:") {
			it.keys.link = it.keys.guid
		}
		switch {
		case guid != "":
			it.id = guid
		case it.link != "":
			it.id = it.link
		default:
			it.id = hash
		}
		if idx.has(it.keys) {
			r.res.Already++
			continue
		}
		if len(fresh) == limit {
			r.res.Left++
			continue
		}
		idx.add(it.keys)
		fresh = append(fresh, it)
	}
	return fresh
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}

func firstTime(ts ...*time.Time) *time.Time {
	for _, t := range ts {
		if t != nil {
			return t
		}
	}
	return nil
}

// convertAll makes the files of the new items, on all cores: sanitising
// and converting HTML, and checking the result as the build will read it.
func convertAll(items []*item, opt Options, loc *time.Location, md *markdown.Renderer) {
	cores.For(len(items), func(i int) { items[i].convert(opt, loc, md) })
}

// frontMatter is an imported article's front matter, in the order it is
// written.
type frontMatter struct {
	Title     string   `yaml:"title"`
	Date      string   `yaml:"date"`
	Slug      string   `yaml:"slug"`
	Source    string   `yaml:"source"`
	SourceURL string   `yaml:"source_url,omitempty"`
	Via       string   `yaml:"via,omitempty"`
	Section   string   `yaml:"section,omitempty"`
	Tags      []string `yaml:"tags,omitempty,flow"`
	Summary   string   `yaml:"summary,omitempty"`
	Draft     bool     `yaml:"draft"`
	SourceID  string   `yaml:"source_id"`
}

func (it *item) convert(opt Options, loc *time.Location, md *markdown.Renderer) {
	src := it.src
	// The text was cut from the item's page, so its relative links are
	// read against that page.
	base := it.run.base
	if it.link != "" {
		base, _ = url.Parse(it.link)
	}
	body, err := markdownOf(firstNonEmpty(src.Content, src.Description), base)
	if err != nil {
		it.skip = fmt.Sprintf("%q: its text could not be converted: %v", it.title, err)
		return
	}
	summary := plainText(src.Description)
	if summary == "" {
		summary = plainText(src.Content)
	}
	fm := frontMatter{
		Title:     it.title,
		Date:      it.date.Format(time.RFC3339),
		Source:    it.res.Name,
		SourceURL: it.link,
		Via:       agencyOf(src, summary, it.res.Name),
		Section:   it.run.cfg.Section,
		Tags:      tagsOf(src.Categories),
		Summary:   truncate(summary, MaxSummary),
		Draft:     !opt.Publish,
		SourceID:  it.id,
	}
	it.slug = content.Slugify(it.title)
	if it.slug == "" {
		it.slug = "berita-" + strings.TrimPrefix(hashID(it.dir, it.title, it.date), "sha256:")[:8]
	}
	it.fm, it.body = fm, body
	it.dir = path.Join(it.dir, it.date.In(loc).Format("2006/01/02"))
	file := path.Join(it.dir, it.slug+".md")
	data, err := it.file(it.slug)
	if err == nil {
		_, err = content.Parse(file, "content/"+file, data, content.Options{Location: loc, Markdown: md})
		if err != nil {
			err = fmt.Errorf("the article it makes would not build: %w", err)
		}
	}
	if err != nil {
		it.skip = fmt.Sprintf("%q: %v", it.title, err)
	}
}

// file is the article file, with slug.
func (it *item) file(slug string) ([]byte, error) {
	fm := it.fm
	fm.Slug = slug
	head, err := yaml.Marshal(&fm)
	if err != nil {
		return nil, err
	}
	if it.dateNote != "" {
		head = bytes.Replace(head, []byte("\nslug:"), []byte(" # "+it.dateNote+"\nslug:"), 1)
	}
	var b bytes.Buffer
	b.WriteString("---\n")
	b.Write(head)
	b.WriteString("---\n")
	if it.body != "" {
		b.WriteString("\n" + it.body + "\n")
	}
	return b.Bytes(), nil
}

// write creates the item's file, under a slug no other article has.
func write(it *item, contentDir string, idx *index) error {
	slug := it.slug
	for n := 2; ; n++ {
		if !idx.slugs[slug] {
			file := path.Join(it.dir, slug+".md")
			data, err := it.file(slug)
			if err != nil {
				return err
			}
			err = atomicfile.Create(filepath.Join(contentDir, filepath.FromSlash(file)), data)
			if err == nil {
				idx.slugs[slug] = true
				it.res.New = append(it.res.New, path.Join("content", file))
				return nil
			}
			if !errors.Is(err, fs.ErrExist) {
				return err
			}
		}
		idx.slugs[slug] = true
		slug = it.slug + "-" + strconv.Itoa(n)
	}
}
