package cli

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v4"

	"github.com/kabar-news/kabar/generator/config"
	"github.com/kabar-news/kabar/generator/starter"
)

// TestInitThenBuild makes a site in an empty folder and runs the build
// command of the site's own Pages workflow in it, as the runner would: the
// built-in theme is in the binary, so nothing else is needed.
func TestInitThenBuild(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "situs")
	code, stdout, stderr := cli("init", dir)
	if code != 0 || stderr != "" {
		t.Fatalf("init: exit %d, stderr %q", code, stderr)
	}
	for _, p := range []string{"site.yaml", "content/nasional/selamat-datang.md", ".github/workflows/pages.yml", ".github/workflows/import.yml", ".gitignore", "README.md"} {
		if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(p))); err != nil {
			t.Errorf("init did not write %s", p)
		}
		if !strings.Contains(stdout, "created "+p+"\n") {
			t.Errorf("init did not say it created %s: %q", p, stdout)
		}
	}
	gitignore, _ := os.ReadFile(filepath.Join(dir, ".gitignore"))
	if !strings.Contains(string(gitignore), "/public/") {
		t.Errorf(".gitignore does not keep the output out: %q", gitignore)
	}

	var w workflow
	data, err := os.ReadFile(filepath.Join(dir, ".github", "workflows", "pages.yml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(data, &w); err != nil {
		t.Fatalf("pages.yml: %v", err)
	}
	b := w.Jobs["build"]
	line := strings.ReplaceAll(strings.TrimSpace(b.Steps[stepRunning(t, b.Steps, "kabar build")].Run),
		"${{ steps.pages.outputs.base_url }}", "https://user.github.io/situs")
	args := shellWords(t, line)
	if args[0] != "kabar" || !slices.Contains(args, "--strict") {
		t.Fatalf("the build step runs %q, want kabar build --strict ...", line)
	}
	t.Chdir(dir)
	code, stdout, stderr = cli(args[1:]...)
	if code != 0 || stderr != "" {
		t.Fatalf("%s: exit %d, stderr %q", line, code, stderr)
	}
	if !strings.HasPrefix(stdout, "built 1 articles into ") || strings.Contains(stdout, "warning") {
		t.Errorf("%s printed %q, want one article and no warnings", line, stdout)
	}
	_, upload := action(t, b.Steps, "actions/upload-pages-artifact", 5)
	out := upload.With["path"]
	index, err := os.ReadFile(filepath.Join(out, "index.html"))
	if err != nil {
		t.Fatalf("nothing to upload at %s: %v", out, err)
	}
	for _, want := range []string{"Selamat Datang di Kabar", `href="/situs/css/style.css"`, `href="/situs/sections/nasional/"`} {
		if !strings.Contains(string(index), want) {
			t.Errorf("index.html lacks %s", want)
		}
	}
	// The example article is dated when init ran, so it is today's news.
	news, err := os.ReadFile(filepath.Join(out, "sitemap-news.xml"))
	if err != nil || !strings.Contains(string(news), "Selamat Datang di Kabar") {
		t.Errorf("sitemap-news.xml (%v) lacks the example article: %s", err, news)
	}
	page, err := filepath.Glob(filepath.Join(out, "2*", "*", "*", "selamat-datang", "index.html"))
	if err != nil || len(page) != 1 {
		t.Errorf("no page for the example article: %v", page)
	}
}

