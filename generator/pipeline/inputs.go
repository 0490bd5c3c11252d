package pipeline

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/kabar-news/kabar/generator/config"
	"github.com/kabar-news/kabar/generator/feeds"
	"github.com/kabar-news/kabar/generator/internal/cores"
	"github.com/kabar-news/kabar/generator/internal/hashing"
)

// inputs is what a build is made from besides the program and the clock:
// every file below content/, templates/ and static/, and the config file,
// by path and bytes, as one hash; and each article's own hash, for the
// read stage to know which articles changed without reading them again.
type inputs struct {
	sum      uint64            // 0: not known (a link to a folder, a file that cannot be read)
	names    uint64            // the files' names alone: inputFiles.namesSum
	articles map[string]uint64 // by path below content/
}

var errNoInputs = errors.New("the inputs cannot be hashed")

// hashInputs reads and hashes every input file, on all cores. It reads
// more than a build does (folders the build skips, files nothing links
// to): a file that changed for nothing costs a build, never a stale site.
func hashInputs(siteDir string) inputs { return hashFiles(siteDir, listInputs(siteDir)) }

// inputFiles names the input files, slash-separated below the site
// folder; ok is false when they cannot all be known. namesSum hashes the
// names alone: a build whose names differ from the last one's (an import,
// a removed article) needs the saved state's whole body, and can start
// reading it before the files are hashed.
type inputFiles struct {
	names    []string
	namesSum uint64
	ok       bool
}

// listInputs walks the input folders.
func listInputs(siteDir string) inputFiles {
	var files []string
	for _, dir := range []string{config.ContentDir, config.TemplatesDir, config.StaticDir} {
		root := filepath.Join(siteDir, dir)
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				if p == root && errors.Is(err, fs.ErrNotExist) {
					return nil
				}
				return err
			}
			if d.IsDir() {
				return nil
			}
			if d.Type()&fs.ModeSymlink != 0 {
				// A link's target is hashed as its file; a linked
				// folder would not be walked, so nothing is known.
				if fi, err := os.Stat(p); err != nil || fi.IsDir() {
					return errNoInputs
				}
			} else if !d.Type().IsRegular() {
				return nil
			}
			rel, _ := filepath.Rel(siteDir, p)
			files = append(files, filepath.ToSlash(rel))
			return nil
		})
		if err != nil {
			return inputFiles{}
		}
	}
	for _, name := range config.Files {
		if fi, err := os.Stat(filepath.Join(siteDir, name)); err == nil && !fi.IsDir() {
			files = append(files, name)
		}
	}
	h := hashing.New()
	for _, name := range files {
		h.WriteString(name)
		h.WriteByte(0)
	}
	return inputFiles{names: files, namesSum: h.Sum(), ok: true}
}

// hashFiles reads and hashes the files, on all cores.
func hashFiles(siteDir string, list inputFiles) inputs {
	if !list.ok {
		return inputs{}
	}
	files := list.names
	sums := make([]uint64, len(files))
	var failed atomic.Bool
	cores.For(len(files), func(i int) {
		sum, err := hashing.File(filepath.Join(siteDir, filepath.FromSlash(files[i])))
		if err != nil {
			failed.Store(true)
		}
		sums[i] = sum
	})
	in := inputs{names: list.namesSum, articles: make(map[string]uint64, len(files))}
	h := hashing.New()
	for i, rel := range files {
		h.WriteString(rel)
		h.WriteByte(0)
		h.PutUint(sums[i])
		if a, ok := strings.CutPrefix(rel, config.ContentDir+"/"); ok && isArticle(a) {
			in.articles[a] = sums[i]
		}
	}
	if !failed.Load() {
		in.sum = h.Sum()
	}
	return in
}

// validUntil is the first time after now at which the output of the
// same inputs could differ: an article's time comes (it leaves the
// future), or it leaves the news sitemap's window. Zero for never.
func (b *Builder) validUntil() time.Time {
	var until time.Time
	earlier := func(t time.Time) {
		if t.After(b.now) && (until.IsZero() || t.Before(until)) {
			until = t
		}
	}
	for _, src := range b.sources {
		if a := src.article; a != nil {
			earlier(a.Date)
			earlier(a.Date.Add(feeds.NewsWindow))
		}
	}
	return until
}
