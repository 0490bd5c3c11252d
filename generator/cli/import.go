package cli

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/kabar-news/kabar/generator/config"
	"github.com/kabar-news/kabar/generator/importer"
	"github.com/kabar-news/kabar/generator/scaffold"
)

func runImport(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("import", "Imports the new items of news feeds as articles under content/SOURCE/YYYY/MM/DD/.\n"+
		"A FEED is an http(s) address or a file; with none, the feeds: of the site config are read.\n"+
		"Items the site has already are skipped, and no file is ever replaced.")
	site := fs.String("site", ".", "the site root, holding content/ and site.yaml")
	section := fs.String("section", "", "the section of every imported article (overrides the config's)")
	publish := fs.Bool("publish", false, "write draft: false, so that the articles are published at once")
	limit := fs.Int("limit", 0, fmt.Sprintf("import at most this many new articles per feed in this run, the rest in the next runs\n(0: each feed's limit: in the config, else %d)", importer.DefaultLimit))
	feeds, code := parseArgs(fs, args, stdout, stderr)
	if code >= 0 {
		return code
	}
	if *limit < 0 {
		fmt.Fprintf(stderr, "kabar import: --limit %d: give the most new articles per feed, e.g. --limit 50\n", *limit)
		return 2
	}
	opt := importer.Options{SiteDir: *site, Section: *section, Publish: *publish, Limit: *limit, Agent: "kabar/" + strings.Fields(versionString())[0],
		Removed: func(file string) { fmt.Fprintf(stdout, "removed %s, left by an interrupted import\n", file) }}
	for _, f := range feeds {
		if !strings.Contains(f, "://") {
			// A file named on the command line is relative to here, not to the site.
			if abs, err := filepath.Abs(f); err == nil {
				f = abs
			}
		}
		opt.Feeds = append(opt.Feeds, config.Feed{URL: f})
	}
	if len(opt.Feeds) == 0 {
		cfg, err := config.Load(os.DirFS(*site))
		if err != nil {
			fmt.Fprintf(stderr, "kabar import: %v\n", err)
			return 1
		}
		if len(cfg.Feeds) == 0 {
			fmt.Fprintf(stderr, "kabar import: no feeds: name one (kabar import https://www.example.id/rss.xml), or list them under feeds: in %s\n", configName(cfg))
			return 2
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	results, err := importer.Run(ctx, opt)
	if err != nil {
		fmt.Fprintf(stderr, "kabar import: %v\n", err)
		return 1
	}
	var fresh, already, skipped, left, failed int
	for _, r := range results {
		name := r.Name
		for _, w := range r.Warnings {
			fmt.Fprintf(stderr, "%s: warning: %s\n", cmp.Or(name, r.Feed), w)
		}
		if r.Err != nil {
			failed++
			if len(r.New) > 0 {
				fmt.Fprintf(stdout, "%s: %d new before it failed\n", name, len(r.New))
				fresh += len(r.New)
			}
			if name != "" {
				name += ": failed: " + r.Feed
			} else {
				name = r.Feed + ": failed"
			}
			fmt.Fprintf(stderr, "%s: %v\n", name, r.Err)
			continue
		}
		line := fmt.Sprintf("%s: %d new, %d already here", name, len(r.New), r.Already)
		if r.Left > 0 {
			line += fmt.Sprintf(", %d more left for the next run (at most %d a run: limit: in the feed's config, or --limit)", r.Left, r.Limit)
		}
		if len(r.Skipped) > 0 {
			line += fmt.Sprintf(", %d skipped: %s", len(r.Skipped), strings.Join(r.Skipped, "; "))
		}
		fmt.Fprintln(stdout, line)
		fresh, already, skipped, left = fresh+len(r.New), already+r.Already, skipped+len(r.Skipped), left+r.Left
	}
	total := fmt.Sprintf("total: %d new, %d already here, %d skipped", fresh, already, skipped)
	if left > 0 {
		total += fmt.Sprintf(", %d left for the next run", left)
	}
	if failed > 0 {
		total += fmt.Sprintf(", %d of %d feeds failed", failed, len(results))
	}
	fmt.Fprintln(stdout, total)
	if failed > 0 {
		return 1
	}
	return 0
}

func configName(cfg *config.Config) string {
	if cfg.File != "" {
		return cfg.File
	}
	return "site.yaml"
}

func runNew(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("new", "Writes a new draft article with the title, the date and time now, the slug and the\n"+
		"fields to fill in, at the path the site's articles suggest, and prints its path.\n"+
		"It never replaces a file. A site's templates/new.md (a Go text/template) replaces the built-in scaffold.\n"+
		"The title is the argument: kabar new [flags] \"Judul berita\"")
	site := fs.String("site", ".", "the site root, holding content/ and site.yaml")
	section := fs.String("section", "", "the article's section; it also picks the folder")
	source := fs.String("source", "", "the outlet that reported the story")
	words, code := parseArgs(fs, args, stdout, stderr)
	if code >= 0 {
		return code
	}
	if len(words) == 0 {
		fmt.Fprintln(stderr, "kabar new: give the story's title, e.g. kabar new \"Rupiah Menguat\"")
		return 2
	}
	p, err := scaffold.New(scaffold.Options{SiteDir: *site, Title: strings.Join(words, " "), Section: *section, Source: *source})
	if err != nil {
		fmt.Fprintf(stderr, "kabar new: %v\n", err)
		return 1
	}
	fmt.Fprintln(stdout, filepath.Join(*site, filepath.FromSlash(p)))
	return 0
}
