package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v4"

	"github.com/kabar-news/kabar/generator/starter"
)

// workflow is the part of a file of .github/workflows/ the tests read.
type workflow struct {
	On          map[string]*struct{ Branches []string } `yaml:"on"`
	Permissions map[string]string
	Concurrency struct {
		Group            string
		CancelInProgress *bool `yaml:"cancel-in-progress"`
	}
	Jobs map[string]workflowJob
}

type workflowJob struct {
	RunsOn      string `yaml:"runs-on"`
	Uses        string // a reusable workflow the job runs
	Needs       words
	If          string
	Outputs     map[string]string
	Environment struct{ Name, URL string }
	Steps       []workflowStep
}

type workflowStep struct {
	ID, Name, Uses, Run string
	With                map[string]string
	Env                 map[string]string
}

// words is a YAML value written as one word or as a list of them, as
// GitHub accepts for needs:.
type words []string

func (w *words) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		*w = words{n.Value}
		return nil
	}
	return n.Decode((*[]string)(w))
}

func readWorkflow(t *testing.T, name string) workflow {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", ".github", "workflows", name))
	if err != nil {
		t.Fatal(err)
	}
	var w workflow
	if err := yaml.Unmarshal(data, &w); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return w
}

func readPagesWorkflow(t *testing.T) workflow { return readWorkflow(t, "pages.yml") }

// action finds the step that uses the given action and checks that it is
// pinned to a major version no older than min.
func action(t *testing.T, steps []workflowStep, name string, min int) (int, workflowStep) {
	t.Helper()
	for i, s := range steps {
		repo, ver, _ := strings.Cut(s.Uses, "@")
		if repo != name {
			continue
		}
		major, err := strconv.Atoi(strings.TrimPrefix(ver, "v"))
		if err != nil || major < min {
			t.Errorf("%s is pinned to %q: want a major version tag v%d or newer", name, ver, min)
		}
		return i, s
	}
	t.Fatalf("no step uses %s", name)
	return 0, workflowStep{}
}

// stepRunning is the index of the last step whose commands hold command.
func stepRunning(t *testing.T, steps []workflowStep, command string) int {
	t.Helper()
	for i := len(steps) - 1; i >= 0; i-- {
		if strings.Contains(steps[i].Run, command) {
			return i
		}
	}
	t.Fatalf("no step runs %s", command)
	return -1
}

