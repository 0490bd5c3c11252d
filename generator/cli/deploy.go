package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/kabar-news/kabar/generator/config"
	"github.com/kabar-news/kabar/generator/deploy"
	"github.com/kabar-news/kabar/generator/pipeline"
)

func runDeploy(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("deploy", "Uploads the built output folder (run build first) to a bucket: a target named in the\nconfig's deploy list, or --to URL. Only files whose bytes changed are uploaded; files the\nsite no longer has are deleted. Credentials come from the environment (AWS_ACCESS_KEY_ID and\nAWS_SECRET_ACCESS_KEY for S3 and R2, GOOGLE_APPLICATION_CREDENTIALS for GCS), never the config.")
	var (
		site, out, target, to string
		dryRun, force         bool
		maxDeletes, maxShare  int
	)
	fs.StringVar(&site, "site", ".", "the site root, holding site.yaml")
	fs.StringVar(&out, "out", "", "the built output folder (default: the config's output, else public/ under the site root)")
	fs.StringVar(&target, "target", "", "the name of a target in the config's deploy list (default: the only one)")
	fs.StringVar(&to, "to", "", "a bucket URL instead of a named target, e.g. s3://bucket?region=eu-west-1")
	fs.BoolVar(&dryRun, "dry-run", false, "print what would be uploaded and deleted, and change nothing")
	fs.BoolVar(&force, "force", false, "upload every file, changed or not (after a change of cache_control or gzip)")
	fs.IntVar(&maxDeletes, "max-deletes", deploy.DefaultMaxDeletes, "refuse to deploy when more files than this would be deleted")
	fs.IntVar(&maxShare, "max-delete-share", deploy.DefaultMaxDeleteShare, "refuse to deploy when more than this percentage of the bucket's files would be deleted (100: no limit)")
	if code := parse(fs, args, stdout, stderr); code >= 0 {
		return code
	}
	if target != "" && to != "" {
		fmt.Fprintln(stderr, "kabar deploy: give --target or --to, not both")
		return 2
	}
	if maxDeletes < 0 {
		fmt.Fprintln(stderr, "kabar deploy: --max-deletes must be 0 or more")
		return 2
	}
	if maxShare < 1 || maxShare > 100 {
		fmt.Fprintln(stderr, "kabar deploy: --max-delete-share is a percentage, from 1 to 100")
		return 2
	}
	cfg, err := config.Load(os.DirFS(site))
	if err != nil {
		fmt.Fprintf(stderr, "kabar deploy: %v\n", err)
		return 1
	}
	dir, err := pipeline.OutDir(pipeline.Options{SiteDir: site, OutDir: out}, cfg)
	if err != nil {
		fmt.Fprintf(stderr, "kabar deploy: %v\n", err)
		return 1
	}
	opt := deploy.Options{Dir: dir, URL: to, DryRun: dryRun, Force: force, MaxDeletes: maxDeletes, MaxDeleteShare: maxShare, Log: stdout}
	if maxDeletes == 0 {
		opt.MaxDeletes = -1 // none allowed; deploy.Options takes 0 as the default
	}
	if to == "" {
		t, err := pickTarget(cfg, target)
		if err != nil {
			fmt.Fprintf(stderr, "kabar deploy: %v\n", err)
			return 2
		}
		opt.URL, opt.CacheControl, opt.Gzip = t.URL, t.CacheControl, t.Gzip
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	sum, err := deploy.Run(ctx, opt)
	if err != nil {
		fmt.Fprintf(stderr, "kabar deploy: %v\n", err)
		return 1
	}
	fmt.Fprintln(stdout, sum)
	return 0
}

// pickTarget finds the named target, or the only one.
func pickTarget(cfg *config.Config, name string) (config.Target, error) {
	var names []string
	for _, t := range cfg.Deploy {
		if t.Name == name || name == "" && len(cfg.Deploy) == 1 {
			return t, nil
		}
		names = append(names, t.Name)
	}
	file := cfg.File
	if file == "" {
		file = "site.yaml"
	}
	switch {
	case len(names) == 0:
		return config.Target{}, fmt.Errorf("%s has no deploy targets: add a deploy list (see the README) or give --to URL", file)
	case name == "":
		return config.Target{}, fmt.Errorf("%s has %d deploy targets: pick one with --target (%s)", file, len(names), strings.Join(names, ", "))
	}
	return config.Target{}, fmt.Errorf("%s has no deploy target %q: the targets are %s", file, name, strings.Join(names, ", "))
}
