package cli

import (
	"fmt"
	"io"
	"regexp"
	"runtime/debug"
	"time"

	"github.com/kabar-news/kabar/generator/starter"
)

func runInit(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("init", "Makes a new site in DIR (default: the current folder), which must be empty or not exist:\n"+
		"site.yaml with every setting explained, one example article, the GitHub Actions workflows\n"+
		"that publish it on GitHub Pages and import feeds every hour, a .gitignore and a README.")
	rest, code := parseArgs(fs, args, stdout, stderr)
	if code >= 0 {
		return code
	}
	dir := "."
	switch len(rest) {
	case 0:
	case 1:
		dir = rest[0]
	default:
		fmt.Fprintf(stderr, "%s init: give one folder, not %d\n", progName, len(rest))
		return 2
	}
	wrote, err := starter.Init(dir, installVersion(), time.Now())
	if err != nil {
		fmt.Fprintf(stderr, "%s init: %v\n", progName, err)
		return 1
	}
	for _, p := range wrote {
		fmt.Fprintln(stdout, "created", p)
	}
	cd := ""
	if dir != "." {
		cd = fmt.Sprintf("cd %s && ", dir)
	}
	fmt.Fprintf(stdout, "a new site is in %s: %s%s serve previews it, %s build builds it\n", dir, cd, progName, progName)
	return 0
}

// installVersion is what the new site's workflows install: this binary's
// own release when it is one (installed with go install @vX.Y.Z, or set at
// link time), so CI builds with what the writer previews with; else
// latest. A pseudo-version or a +dirty build names a commit the module
// proxy may never have seen.
func installVersion() string {
	v := version
	if bi, ok := debug.ReadBuildInfo(); ok && v == "" {
		v = bi.Main.Version
	}
	if release.MatchString(v) && !pseudo.MatchString(v) {
		return v
	}
	return "latest"
}

var (
	release = regexp.MustCompile(`^v\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$`)
	pseudo  = regexp.MustCompile(`\d{14}-[0-9a-f]{12}$`)
)
