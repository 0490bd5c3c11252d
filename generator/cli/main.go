// Package cli is the kabar command: its subcommands and their flags. The
// work is done by the packages beside it; ./generator and
// ./generator/cmd/kabar are the two ways to run it (go run, go install).
package cli

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"
	_ "time/tzdata" // time zones work on machines without a zoneinfo database

	"github.com/kabar-news/kabar/generator/diag"
	"github.com/kabar-news/kabar/generator/pipeline"
	"github.com/kabar-news/kabar/generator/progress"
)

// version is set at link time (-ldflags "-X github.com/kabar-news/kabar/generator/cli.version=v1.2.3"); else
// the module's build info is used.
var version = ""

// usage is the command's help; %[1]s is the name it was run as.
const usage = `%[1]s builds a static news digest from Markdown articles.

Usage:
  %[1]s init [DIR]       make a new site in DIR (default: here), which must be empty
  %[1]s build [flags]    build the site into the output folder
  %[1]s serve [flags]    build, serve on 127.0.0.1:1313, rebuild and reload on every change
  %[1]s watch [flags]    rebuild on every change, without a server
  %[1]s check [flags]    report broken links without writing the site (--external: outside links too)
  %[1]s import [flags] [FEED ...]
                         import new items of news feeds as draft articles
  %[1]s new [flags] TITLE
                         write a new draft article
  %[1]s deploy [flags]   upload the built site to a bucket (S3, R2, GCS), only what changed
  %[1]s version          print the version and the revision it was built from
  %[1]s help [command]   show help for a command

Run "%[1]s COMMAND --help" for a command's flags.
`

// progName is the name the command was run as, for its help: kabar when
// installed, generator under go run ./generator, or whatever the binary
// was renamed to.
var progName = "kabar"

// programName is the base name of argv0, without Windows' .exe.
func programName(argv0 string) string {
	name := strings.TrimSuffix(filepath.Base(argv0), ".exe")
	if name == "" || name == "." || name == string(filepath.Separator) {
		return "kabar"
	}
	return name
}

// help is the usage with the program's name.
func help() string { return fmt.Sprintf(usage, progName) }

// Main runs the command line in os.Args and returns the exit status.
func Main() int {
	if os.Getenv("GOGC") == "" {
		tuneGC()
	}
	progName = programName(os.Args[0])
	if f := os.Getenv("KABAR_MEMPROFILE"); f != "" {
		profileHeap(f, os.Stderr)
	}
	if f := os.Getenv("KABAR_CPUPROFILE"); f != "" {
		defer profileCPU(f, os.Stderr)()
	}
	return run(os.Args[1:], os.Stdout, os.Stderr)
}

// run is main without the exit, so tests can call it. It returns the exit
// status: 0 success, 1 a failed build, 2 bad usage.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, help())
		return 2
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "init":
		return runInit(rest, stdout, stderr)
	case "build":
		return runBuild(rest, stdout, stderr)
	case "serve":
		return runServe(rest, stdout, stderr)
	case "watch":
		return runWatch(rest, stdout, stderr)
	case "check":
		return runCheck(rest, stdout, stderr)
	case "import":
		return runImport(rest, stdout, stderr)
	case "new":
		return runNew(rest, stdout, stderr)
	case "deploy":
		return runDeploy(rest, stdout, stderr)
	case "version", "--version", "-version":
		fs := newFlagSet("version", "Prints the version of the generator.")
		if code := parse(fs, rest, stdout, stderr); code >= 0 {
			return code
		}
		fmt.Fprintln(stdout, "kabar", versionString())
		return 0
	case "help", "-h", "--help", "-help":
		// "help --help" must not ask the help command for its own help forever.
		if len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
			return run([]string{rest[0], "--help"}, stdout, stderr)
		}
		fmt.Fprint(stdout, help())
		return 0
	}
	fmt.Fprintf(stderr, "%s: unknown command %q\n\n%s", progName, cmd, help())
	return 2
}

// siteFlags are the flags every building command shares.
type siteFlags struct {
	site, out, baseURL string
	drafts, future     bool
}

func (f *siteFlags) register(fs *flag.FlagSet, withBaseURL bool) {
	fs.StringVar(&f.site, "site", ".", "the site root, holding content/, templates/, static/ and site.yaml")
	fs.StringVar(&f.out, "out", "", "the output folder (default: the config's output, else public/ under the site root)")
	if withBaseURL {
		fs.StringVar(&f.baseURL, "base-url", "", "the URL the site is served from, e.g. https://user.github.io/repo/ (overrides the config)")
	}
	fs.BoolVar(&f.drafts, "drafts", false, "include articles marked draft: true")
	fs.BoolVar(&f.future, "future", false, "include articles dated in the future")
}

func (f *siteFlags) options() (pipeline.Options, error) {
	now, err := buildNow()
	return pipeline.Options{SiteDir: f.site, OutDir: f.out, BaseURL: f.baseURL, Drafts: f.drafts, Future: f.future, Now: now}, err
}

// parse parses a command's flags; it returns -1 to go on, or an exit status.
func parse(fs *flag.FlagSet, args []string, stdout, stderr io.Writer) int {
	if code := parseFlags(fs, args, stdout, stderr); code >= 0 {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "kabar %s: unexpected argument %q\n", fs.Name(), fs.Arg(0))
		return 2
	}
	return -1
}

