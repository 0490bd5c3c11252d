package cli

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/kabar-news/kabar/generator/config"
	"github.com/kabar-news/kabar/generator/diag"
	"github.com/kabar-news/kabar/generator/output"
	"github.com/kabar-news/kabar/generator/pipeline"
	"github.com/kabar-news/kabar/generator/progress"
	"github.com/kabar-news/kabar/generator/serve"
	"github.com/kabar-news/kabar/generator/watch"
)

func runServe(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("serve", "Builds the site and serves it on --addr, under the config's base path as on GitHub Pages.\n"+
		"Every change to content/, templates/, static/ or the config rebuilds what it touches and\n"+
		"reloads the pages open in the browser; build errors show over the page.")
	var o liveOptions
	o.site.register(fs, false)
	fs.Lookup("out").Usage = "also keep the built site in this folder (default: a temporary folder, removed on exit, so public/ is untouched)"
	fs.StringVar(&o.addr, "addr", "127.0.0.1:1313", "the `host:port` to serve on; 127.0.0.1 keeps the preview to this machine")
	noReload := fs.Bool("no-reload", false, "do not reload pages in the browser after a rebuild")
	if code := parse(fs, args, stdout, stderr); code >= 0 {
		return code
	}
	o.serve, o.reload = true, !*noReload
	return runLive(o, stdout, stderr)
}

func runWatch(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("watch", "Builds the site, then rebuilds it on every change to content/, templates/, static/ or\n"+
		"the config, doing only the work each change needs. No server: see serve for a preview.")
	var o liveOptions
	o.site.register(fs, false)
	if code := parse(fs, args, stdout, stderr); code >= 0 {
		return code
	}
	return runLive(o, stdout, stderr)
}

// runLive runs watch or serve until SIGINT or SIGTERM.
func runLive(o liveOptions, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return live(ctx, o, nil, stdout, stderr)
}

// liveOptions say what serve and watch do.
type liveOptions struct {
	site   siteFlags
	serve  bool
	addr   string
	reload bool
	// debounce, when not 0, replaces the watcher's default quiet time.
	debounce time.Duration
	// rebuilt, when set, is called after each build with the paths it was
	// for (nil for the first) and whether it failed: tests wait on it
	// instead of on the clock.
	rebuilt func(paths []string, failed bool)
}