// TestInitServe: serve works in a new site at once.
func TestInitServe(t *testing.T) {
	dir := t.TempDir()
	if code, _, stderr := cli("init", dir); code != 0 {
		t.Fatalf("init: exit %d: %s", code, stderr)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ready, done := make(chan string, 1), make(chan int, 1)
	var stdout, stderr syncBuffer
	o := liveOptions{site: siteFlags{site: dir}, serve: true, addr: "127.0.0.1:0", debounce: liveDebounce}
	go func() { done <- live(ctx, o, func(url string) { ready <- url }, &stdout, &stderr) }()
	var url string
	select {
	case url = <-ready:
	case code := <-done:
		t.Fatalf("serve exited with %d: %s%s", code, stdout.String(), stderr.String())
	case <-time.After(livePatience):
		t.Fatal("serve did not start")
	}
	code, home := httpGet(t, url)
	if code != http.StatusOK || !strings.Contains(home, "Selamat Datang di Kabar") {
		t.Errorf("GET %s: %d\n%s", url, code, home)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("serve exited with %d: %s", code, stderr.String())
	}
}

// TestInitRefusesNonEmpty: init never writes into a folder that holds
// something, and leaves what is there as it was.
func TestInitRefusesNonEmpty(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "site.yaml"), []byte("title: Punya Saya\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := cli("init", dir)
	if code != 1 || stdout != "" || !strings.Contains(stderr, dir+" is not empty") {
		t.Errorf("init into a folder with a file: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("init wrote into the folder: %v", entries)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "site.yaml")); string(b) != "title: Punya Saya\n" {
		t.Errorf("site.yaml changed: %q", b)
	}
	if code, _, _ := cli("init", "a", "b"); code != 2 {
		t.Errorf("init a b: exit %d, want 2", code)
	}
}

// TestInitSettings: the site.yaml init writes names every setting the
// config knows, each one commented out or set, so that a writer sees what
// can be set without reading the README.
func TestInitSettings(t *testing.T) {
	files, err := starter.Files("latest", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	yml := string(files["site.yaml"])
	for _, key := range configKeys(t) {
		if !regexp.MustCompile(`(?m)^(# )?` + key + `:`).MatchString(yml) {
			t.Errorf("site.yaml does not show the setting %s", key)
		}
	}
}

// TestStarterWorkflowsAreTheREADMEs: the README shows the workflows init
// writes, byte for byte.
func TestStarterWorkflowsAreTheREADMEs(t *testing.T) {
	files, err := starter.Files("latest", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"pages", "import"} {
		shown := readmeBlock(t, string(readme), name+" workflow")
		if file := string(files[".github/workflows/"+name+".yml"]); shown != file {
			t.Errorf("the README's %s workflow is not generator/starter/site/.github/workflows/%s.yml:\n--- README\n%s\n--- file\n%s", name, name, shown, file)
		}
	}
}

// readmeBlock is the yaml block the README shows after <!-- what -->.
func readmeBlock(t *testing.T, readme, what string) string {
	t.Helper()
	_, block, ok := strings.Cut(readme, "<!-- "+what+" -->\n```yaml\n")
	block, _, ok2 := strings.Cut(block, "```")
	if !ok || !ok2 {
		t.Fatalf("the README shows no %s", what)
	}
	return block
}

// TestStarterPagesWorkflowIsTheRepositorys: the Pages workflow of a new
// site publishes as this repository's own does: the same triggers,
// permissions, concurrency, actions at the same versions, upload and
// deploy, and the same build command (plus --strict) run by the installed
// kabar rather than go run from the clone.
func TestStarterPagesWorkflowIsTheRepositorys(t *testing.T) {
	files, err := starter.Files("latest", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	var mine workflow
	if err := yaml.Unmarshal(files[".github/workflows/pages.yml"], &mine); err != nil {
		t.Fatal(err)
	}
	repo := readPagesWorkflow(t)
	if !equalYAML(t, mine.On, repo.On) || !equalYAML(t, mine.Permissions, repo.Permissions) || !equalYAML(t, mine.Concurrency, repo.Concurrency) {
		t.Errorf("on, permissions or concurrency differ:\nnew site %+v %v %+v\nrepository %+v %v %+v", mine.On, mine.Permissions, mine.Concurrency, repo.On, repo.Permissions, repo.Concurrency)
	}
	if !equalYAML(t, mine.Jobs["deploy"], repo.Jobs["deploy"]) {
		t.Errorf("the deploy jobs differ:\n%+v\n%+v", mine.Jobs["deploy"], repo.Jobs["deploy"])
	}
	uses := func(steps []workflowStep) map[string]workflowStep {
		m := map[string]workflowStep{}
		for _, s := range steps {
			if s.Uses != "" {
				m[s.Uses] = s
			}
		}
		return m
	}
	mb, rb := mine.Jobs["build"], repo.Jobs["build"]
	mu, ru := uses(mb.Steps), uses(rb.Steps)
	for u, s := range ru {
		m, ok := mu[u]
		switch {
		case !ok:
			t.Errorf("the new site's build does not use %s", u)
		case strings.HasPrefix(u, "actions/setup-go@"):
			// A site has no go.mod: it asks for a Go release instead.
		case !equalYAML(t, m, s):
			t.Errorf("%s: %+v in the new site, %+v here", u, m, s)
		}
	}
	if len(mu) != len(ru) {
		t.Errorf("the new site's build uses %d actions, the repository's %d", len(mu), len(ru))
	}
	words := func(run string) []string {
		return shellWords(t, strings.ReplaceAll(strings.TrimSpace(run), "${{ steps.pages.outputs.base_url }}", "https://user.github.io/situs"))
	}
	mine1 := words(mb.Steps[stepRunning(t, mb.Steps, "kabar build")].Run)
	repo1 := words(rb.Steps[stepRunning(t, rb.Steps, "./generator build")].Run)
	if !slices.Equal(mine1[1:], repo1[3:]) {
		t.Errorf("the new site builds with %q, the repository with %q", mine1, repo1[3:])
	}
	install := mb.Steps[stepRunning(t, mb.Steps, "go install")].Run
	if want := "go install github.com/kabar-news/kabar/generator/cmd/kabar@latest"; strings.TrimSpace(install) != want {
		t.Errorf("the new site installs kabar with %q, want %q", install, want)
	}
}

func equalYAML(t *testing.T, a, b any) bool {
	t.Helper()
	x, err := yaml.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	y, err := yaml.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	return string(x) == string(y)
}

// TestInitPinsItsVersion: an installed release writes workflows that
// install that release, so CI builds with what the writer previews with.
func TestInitPinsItsVersion(t *testing.T) {
	old := version
	defer func() { version = old }()
	for v, want := range map[string]string{"v1.4.0": "@v1.4.0", "v0.0.0-20261203115000-0123456789ab": "@latest", "": "@latest"} {
		version = v
		dir := t.TempDir()
		if code, _, stderr := cli("init", dir); code != 0 {
			t.Fatalf("init: %s", stderr)
		}
		for _, f := range []string{"pages.yml", "import.yml"} {
			b, _ := os.ReadFile(filepath.Join(dir, ".github", "workflows", f))
			if !strings.Contains(string(b), "cmd/kabar"+want+"\n") {
				t.Errorf("version %q: %s does not install kabar%s", v, f, want)
			}
		}
	}
}

// TestHelpUsesProgramName: the help names the program as it was run.
func TestHelpUsesProgramName(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "warta")
	if out, err := exec.Command("go", "build", "-o", bin, "../cmd/kabar").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, _ := exec.Command(bin, "help").Output()
	if !strings.HasPrefix(string(out), "warta builds ") || !strings.Contains(string(out), "  warta build [flags]") || strings.Contains(string(out), "kabar") {
		t.Errorf("warta help:\n%s", out)
	}
	out, _ = exec.Command(bin, "build", "--help").Output()
	if !strings.HasPrefix(string(out), "Usage: warta build [flags]") {
		t.Errorf("warta build --help:\n%s", out)
	}
}

// configKeys are the top-level settings config.Config reads.
func configKeys(t *testing.T) []string {
	t.Helper()
	var keys []string
	typ := reflect.TypeFor[config.Config]()
	for i := range typ.NumField() {
		if k, _, _ := strings.Cut(typ.Field(i).Tag.Get("yaml"), ","); k != "" && k != "-" {
			keys = append(keys, k)
		}
	}
	if len(keys) < 10 {
		t.Fatalf("config.Config has only the settings %v", keys)
	}
	return keys
}
