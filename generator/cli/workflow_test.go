package cli

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v4"
)

// pagesWorkflow is the part of .github/workflows/pages.yml the tests read.
type pagesWorkflow struct {
	On          map[string]struct{ Branches []string } `yaml:"on"`
	Permissions map[string]string
	Concurrency struct {
		Group            string
		CancelInProgress *bool `yaml:"cancel-in-progress"`
	}
	Jobs map[string]struct {
		RunsOn      string `yaml:"runs-on"`
		Needs       string
		Environment struct{ Name, URL string }
		Steps       []workflowStep
	}
}

type workflowStep struct {
	ID, Name, Uses, Run string
	With                map[string]string
}

func readPagesWorkflow(t *testing.T) pagesWorkflow {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", ".github", "workflows", "pages.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var w pagesWorkflow
	if err := yaml.Unmarshal(data, &w); err != nil {
		t.Fatalf("pages.yml: %v", err)
	}
	return w
}

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

// TestPagesWorkflow checks the GitHub Actions workflow that publishes the
// site: triggers, permissions, concurrency, the steps and their order, and
// that the build gets the base URL Pages reports.
func TestPagesWorkflow(t *testing.T) {
	w := readPagesWorkflow(t)
	if len(w.On) != 2 || !slices.Equal(w.On["push"].Branches, []string{"main"}) {
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

	b, ok := w.Jobs["build"]
	if !ok || b.RunsOn == "" {
		t.Fatal("no build job with runs-on")
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
	iBuild := -1
	for i, s := range b.Steps {
		if strings.Contains(s.Run, "./generator build") {
			iBuild = i
		}
	}
	if iBuild < 0 {
		t.Fatal("no step runs ./generator build")
	}
	if !(iCheckout < iGo && iGo < iBuild && iPages < iBuild && iBuild < iUpload) {
		t.Errorf("steps in the order checkout %d, setup-go %d, configure-pages %d, build %d, upload %d", iCheckout, iGo, iPages, iBuild, iUpload)
	}
	if !strings.Contains(b.Steps[iBuild].Run, `--base-url "${{ steps.pages.outputs.base_url }}/"`) {
		t.Errorf("the build does not take the base URL from configure-pages: %q", b.Steps[iBuild].Run)
	}
	// Version 4 of upload-pages-artifact started leaving dotfiles out;
	// version 5 puts them back on request. The site's own dotfiles (say
	// static/.well-known/) must reach the deployment.
	if upload.With["path"] != "public" || upload.With["include-hidden-files"] != "true" {
		t.Errorf("upload-pages-artifact with %v: want path: public, include-hidden-files: true", upload.With)
	}

	d, ok := w.Jobs["deploy"]
	if !ok || d.Needs != "build" || d.RunsOn == "" {
		t.Fatalf("deploy job %+v: want needs: build and runs-on", d)
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
				`href="` + c.basePath + `page/2/"`,
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

// TestImportWorkflow checks the scheduled workflow the README shows: it
// parses, runs on a schedule, may commit and deploy, and imports, commits,
// builds and uploads in that order, going on when only a feed failed.
func TestImportWorkflow(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, block, ok := strings.Cut(string(readme), "<!-- import workflow -->\n```yaml\n")
	block, _, ok2 := strings.Cut(block, "```")
	if !ok || !ok2 {
		t.Fatal("the README shows no import workflow")
	}
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
		t.Fatalf("the README's import workflow: %v", err)
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
	for _, want := range []string{`kabar" import --publish || [ $? -eq 1 ]`, "git push", "./generator build --base-url"} {
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
	if d := w.Jobs["deploy"]; d.Needs != "import" {
		t.Errorf("deploy needs %q", d.Needs)
	} else {
		action(t, d.Steps, "actions/deploy-pages", 5)
	}
}