// TestPagesWorkflow checks the GitHub Actions workflow that publishes the
// site: triggers, permissions, concurrency, the steps and their order, and
// that the build gets the base URL Pages reports.
func TestPagesWorkflow(t *testing.T) {
	w := readPagesWorkflow(t)
	if len(w.On) != 2 || w.On["push"] == nil || !slices.Equal(w.On["push"].Branches, []string{"main"}) {
		t.Errorf("on: %+v, want push to main and workflow_dispatch", w.On)
	}
	if _, ok := w.On["workflow_dispatch"]; !ok {
		t.Error("on: workflow_dispatch is missing: the site could not be redeployed by hand")
	}
	wantPerm := map[string]string{"contents": "read", "pages": "write", "id-token": "write"}
	if len(w.Permissions) != len(wantPerm) {
		t.Errorf("permissions %v, want exactly %v", w.Permissions, wantPerm)
	}
	for k, v := range wantPerm {
		if w.Permissions[k] != v {
			t.Errorf("permissions: %s is %q, want %q", k, w.Permissions[k], v)
		}
	}
	if c := w.Concurrency; c.Group != "pages" || c.CancelInProgress == nil || *c.CancelInProgress {
		t.Errorf("concurrency: group %q, cancel-in-progress %v: want pages and an explicit false", c.Group, c.CancelInProgress != nil && *c.CancelInProgress)
	}

	// A change of code is published only once the checks passed on it:
	// the build (and so the deploy) waits for a job that runs ci.yml
	// when .ci/changes says so, and goes on when that job passed or was
	// skipped, never when it failed.
	b, ok := w.Jobs["build"]
	if !ok || b.RunsOn == "" {
		t.Fatal("no build job with runs-on")
	}
	testJob := ""
	for _, need := range b.Needs {
		if w.Jobs[need].Uses == "./.github/workflows/ci.yml" {
			testJob = need
		}
	}
	if testJob == "" {
		t.Fatalf("the build job needs %q, none of which runs ./.github/workflows/ci.yml: a failing commit would be deployed", b.Needs)
	}
	changesStep(t, w, `"${{ github.event.before }}"`)
	if j := w.Jobs[testJob]; !slices.Contains(j.Needs, "changes") || j.If != "needs.changes.outputs.code == 'true'" {
		t.Errorf("the %s job needs %v if %q: want it to run when needs.changes.outputs.code == 'true'", testJob, j.Needs, j.If)
	}
	wantIf := "${{ !cancelled() && needs.changes.result == 'success' && (needs." + testJob + ".result == 'success' || needs." + testJob + ".result == 'skipped') }}"
	if !slices.Contains(b.Needs, "changes") || b.If != wantIf {
		t.Errorf("the build job needs %v if %q: want it to need changes and run if %s", b.Needs, b.If, wantIf)
	}
	iCheckout, _ := action(t, b.Steps, "actions/checkout", 4)
	iGo, setupGo := action(t, b.Steps, "actions/setup-go", 5)
	iPages, pages := action(t, b.Steps, "actions/configure-pages", 5)
	iUpload, upload := action(t, b.Steps, "actions/upload-pages-artifact", 5)
	if setupGo.With["go-version-file"] != "go.mod" || setupGo.With["cache"] == "false" {
		t.Errorf("setup-go with %v: want go-version-file: go.mod and caching", setupGo.With)
	}
	if pages.ID != "pages" {
		t.Errorf("configure-pages has id %q; the build reads steps.pages.outputs", pages.ID)
	}
	iCache, cache := action(t, b.Steps, "actions/cache", 4)
	iBuild := stepRunning(t, b.Steps, "./generator build")
	if !(iCheckout < iGo && iGo < iBuild && iPages < iBuild && iCache < iBuild && iBuild < iUpload) {
		t.Errorf("steps in the order checkout %d, setup-go %d, configure-pages %d, cache %d, build %d, upload %d", iCheckout, iGo, iPages, iCache, iBuild, iUpload)
	}
	// The output and the build's state, image copies and link answers
	// (the user's cache folder, images.DefaultDir) are kept between runs
	// for the build to go on from; a new key each run, the newest
	// restored.
	if cache.With["path"] != "~/.cache/kabar\npublic\n" || cache.With["key"] != "kabar-${{ github.sha }}-${{ github.run_id }}" || cache.With["restore-keys"] != "kabar-" {
		t.Errorf("actions/cache with %q: want path ~/.cache/kabar and public, key kabar-${{ github.sha }}-${{ github.run_id }}, restore-keys kabar-", cache.With)
	}
	if !strings.Contains(b.Steps[iBuild].Run, `--base-url "${{ steps.pages.outputs.base_url }}/"`) {
		t.Errorf("the build does not take the base URL from configure-pages: %q", b.Steps[iBuild].Run)
	}
	// A change of articles alone is published without the tests: a
	// warning (a broken link, a bad date) must stop it.
	if !slices.Contains(strings.Fields(b.Steps[iBuild].Run), "--strict") {
		t.Errorf("the build does not run with --strict: %q", b.Steps[iBuild].Run)
	}
	// Version 4 of upload-pages-artifact started leaving dotfiles out;
	// version 5 puts them back on request. The site's own dotfiles (say
	// static/.well-known/) must reach the deployment.
	if upload.With["path"] != "public" || upload.With["include-hidden-files"] != "true" {
		t.Errorf("upload-pages-artifact with %v: want path: public, include-hidden-files: true", upload.With)
	}

	d, ok := w.Jobs["deploy"]
	if !ok || !slices.Equal(d.Needs, words{"build"}) || d.RunsOn == "" {
		t.Fatalf("deploy job %+v: want needs: build and runs-on", d)
	}
	// Without a condition of its own, a job is skipped when a job before
	// its needs was (the tests, for a change of articles).
	if d.If != "${{ !cancelled() && needs.build.result == 'success' }}" {
		t.Errorf("deploy job if %q: want it to run whenever the build succeeded", d.If)
	}
	_, deploy := action(t, d.Steps, "actions/deploy-pages", 4)
	if d.Environment.Name != "github-pages" || d.Environment.URL != "${{ steps."+deploy.ID+".outputs.page_url }}" || deploy.ID == "" {
		t.Errorf("deploy environment %+v, deploy step id %q: want github-pages and the deployment's page_url", d.Environment, deploy.ID)
	}
}

