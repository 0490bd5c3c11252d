package cli

import (
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/kabar-news/kabar/generator/links"
	"github.com/kabar-news/kabar/generator/links/remote"
	"github.com/kabar-news/kabar/generator/pipeline"
)

// runCheck builds the site without writing it and reports its broken
// links; with --external, the dead links to other sites too. The exit
// status is 0 when nothing is broken, 1 when something is (or the site
// does not build), 2 on bad usage.
func runCheck(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("check", "Checks every link and image of every article against the site, writing nothing.\nWith --external, also asks each outside address once whether it is still there.")
	var f siteFlags
	fs.StringVar(&f.site, "site", ".", "the site root, holding content/, templates/, static/ and site.yaml")
	fs.StringVar(&f.baseURL, "base-url", "", "the URL the site is served from, e.g. https://user.github.io/repo/ (overrides the config)")
	fs.BoolVar(&f.drafts, "drafts", false, "include articles marked draft: true")
	fs.BoolVar(&f.future, "future", false, "include articles dated in the future")
	external := fs.Bool("external", false, "also request each outside link (HEAD, else GET) and report the dead ones; answers are kept for a day")
	if code := parse(fs, args, stdout, stderr); code >= 0 {
		return code
	}
	opt, err := f.options()
	if err != nil {
		fmt.Fprintf(stderr, "kabar check: %v\n", err)
		return 2
	}
	opt.Check = true
	res, err := pipeline.Build(opt)
	if err != nil {
		reportError(stderr, err)
		return 1
	}
	found := res.Links
	asked, dead := 0, 0
	if *external {
		cache, err := remote.Cache()
		if err != nil {
			fmt.Fprintf(stderr, "kabar check: no cache folder (%v): every address is asked\n", err)
		}
		urls := slices.Sorted(maps.Keys(res.External))
		answers, err := remote.Check(context.Background(), urls, remote.Options{CacheFile: cache})
		if err != nil {
			fmt.Fprintf(stderr, "kabar check: warning: %v\n", err)
		}
		asked = len(urls)
		for _, a := range answers {
			if !a.Dead {
				continue
			}
			dead++
			for _, w := range res.External[a.URL] {
				found = append(found, links.Finding{File: w.File, Line: w.Line, Column: w.Column,
					Msg: fmt.Sprintf("link %q is dead (%s)", a.URL, a.Reason),
					Fix: "correct the address, link to an archived copy (https://web.archive.org/), or remove the link"})
			}
		}
		slices.SortStableFunc(found, func(a, b links.Finding) int {
			if c := strings.Compare(a.File, b.File); c != 0 {
				return c
			}
			if a.Line != b.Line {
				return a.Line - b.Line
			}
			return a.Column - b.Column
		})
	}
	for _, l := range found {
		fmt.Fprintln(stdout, l)
	}
	summary := fmt.Sprintf("checked the links of %s", count(res.Articles, "article"))
	if *external {
		summary += fmt.Sprintf(", %s elsewhere (%d dead)", count(asked, "address", "addresses"), dead)
	}
	if len(found) == 0 {
		fmt.Fprintf(stdout, "%s: nothing broken\n", summary)
		return 0
	}
	fmt.Fprintf(stdout, "%s: %s\n", summary, count(len(found), "broken link"))
	return 1
}