// parseArgs parses a command that takes arguments besides its flags, in
// any order ("import URL --publish" as well as "import --publish URL").
func parseArgs(fs *flag.FlagSet, args []string, stdout, stderr io.Writer) ([]string, int) {
	var rest []string
	for {
		if code := parseFlags(fs, args, stdout, stderr); code >= 0 {
			return nil, code
		}
		if fs.NArg() == 0 {
			return rest, -1
		}
		rest = append(rest, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// parseFlags parses flags up to the first argument.
func parseFlags(fs *flag.FlagSet, args []string, stdout, stderr io.Writer) int {
	// Parse prints the usage itself, on -h to stdout and after an error
	// to stderr: hold it until we know which.
	var msg bytes.Buffer
	fs.SetOutput(&msg)
	err := fs.Parse(args)
	fs.SetOutput(stderr)
	if errors.Is(err, flag.ErrHelp) {
		stdout.Write(msg.Bytes())
		return 0
	}
	stderr.Write(msg.Bytes())
	if err != nil {
		return 2
	}
	return -1
}

func newFlagSet(name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: %s %s [flags]\n\n%s\n\nFlags:\n", progName, name, synopsis)
		fs.PrintDefaults()
	}
	return fs
}

func runBuild(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("build", "Builds the site from content/, templates/ and static/ into the output folder.\nThe folder is replaced only when the whole build succeeds.")
	var f siteFlags
	f.register(fs, true)
	strict := fs.Bool("strict", false, "fail on a broken link instead of warning, leaving the output as it was")
	fresh := fs.Bool("fresh", false, "render every page, ignoring what the last build saved beside the output folder")
	format := fs.String("format", "text", "how to print errors and warnings: text, or json (one JSON object per line on stdout, for editors and CI)")
	if code := parse(fs, args, stdout, stderr); code >= 0 {
		return code
	}
	if *format != "text" && *format != "json" {
		fmt.Fprintf(stderr, "kabar build: --format is %q: it is text or json\n", *format)
		return 2
	}
	opt, err := f.options()
	if err != nil {
		fmt.Fprintf(stderr, "kabar build: %v\n", err)
		return 2
	}
	opt.Strict, opt.Fresh = *strict, *fresh
	meter := progress.New(stderr)
	opt.Progress = meter
	meter.Start()
	res, err := pipeline.Build(opt)
	meter.Stop()
	summary := stdout
	if *format == "json" {
		// stdout holds the diagnostics alone, so that a reader can take
		// every line as JSON.
		summary = stderr
		if werr := diag.WriteJSON(stdout, append(res.Warnings, diag.List(err)...)); werr != nil {
			fmt.Fprintf(stderr, "kabar build: %v\n", werr)
			return 1
		}
	} else {
		reportWarnings(stderr, "build", res.Warnings)
	}
	if err != nil {
		if *format == "json" {
			fmt.Fprintf(stderr, "build failed with %d error(s)\n", len(diag.List(err)))
		} else {
			reportError(stderr, err)
		}
		return 1
	}
	fmt.Fprintf(summary, "built %d articles into %d pages (%d files, %s) in %s: %s%s%s\n",
		res.Articles, res.Pages, res.Files, megabytes(res.Bytes), res.Duration.Round(time.Millisecond), res.OutDir, warned(len(res.Warnings)), stateNote(res))
	if w := pagesWarning(res.Bytes); w != "" {
		fmt.Fprintf(stderr, "kabar build: warning: %s\n", w)
	}
	return 0
}

// stateNote is the summary's note of how much the last build's saved
// state spared, or why it was not used; "" for a first build.
func stateNote(res pipeline.Result) string {
	switch {
	case res.UpToDate:
		return "; nothing changed since the last build"
	case res.State == "":
		return fmt.Sprintf("; %s rendered, the rest up to date", count(res.Rendered, "page or feed", "pages and feeds"))
	case res.State == "no state", res.State == "--fresh":
		return ""
	}
	return "; every page rendered, as the last build's state was not used: " + res.State
}

// warned is the summary's note of warnings, "" when there are none.
func warned(n int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf(" (%s)", count(n, "warning"))
}

// pagesLimit is the most a site published on GitHub Pages may weigh.
const pagesLimit = 1 << 30

// pagesWarning says, once a site passes 80% of GitHub Pages' limit, that
// it will soon not fit there and what to do; else "".
func pagesWarning(size int64) string {
	if size*5 < pagesLimit*4 {
		return ""
	}
	return fmt.Sprintf("the site is %s, %d%% of the 1 GB GitHub Pages publishes: move it to object storage with \"kabar deploy\" (see \"When the digest outgrows GitHub Pages\" in the README)", megabytes(size), size*100/pagesLimit)
}

// megabytes writes a size as people read it: 152.4 MB.
func megabytes(n int64) string {
	if n < 1e6 {
		return fmt.Sprintf("%.1f kB", float64(n)/1e3)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/1e6)
}

// reportError prints every error of a failed build, one per line, as
// file:line:col: message: fix.
func reportError(w io.Writer, err error) {
	ds := diag.List(err)
	fmt.Fprintf(w, "build failed with %d error(s):\n", len(ds))
	for _, d := range ds {
		fmt.Fprintln(w, "  "+d.String())
	}
}

// reportWarnings prints a build's warnings, one per line.
func reportWarnings(w io.Writer, cmd string, ds []diag.Diag) {
	for _, d := range ds {
		fmt.Fprintf(w, "kabar %s: warning: %s\n", cmd, d)
	}
}

// versionString is the module version (a tag when installed with go
// install, "devel" in a clone) and the VCS revision the binary was built
// from, both from the build info the Go toolchain embeds.
func versionString() string {
	v, rev, dirty := version, "", false
	if bi, ok := debug.ReadBuildInfo(); ok {
		if v == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			v = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
	}
	if v == "" {
		v = "devel"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	// A version Go derived from the commit already names it.
	if rev != "" && !strings.Contains(v, rev) {
		if dirty {
			rev += "+dirty"
		}
		v += " (" + rev + ")"
	}
	return v
}