// TestPagesWorkflowBuild runs the workflow's build command as the runner
// would, with base_url as configure-pages gives it (no trailing slash), for
// a project site and a custom domain, and looks at what would be uploaded.
func TestPagesWorkflowBuild(t *testing.T) {
	w := readPagesWorkflow(t)
	var command, path string
	for _, s := range w.Jobs["build"].Steps {
		if strings.Contains(s.Run, "./generator build") {
			command = strings.TrimSpace(s.Run)
		}
		if strings.HasPrefix(s.Uses, "actions/upload-pages-artifact@") {
			path = s.With["path"]
		}
	}
	for _, c := range []struct{ baseURL, basePath string }{
		{"https://user.github.io/repo", "/repo/"},
		{"https://news.example.id", "/"},
	} {
		t.Run(c.baseURL, func(t *testing.T) {
			line := strings.ReplaceAll(command, "${{ steps.pages.outputs.base_url }}", c.baseURL)
			args := shellWords(t, line)
			if len(args) < 4 || !slices.Equal(args[:3], []string{"go", "run", "./generator"}) {
				t.Fatalf("the build step runs %q, want go run ./generator ...", line)
			}
			t.Chdir(sampleCopy(t))
			if code, _, stderr := cli(args[3:]...); code != 0 {
				t.Fatalf("%s: exit %d: %s", line, code, stderr)
			}
			index, err := os.ReadFile(filepath.Join(path, "index.html"))
			if err != nil {
				t.Fatalf("nothing to upload at %s: %v", path, err)
			}
			for _, want := range []string{
				`href="` + c.basePath + `css/style.css"`,
				`<link rel="canonical" href="` + c.baseURL + `/">`,
				`href="` + c.basePath + `page/1/"`,
			} {
				if !strings.Contains(string(index), want) {
					t.Errorf("%s/index.html lacks %s", path, want)
				}
			}
			robots, _ := os.ReadFile(filepath.Join(path, "robots.txt"))
			if !strings.Contains(string(robots), "Sitemap: "+c.baseURL+"/sitemap.xml\n") {
				t.Errorf("robots.txt: %q", robots)
			}
			for _, name := range []string{"404.html", ".nojekyll", "feed.xml", "sitemap.xml"} {
				if _, err := os.Stat(filepath.Join(path, name)); err != nil {
					t.Errorf("%s/%s is missing", path, name)
				}
			}
			// Pages takes the domain of an Actions deploy from the
			// repository's settings, not from a CNAME file.
			if _, err := os.Stat(filepath.Join(path, "CNAME")); err == nil {
				t.Error("CNAME written though site.yaml names no domain")
			}
		})
	}
}