// live builds, then rebuilds on every change until ctx ends, serving the
// site when o.serve. ready, if not nil, is called with the URL served (or
// "") once the first build is done and changes are watched. It returns
// the exit status: 0 when stopped, 1 when it cannot start or watch.
func live(ctx context.Context, o liveOptions, ready func(url string), stdout, stderr io.Writer) int {
	name := "watch"
	if o.serve {
		name = "serve"
	}
	fail := func(format string, args ...any) int {
		fmt.Fprintf(stderr, "kabar %s: %s\n", name, fmt.Sprintf(format, args...))
		return 1
	}
	opt, err := o.site.options()
	if err != nil {
		return fail("%v", err)
	}
	if fi, err := os.Stat(opt.SiteDir); err != nil || !fi.IsDir() {
		return fail("the site folder %s does not exist: run the command in the site's root folder, or name it with --site", opt.SiteDir)
	}
	if opt.OutDir != "" {
		// A refused --out is a mistake in the command, not in a file to
		// be fixed while watching.
		if _, err := pipeline.OutDir(opt, config.Default()); err != nil {
			return fail("%v", err)
		}
	}
	var ln net.Listener
	if o.serve {
		var err error
		if ln, err = net.Listen("tcp", o.addr); err != nil {
			return fail("cannot serve on %s: %v: is another preview running? pick another --addr", o.addr, err)
		}
		defer ln.Close()
		opt.Origin = "http://" + urlHost(ln.Addr().(*net.TCPAddr))
		if !ln.Addr().(*net.TCPAddr).IP.IsLoopback() {
			fmt.Fprintf(stderr, "kabar serve: serving on %s: anyone who can reach this machine can read the preview\n", ln.Addr())
		}
		if opt.OutDir == "" {
			// As hugo server does: the preview lives in memory, and
			// public/ is not touched.
			opt.Memory = output.NewMemory()
		}
	}
	b, err := pipeline.NewBuilder(opt)
	if err != nil {
		return fail("%v", err)
	}
	defer func() { b.Close() }()
	var srv *serve.Server
	if o.serve {
		srv = serve.New(serve.Options{Dir: opt.OutDir, FS: fsOf(opt.Memory), Reload: o.reload, Addr: o.addr})
	}
	rebuild := func(paths []string) (err error) {
		failed := true
		if o.rebuilt != nil {
			defer func() { o.rebuilt(paths, failed) }()
		}
		defer func() {
			// A bug must not end a preview someone is writing in; the
			// next change rebuilds everything.
			if e := recover(); e != nil {
				err = fmt.Errorf("internal error, please report it: %v", e)
				reportError(stderr, err)
				if srv != nil {
					srv.Failed(diag.List(err))
				}
				b.Close()
				b, _ = pipeline.NewBuilder(opt)
			}
		}()
		meter := progress.New(stderr)
		b.SetProgress(meter)
		meter.Start()
		rb, err := b.Build(paths)
		meter.Stop()
		reportWarnings(stderr, name, rb.Warnings)
		if err != nil {
			reportError(stderr, err)
			if srv != nil {
				srv.Failed(diag.List(err))
			}
			return err
		}
		if rb.Full {
			fmt.Fprintf(stdout, "built %d articles into %d pages (%d files) in %s: %s\n",
				rb.Articles, rb.Pages, rb.Files, rb.Duration.Round(time.Millisecond), cmp.Or(rb.OutDir, "memory"))
		} else {
			fmt.Fprintf(stdout, "rebuilt in %s: %s read, %s rendered, %s changed\n", rb.Duration.Round(time.Millisecond),
				count(rb.Parsed, "article"), count(rb.Rendered, "page or feed", "pages and feeds"), count(len(rb.Changed), "file"))
		}
		if srv != nil {
			srv.Built(rb.BasePath, rb.Changed)
		}
		failed = false
		return nil
	}
	retry := newRetrier(rebuild)
	defer retry.stop()
	retry.build(nil)

	ignore := b.OutDir()
	if ignore == "" {
		ignore = filepath.Join(opt.SiteDir, "public")
	}
	w, err := watch.New(watch.Options{
		Root:     opt.SiteDir,
		Dirs:     config.Dirs,
		Files:    config.Files,
		Ignore:   []string{ignore},
		Debounce: o.debounce,
	})
	if err != nil {
		return fail("%v", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	url := ""
	if o.serve {
		url = opt.Origin + b.BasePath()
		wg.Go(func() {
			if err := srv.Serve(ctx, ln); err != nil {
				fmt.Fprintf(stderr, "kabar serve: %v\n", err)
				cancel()
			}
		})
		fmt.Fprintf(stdout, "serving %s\n", url)
	}
	fmt.Fprintf(stdout, "watching content/, templates/, static/ and the config in %s; press Ctrl+C to stop\n", opt.SiteDir)
	if ready != nil {
		ready(url)
	}
	err = w.Run(ctx, func(batch watch.Batch) {
		for _, e := range batch.Errors {
			fmt.Fprintf(stderr, "kabar %s: %v\n", name, e)
		}
		paths := batch.Paths
		if batch.Overflow {
			fmt.Fprintf(stderr, "kabar %s: the system dropped file events; rebuilding everything\n", name)
			paths = nil
		} else if len(paths) == 0 {
			return
		}
		retry.build(paths)
	})
	cancel()
	wg.Wait()
	if err != nil {
		return fail("%v", err)
	}
	fmt.Fprintln(stdout, "stopped")
	return 0
}

// fsOf is m as an fs.FS, or nil.
func fsOf(m *output.Memory) fs.FS {
	if m == nil {
		return nil
	}
	return m
}

// urlHost is the host:port for URLs to a listener: a wildcard address
// becomes localhost.
func urlHost(a *net.TCPAddr) string {
	host := a.IP.String()
	switch {
	case a.IP.IsUnspecified():
		host = "localhost"
	case strings.Contains(host, ":"):
		host = "[" + host + "]"
	}
	return fmt.Sprintf("%s:%d", host, a.Port)
}

// count is "1 file", "2 files".
func count(n int, one string, many ...string) string {
	if n == 1 {
		return "1 " + one
	}
	if len(many) > 0 {
		return fmt.Sprintf("%d %s", n, many[0])
	}
	return fmt.Sprintf("%d %ss", n, one)
}
