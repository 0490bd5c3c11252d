package cli

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// onEveryRunner are the programs tests may call that a runner has
// without a step of its own (setup-go gives go).
var onEveryRunner = []string{"go", "git", "bash", "sh"}

// browserPackage is the test helper that starts Chromium: a test package
// that imports it needs the browser.
const browserPackage = "github.com/kabar-news/kabar/generator/internal/browser"

// testTools lists the programs the module's tests call, with the test
// packages that call them: exec.LookPath, exec.Command and
// exec.CommandContext with a literal name, in the functions reachable
// from a Test or Fuzz function (benchmarks, run by hand, are left out),
// and "chromium" for the packages that start the browser.
func testTools(t *testing.T, root string) map[string][]string {
	t.Helper()
	tools := map[string][]string{}
	add := func(tool, pkg string) {
		if !slices.Contains(tools[tool], pkg) {
			tools[tool] = append(tools[tool], pkg)
		}
	}
	err := filepath.WalkDir(root, func(dir string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() || d.Name() == "testdata" {
			if d != nil && d.Name() == "testdata" {
				return filepath.SkipDir
			}
			return err
		}
		fset := token.NewFileSet()
		files, _ := filepath.Glob(filepath.Join(dir, "*_test.go"))
		type fn struct{ calls, tools []string }
		funcs := map[string]*fn{}
		var roots []string
		for _, name := range files {
			f, err := parser.ParseFile(fset, name, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			for _, imp := range f.Imports {
				if p, _ := strconv.Unquote(imp.Path.Value); p == browserPackage {
					add("chromium", dir)
				}
			}
			for _, decl := range f.Decls {
				fd, ok := decl.(*ast.FuncDecl)
				if !ok || fd.Body == nil {
					continue
				}
				name := fd.Name.Name
				if fd.Recv == nil && (strings.HasPrefix(name, "Test") || strings.HasPrefix(name, "Fuzz")) {
					roots = append(roots, name)
				}
				info := &fn{}
				funcs[name] = info
				ast.Inspect(fd.Body, func(n ast.Node) bool {
					call, ok := n.(*ast.CallExpr)
					if !ok {
						return true
					}
					switch fun := call.Fun.(type) {
					case *ast.Ident:
						info.calls = append(info.calls, fun.Name)
					case *ast.SelectorExpr:
						info.calls = append(info.calls, fun.Sel.Name) // methods of the package's types
						pkg, _ := fun.X.(*ast.Ident)
						arg := 0
						switch {
						case pkg == nil || pkg.Name != "exec":
							return true
						case fun.Sel.Name == "CommandContext":
							arg = 1
						case fun.Sel.Name != "LookPath" && fun.Sel.Name != "Command":
							return true
						}
						if len(call.Args) > arg {
							if lit, ok := call.Args[arg].(*ast.BasicLit); ok && lit.Kind == token.STRING {
								s, _ := strconv.Unquote(lit.Value)
								info.tools = append(info.tools, s)
							}
						}
					}
					return true
				})
			}
		}
		seen := map[string]bool{}
		for len(roots) > 0 {
			name := roots[len(roots)-1]
			roots = roots[:len(roots)-1]
			if seen[name] || funcs[name] == nil {
				continue
			}
			seen[name] = true
			for _, tool := range funcs[name].tools {
				add(tool, dir)
			}
			roots = append(roots, funcs[name].calls...)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return tools
}

// TestWorkflowsInstallWhatTestsNeed reads the tests and both workflows:
// every program a test calls is installed by a step of ci.yml before the
// tests run, and Pages tests only through ci.yml. A runner has nothing
// else: a test whose tool no step installs fails there, and so holds
// back every deploy of code.
func TestWorkflowsInstallWhatTestsNeed(t *testing.T) {
	ci := readWorkflow(t, "ci.yml")
	job := ci.Jobs["test"]
	iTest := testStep(t, job)
	before := job.Steps[:iTest]
	line := func(fields ...string) bool {
		for _, s := range before {
			for _, l := range strings.Split(s.Run, "\n") {
				if slices.Equal(strings.Fields(l), fields) {
					return true
				}
			}
		}
		return false
	}
	uses := func(action string) (workflowStep, bool) {
		for _, s := range before {
			if repo, _, _ := strings.Cut(s.Uses, "@"); repo == action {
				return s, true
			}
		}
		return workflowStep{}, false
	}
	src, err := os.ReadFile(filepath.Join("..", "deploy", "server_test.go"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`go install (github\.com/versity/versitygw/cmd/versitygw@v[0-9.]+)`).FindSubmatch(src)
	if m == nil {
		t.Fatal("generator/deploy/server_test.go names no versitygw version to install")
	}
	installed := map[string]func() string{
		"versitygw": func() string {
			if !line("go", "install", string(m[1])) {
				return "no step runs go install " + string(m[1]) + " (the version the deploy tests name)"
			}
			return ""
		},
		"chromium": func() string {
			s, ok := uses("browser-actions/setup-chrome")
			if !ok {
				return "no step uses browser-actions/setup-chrome"
			}
			if want := "${{ steps." + s.ID + ".outputs.chrome-path }}"; s.ID == "" || job.Steps[iTest].Env["CHROME"] != want {
				return "the test step's CHROME is " + strconv.Quote(job.Steps[iTest].Env["CHROME"]) + ", not " + want
			}
			return ""
		},
		"xmllint": func() string {
			for _, s := range before {
				if strings.Contains(s.Run, "apt-get install") && strings.Contains(s.Run, "libxml2-utils") {
					return ""
				}
			}
			return "no step runs apt-get install libxml2-utils"
		},
		"node": func() string {
			if _, ok := uses("actions/setup-node"); !ok {
				return "no step uses actions/setup-node"
			}
			return ""
		},
	}
	tools := testTools(t, "..")
	for _, must := range []string{"versitygw", "chromium", "node"} {
		if tools[must] == nil {
			t.Errorf("no test calls %s, as the deploy, browser and search tests do: the scan of the tests is broken", must)
		}
	}
	names := make([]string, 0, len(tools))
	for tool := range tools {
		names = append(names, tool)
	}
	sort.Strings(names)
	for _, tool := range names {
		if slices.Contains(onEveryRunner, tool) {
			continue
		}
		check, ok := installed[tool]
		if !ok {
			t.Errorf("tests in %v call %s, which no step of ci.yml installs: add the step before the tests, and its check here", tools[tool], tool)
			continue
		}
		if why := check(); why != "" {
			t.Errorf("tests in %v call %s, which ci.yml does not install before the tests: %s", tools[tool], tool, why)
		}
	}

	// Pages runs the tests only as ci.yml, which installs the tools.
	pages := readWorkflow(t, "pages.yml")
	for name, j := range pages.Jobs {
		for _, s := range j.Steps {
			if strings.Contains(s.Run, "go test") {
				t.Errorf("pages.yml's %s job runs go test itself, without ci.yml's installs: call ci.yml instead", name)
			}
		}
	}
}

// TestChangesScript runs .ci/changes, which decides whether a push needs
// the tests before it is deployed, on a real repository's commits.
func TestChangesScript(t *testing.T) {
	script, err := filepath.Abs(filepath.Join("..", "..", ".ci", "changes"))
	if err != nil {
		t.Fatal(err)
	}
	repo := t.TempDir()
	git := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = repo
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@t", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@t")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	write := func(name string) {
		t.Helper()
		p := filepath.Join(repo, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		old, _ := os.ReadFile(p)
		if err := os.WriteFile(p, append(old, 'x'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	changes := func(base, head string) string {
		t.Helper()
		cmd := exec.Command("bash", script, base, head)
		cmd.Dir = repo
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf(".ci/changes %s %s: %v\n%s", base, head, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	git("init", "-q", "-b", "main")
	for _, f := range []string{"content/a.md", "generator/main.go", "static/css/style.css", "static/img/a.png", "site.yaml", "go.mod"} {
		write(f)
	}
	git("add", ".")
	git("commit", "-q", "-m", "start")
	for _, c := range []struct {
		files []string
		code  bool
	}{
		{[]string{"content/ekonomi/2025-04-29-rupiah.md"}, false},
		{[]string{"content/ekonomi/grafik/index.md", "content/ekonomi/grafik/grafik.png", "static/img/a.png", "static/img/peta.jpg"}, false},
		{[]string{"site.yaml", "README.md"}, false},
		{[]string{"content/a.md", "static/css/style.css"}, true},
		{[]string{"static/js/search.js"}, true},
		{[]string{"templates/home.html"}, true},
		{[]string{"generator/main.go"}, true},
		{[]string{"go.mod"}, true},
		{[]string{"embed.go"}, true},
		{[]string{".github/workflows/pages.yml"}, true},
		{[]string{".ci/run"}, true},
		{[]string{"content/dunia/kata kunci \"ganjil\".md"}, false},
	} {
		base := git("rev-parse", "HEAD")
		for _, f := range c.files {
			write(f)
		}
		git("add", ".")
		git("commit", "-q", "-m", "change")
		want := "code=" + strconv.FormatBool(c.code)
		if got := changes(base, "HEAD"); got != want {
			t.Errorf("a push changing %v: %s, want %s", c.files, got, want)
		}
	}
	// A file of the generator moved among the articles still changes it.
	base := git("rev-parse", "HEAD")
	git("mv", "generator/main.go", "content/main.md")
	git("commit", "-q", "-m", "move")
	if got := changes(base, "HEAD"); got != "code=true" {
		t.Errorf("moving generator/main.go to content/: %s, want code=true", got)
	}
	// Several commits in one push: one change of code is enough.
	base = git("rev-parse", "HEAD")
	write("templates/base.html")
	git("add", ".")
	git("commit", "-q", "-m", "theme")
	write("content/b.md")
	git("add", ".")
	git("commit", "-q", "-m", "article")
	if got := changes(base, "HEAD"); got != "code=true" {
		t.Errorf("a push of a theme commit and an article commit: %s, want code=true", got)
	}
	// No commit to compare with: a first push, a new branch, a forced
	// push past what the clone has, a run by hand.
	for _, base := range []string{"", "0000000000000000000000000000000000000000", "3f786850e387550fdab836ed7e6dc881de23001b"} {
		if got := changes(base, "HEAD"); got != "code=true" {
			t.Errorf("base %q: %s, want code=true", base, got)
		}
	}
}