// shellWords splits a command line as sh would for the simple forms the
// workflow uses: words separated by blanks, double-quoted strings.
func shellWords(t *testing.T, line string) []string {
	t.Helper()
	var words []string
	var cur strings.Builder
	inWord, quoted := false, false
	for _, r := range line {
		switch {
		case r == '"':
			quoted, inWord = !quoted, true
		case (r == ' ' || r == '\t') && !quoted:
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		case strings.ContainsRune("'$`\\\n;&|<>", r) && !(quoted && r != '$' && r != '`' && r != '\\'):
			t.Fatalf("the build step %q uses shell syntax this test does not follow: keep it one simple command", line)
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if quoted {
		t.Fatalf("unbalanced quote in %q", line)
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words
}

// changesStep checks w's changes job: it runs .ci/changes from base to
// the pushed commit, with a history to compare, and gives its answer as
// the job's output code.
func changesStep(t *testing.T, w workflow, base string) {
	t.Helper()
	j, ok := w.Jobs["changes"]
	if !ok || j.RunsOn == "" {
		t.Fatal("no changes job with runs-on")
	}
	_, checkout := action(t, j.Steps, "actions/checkout", 4)
	if checkout.With["fetch-depth"] != "0" {
		t.Errorf("the changes job checks out with %v: want fetch-depth: 0, so that the commit before the push is there", checkout.With)
	}
	i := stepRunning(t, j.Steps, ".ci/changes")
	want := `.ci/changes ` + base + ` "$GITHUB_SHA" >>"$GITHUB_OUTPUT"`
	if got := strings.TrimSpace(j.Steps[i].Run); got != want {
		t.Errorf("the changes step runs %q, want %q", got, want)
	}
	if j.Outputs["code"] != "${{ steps."+j.Steps[i].ID+".outputs.code }}" || j.Steps[i].ID == "" {
		t.Errorf("the changes job's outputs %v (step id %q): want code from the step", j.Outputs, j.Steps[i].ID)
	}
}

// TestCIWorkflow checks the workflow of checks: it runs on every push and
// pull request and when Pages calls it, tests only changes of code, and
// runs gofmt, go vet and go test -race over the whole module, in a way
// that fails the job when they complain. What it installs is
// TestWorkflowsInstallWhatTestsNeed's.
func TestCIWorkflow(t *testing.T) {
	w := readWorkflow(t, "ci.yml")
	for _, on := range []string{"push", "pull_request", "workflow_call"} {
		ev, ok := w.On[on]
		if !ok {
			t.Errorf("on: %s is missing", on)
		} else if ev != nil && len(ev.Branches) > 0 {
			t.Errorf("on: %s is limited to %v: every branch must be checked", on, ev.Branches)
		}
	}
	if len(w.Jobs) != 2 {
		t.Fatalf("jobs %v: want changes and test", w.Jobs)
	}
	changesStep(t, w, `"${{ github.event.pull_request.base.sha || github.event.before }}"`)
	job := w.Jobs["test"]
	if job.RunsOn == "" || !slices.Equal(job.Needs, words{"changes"}) || job.If != "needs.changes.outputs.code == 'true'" {
		t.Fatalf("the test job runs on %q, needs %v, if %q: want runs-on, needs changes, if needs.changes.outputs.code == 'true'", job.RunsOn, job.Needs, job.If)
	}
	iCheckout, _ := action(t, job.Steps, "actions/checkout", 4)
	iGo, setupGo := action(t, job.Steps, "actions/setup-go", 5)
	if setupGo.With["go-version-file"] != "go.mod" {
		t.Errorf("setup-go with %v: want go-version-file: go.mod", setupGo.With)
	}
	iVet := stepLine(t, job.Steps, "go vet", func(f []string) bool { return slices.Equal(f, []string{"go", "vet", "./..."}) })
	iTest := testStep(t, job)
	iFmt := stepRunning(t, job.Steps, "gofmt -l")
	if !(iCheckout < iGo && iGo < iFmt && iGo < iVet && iGo < iTest) {
		t.Errorf("steps in the order checkout %d, setup-go %d, gofmt %d, vet %d, test %d", iCheckout, iGo, iFmt, iVet, iTest)
	}

	// gofmt -l exits 0 whatever it lists: run the step as the runner
	// would, on a file gofmt would change and on one it would not.
	for _, c := range []struct {
		src    string
		failed bool
	}{
		{"package p\n\nfunc f() {}\n", false},
		{"package p\nfunc f()   {}\n", true},
	} {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "p.go"), []byte(c.src), 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("bash", "-e", "-c", job.Steps[iFmt].Run)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if failed := err != nil; failed != c.failed {
			t.Errorf("the gofmt step on %q: failed %v, want %v (%v)\n%s", c.src, failed, c.failed, err, out)
		}
	}
}

// stepLine is the index of the step one of whose lines, split into
// words, satisfies ok.
func stepLine(t *testing.T, steps []workflowStep, what string, ok func(fields []string) bool) int {
	t.Helper()
	for i, s := range steps {
		for _, l := range strings.Split(s.Run, "\n") {
			if ok(strings.Fields(l)) {
				return i
			}
		}
	}
	t.Fatalf("no step runs %s", what)
	return -1
}

// testStep is the step that runs the whole module's tests with the race
// detector, whatever other flags it gives (-count, -timeout).
func testStep(t *testing.T, job workflowJob) int {
	t.Helper()
	return stepLine(t, job.Steps, "go test -race ./...", func(f []string) bool {
		return len(f) >= 4 && f[0] == "go" && f[1] == "test" && slices.Contains(f, "-race") && f[len(f)-1] == "./..."
	})
}

// TestImportWorkflow checks the scheduled workflow init writes (and the
// README shows): it parses, runs on a schedule, may commit and deploy, and
// imports, commits, builds and uploads in that order, going on when only a
// feed failed.
func TestImportWorkflow(t *testing.T) {
	files, err := starter.Files("latest", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	block := string(files[".github/workflows/import.yml"])
	var w struct {
		On struct {
			Schedule []struct{ Cron string }
		} `yaml:"on"`
		Permissions map[string]string
		Jobs        map[string]struct {
			Needs string
			Steps []workflowStep
		}
	}
	if err := yaml.Unmarshal([]byte(block), &w); err != nil {
		t.Fatalf("import.yml: %v", err)
	}
	if len(w.On.Schedule) != 1 || len(strings.Fields(w.On.Schedule[0].Cron)) != 5 {
		t.Errorf("schedule %+v", w.On.Schedule)
	}
	for k, v := range map[string]string{"contents": "write", "pages": "write", "id-token": "write"} {
		if w.Permissions[k] != v {
			t.Errorf("permission %s: %q, want %q", k, w.Permissions[k], v)
		}
	}
	steps := w.Jobs["import"].Steps
	order := []int{}
	for _, want := range []string{"kabar import --publish || [ $? -eq 1 ]", "git push", "kabar build --strict --base-url"} {
		i := slices.IndexFunc(steps, func(s workflowStep) bool { return strings.Contains(s.Run, want) })
		if i < 0 {
			t.Fatalf("no step runs %q", want)
		}
		order = append(order, i)
	}
	up, _ := action(t, steps, "actions/upload-pages-artifact", 5)
	if !slices.IsSorted(append(order, up)) {
		t.Errorf("steps out of order: import, commit, build, upload at %v", append(order, up))
	}
	// As for a push of articles: no tests; the output and the cache
	// folder (the build's state, image copies) restored before the build.
	for _, s := range steps {
		if strings.Contains(s.Run, "go test") {
			t.Errorf("the import workflow runs the tests: %q; imported articles need only the strict build", s.Run)
		}
	}
	if i, cache := action(t, steps, "actions/cache", 4); cache.With["path"] != "~/.cache/kabar\npublic\n" || i > order[2] {
		t.Errorf("actions/cache at step %d with %q: want ~/.cache/kabar and public restored before the build", i, cache.With)
	}
	if d := w.Jobs["deploy"]; d.Needs != "import" {
		t.Errorf("deploy needs %q", d.Needs)
	} else {
		action(t, d.Steps, "actions/deploy-pages", 5)
	}
}
