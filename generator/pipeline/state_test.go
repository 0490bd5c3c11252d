package pipeline

import (
	"reflect"

	"encoding/json"
	"fmt"
	"github.com/kabar-news/kabar/generator/content"
	"github.com/kabar-news/kabar/generator/markdown"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kabar-news/kabar/generator/output"
)

// buildInProcess runs Build in a new process, as `kabar build` does: this
// test binary again, running only TestStateHelperProcess.
func buildInProcess(t *testing.T, opt Options) (Result, error) {
	t.Helper()
	arg, err := json.Marshal(opt)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestStateHelperProcess$")
	cmd.Env = append(os.Environ(), "KABAR_STATE_BUILD="+string(arg))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the build process: %v\n%s", err, out)
	}
	_, line, ok := strings.Cut(string(out), "RESULT ")
	if !ok {
		t.Fatalf("the build process said no result:\n%s", out)
	}
	line, _, _ = strings.Cut(line, "\n")
	if os.Getenv("KABAR_STATE_DEBUG") != "" {
		t.Logf("%s", out)
	}
	var r struct {
		Result Result
		Err    string
	}
	if err := json.Unmarshal([]byte(line), &r); err != nil {
		t.Fatal(err)
	}
	if r.Err != "" {
		return r.Result, fmt.Errorf("%s", r.Err)
	}
	return r.Result, nil
}

// TestStateHelperProcess is the build process of buildInProcess.
func TestStateHelperProcess(t *testing.T) {
	arg := os.Getenv("KABAR_STATE_BUILD")
	if arg == "" {
		return // not run as a helper: nothing to do
	}
	var opt Options
	if err := json.Unmarshal([]byte(arg), &opt); err != nil {
		t.Fatal(err)
	}
	b, err := NewBuilder(opt)
	if err != nil {
		t.Fatal(err)
	}
	b.remember, b.listRendered = true, true
	rb, err := b.Build(nil)
	b.Close()
	res := rb.Result
	if os.Getenv("KABAR_STATE_DEBUG") != "" {
		fmt.Fprintln(os.Stderr, "RENDERED", rb.rendered)
	}
	var r struct {
		Result Result
		Err    string
	}
	r.Result = Result{Pages: res.Pages, Rendered: res.Rendered, State: res.State, UpToDate: res.UpToDate}
	if err != nil {
		r.Err = err.Error()
	}
	line, _ := json.Marshal(r)
	fmt.Printf("RESULT %s\n", line)
}

// TestStateInNewProcessesMatchesCleanBuild changes a site at random and
// builds it after each change in a new process that goes on from the
// state the last one saved, comparing the output byte for byte with a
// clean build's.
func TestStateInNewProcessesMatchesCleanBuild(t *testing.T) {
	steps := 24
	if testing.Short() {
		steps = 12
	}
	for seed, theme := range []string{"built-in", "collections", "hostile"} {
		seed := uint64(seed + 21)
		t.Run(fmt.Sprintf("seed=%d,theme=%s", seed, theme), func(t *testing.T) {
			s := newFakeSite(t, seed, 24)
			if theme != "built-in" {
				s.writeTheme(themes[theme])
			}
			opt := Options{SiteDir: s.dir, OutDir: filepath.Join(t.TempDir(), "public"), CacheDir: t.TempDir()}
			var history []string
			used, kept := 0, 0
			var want map[string][]byte
			for i := range steps {
				name := "start"
				switch {
				case i == 1 || i == steps/2:
					name = "nothing"
				case i > 0:
					name, _ = s.step()
				}
				history = append(history, name)
				opt.Now = s.now
				res, err := buildInProcess(t, opt)
				clean, cleanErr := cleanBuild(t, Options{SiteDir: s.dir, Now: s.now})
				if (err == nil) != (cleanErr == nil) {
					t.Fatalf("after %q: the build says %v, a clean build %v\nsteps: %s", name, err, cleanErr, strings.Join(history, "; "))
				}
				if cleanErr == nil {
					want = clean
				}
				got := readOutput(t, opt.OutDir)
				delete(got, output.Marker)
				if diffs := sameOutput(got, want); len(diffs) > 0 {
					t.Fatalf("after %q the output is not the clean build's: %s\nsteps: %s", name, strings.Join(diffs[:min(10, len(diffs))], ", "), strings.Join(history, "; "))
				}
				if err != nil {
					continue
				}
				if i > 0 && res.State == "" {
					used++
					if res.Rendered < res.Pages {
						kept++
					}
				}
				if name == "nothing" && (res.State != "" || res.Rendered != 0 || !res.UpToDate) {
					t.Errorf("a build with nothing changed rendered %d pages and feeds (state: %q, up to date: %v)", res.Rendered, res.State, res.UpToDate)
				}
				if testing.Verbose() {
					t.Logf("%-40s rendered=%-4d pages=%-4d state=%q", name, res.Rendered, res.Pages, res.State)
				}
			}
			// The comparison above is of builds that used the state,
			// or it proves little.
			if used < steps/2 || kept < steps/3 {
				t.Errorf("of %d builds, %d used the saved state and %d of those kept pages as they were", steps-1, used, kept)
			}
		})
	}
}

// TestDoubtfulStateGivesCleanBuild gives builds a state that must not be
// used: each renders everything, says why, and writes the clean build's
// output.
func TestDoubtfulStateGivesCleanBuild(t *testing.T) {
	damage := map[string]func(t *testing.T, s *fakeSite, opt Options, path string){
		"truncated": func(t *testing.T, _ *fakeSite, _ Options, path string) {
			fi, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.Truncate(path, fi.Size()/2); err != nil {
				t.Fatal(err)
			}
		},
		"a byte changed": func(t *testing.T, _ *fakeSite, _ Options, path string) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			data[len(data)*2/3] ^= 0x20
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
		},
		"empty": func(t *testing.T, _ *fakeSite, _ Options, path string) {
			if err := os.WriteFile(path, nil, 0o644); err != nil {
				t.Fatal(err)
			}
		},
		"another program's": func(t *testing.T, s *fakeSite, opt Options, path string) {
			saved := programSum
			programSum = func() uint64 { return 12345 }
			defer func() { programSum = saved }()
			s.retitle()
			if _, err := Build(opt); err != nil {
				t.Fatal(err)
			}
		},
		"another output's": func(t *testing.T, s *fakeSite, opt Options, path string) {
			// Another writer (an older kabar, a build that keeps no
			// state) writes the output, and the state is left where it
			// was: what it says is of the output before.
			saved, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			s.retitle()
			b, err := NewBuilder(opt)
			if err != nil {
				t.Fatal(err)
			}
			defer b.Close()
			if _, err := b.Build(nil); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, saved, 0o644); err != nil {
				t.Fatal(err)
			}
		},
		"another config's": func(t *testing.T, s *fakeSite, _ Options, _ string) {
			s.write("site.yaml", "title: Uji Lain\nbase_url: https://example.github.io/uji/\nper_page: 5\n")
		},
	}
	for _, name := range sortedKeys(damage) {
		t.Run(name, func(t *testing.T) {
			s := newFakeSite(t, 5, 16)
			opt := Options{SiteDir: s.dir, OutDir: filepath.Join(t.TempDir(), "public"), CacheDir: t.TempDir(), Now: testNow}
			first, err := Build(opt)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := NewBuilder(opt)
			b.open(opt)
			path := b.statePath()
			b.Close()
			if _, err := os.Stat(path); err != nil {
				t.Fatalf("the first build saved no state: %v", err)
			}
			damage[name](t, s, opt, path)
			s.retitle() // a change the state must not hide
			res, err := Build(opt)
			if err != nil {
				t.Fatal(err)
			}
			if res.State == "" || res.Rendered < first.Rendered {
				t.Errorf("the build used the state (it says %q) and rendered %d of the %d pages and feeds a first build does", res.State, res.Rendered, first.Rendered)
			}
			want, err := cleanBuild(t, Options{SiteDir: s.dir, Now: testNow})
			if err != nil {
				t.Fatal(err)
			}
			got := readOutput(t, opt.OutDir)
			delete(got, output.Marker)
			if diffs := sameOutput(got, want); len(diffs) > 0 {
				t.Fatalf("the output is not the clean build's: %s", strings.Join(diffs[:min(10, len(diffs))], ", "))
			}
			// And the state saved then is good for the next build.
			res, err = Build(opt)
			if err != nil || res.State != "" || res.Rendered != 0 {
				t.Errorf("the build after: state %q, %d rendered, error %v", res.State, res.Rendered, err)
			}
		})
	}
}

// TestFreshIgnoresTheState checks --fresh, and that changed templates
// render every page.
func TestFreshIgnoresTheState(t *testing.T) {
	s := newFakeSite(t, 6, 12)
	opt := Options{SiteDir: s.dir, OutDir: filepath.Join(t.TempDir(), "public"), CacheDir: t.TempDir(), Now: testNow}
	first, err := Build(opt)
	if err != nil {
		t.Fatal(err)
	}
	fresh := opt
	fresh.Fresh = true
	if res, err := Build(fresh); err != nil || res.State != "--fresh" || res.Rendered != first.Rendered {
		t.Errorf("--fresh: state %q, %d of %d rendered, error %v", res.State, res.Rendered, first.Rendered, err)
	}
	// One template file changed renders every page, not only its own.
	data, err := os.ReadFile("../../templates/404.html")
	if err != nil {
		t.Fatal(err)
	}
	s.write("templates/404.html", string(data)+"{{/* changed */}}\n")
	if res, err := Build(opt); err != nil || res.State != "the templates changed" || res.Rendered != first.Rendered {
		t.Errorf("a new template: state %q, %d of %d rendered, error %v", res.State, res.Rendered, first.Rendered, err)
	}
	if res, err := Build(opt); err != nil || res.State != "" || res.Rendered != 0 {
		t.Errorf("after: state %q, %d rendered, error %v", res.State, res.Rendered, err)
	}
}

// retitle changes the title of one article.
func (s *fakeSite) retitle() {
	a := s.articles[s.pick()]
	a.Title = "Judul " + time.Now().Format("150405.000000000")
	s.save(a)
}

// TestUpToDateOnlyWhenNothingCould changes, one at a time, what a build
// with no article changed must still see: a static file, a template, the
// config, the clock moving past an article's time or past the news
// sitemap's window, --strict with a broken link. Each build is compared
// with a clean one; only the build with nothing changed may skip the work.
func TestUpToDateOnlyWhenNothingCould(t *testing.T) {
	s := newFakeSite(t, 8, 16)
	future := s.articles[s.pick()]
	future.Date = testNow.Add(5 * time.Hour) // held back until then
	s.save(future)
	recent := s.articles[s.pick()]
	recent.Date = testNow.Add(-47 * time.Hour) // in the news sitemap for an hour more
	s.save(recent)
	opt := Options{SiteDir: s.dir, OutDir: filepath.Join(t.TempDir(), "public"), CacheDir: t.TempDir(), Now: testNow}
	if _, err := Build(opt); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name   string
		change func()
		now    time.Time
		strict bool
		fresh  bool // the build must not be up to date
	}{
		{"nothing", func() {}, testNow, false, false},
		{"a minute later", func() {}, testNow.Add(time.Minute), false, false},
		{"a static file", func() { s.write("static/css/extra.css", "body { color: navy }\n") }, testNow.Add(time.Minute), false, true},
		{"a bundle's file", func() { s.write("content/dunia/foto.txt", "baru\n") }, testNow.Add(time.Minute), false, true},
		{"a template", func() { s.writeTheme(themes["titles-only"]) }, testNow.Add(time.Minute), false, true},
		{"nothing again", func() {}, testNow.Add(time.Minute), false, false},
		{"past the news window", func() {}, testNow.Add(90 * time.Minute), false, true},
		{"past the future article's time", func() {}, testNow.Add(6 * time.Hour), false, true},
		{"the config", func() {
			s.write("site.yaml", "title: Uji Baru\nbase_url: https://example.github.io/uji/\nper_page: 4\n")
		}, testNow.Add(6 * time.Hour), false, true},
		{"a broken link", func() {
			a := s.articles[s.pick()]
			a.Body += "\nLihat [ini](/tidak-ada/).\n"
			s.save(a)
		}, testNow.Add(6 * time.Hour), false, true},
		{"nothing, with the link still broken", func() {}, testNow.Add(6 * time.Hour), false, false},
		{"--strict with the link broken", func() {}, testNow.Add(6 * time.Hour), true, true},
	}
	for _, st := range steps {
		st.change()
		opt.Now, opt.Strict = st.now, st.strict
		res, err := Build(opt)
		if st.strict {
			if err == nil || res.UpToDate {
				t.Errorf("%s: the build did not fail on the broken link (up to date: %v)", st.name, res.UpToDate)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if res.UpToDate == st.fresh {
			t.Errorf("%s: up to date is %v", st.name, res.UpToDate)
		}
		if st.name == "nothing, with the link still broken" && len(res.Links) != 1 {
			t.Errorf("%s: the broken link is not said again: %v", st.name, res.Links)
		}
		want, err := cleanBuild(t, Options{SiteDir: s.dir, Now: st.now})
		if err != nil {
			t.Fatal(err)
		}
		got := readOutput(t, opt.OutDir)
		delete(got, output.Marker)
		if diffs := sameOutput(got, want); len(diffs) > 0 {
			t.Fatalf("%s: the output is not the clean build's: %s", st.name, strings.Join(diffs[:min(10, len(diffs))], ", "))
		}
	}
}

// An article read back from the state has the front matter it was parsed
// with, whether a value is its typed field's as written or not (a title
// with spaces around it, a source given as a number, a list, a field of
// the theme's own).
func TestStateKeepsTheFrontMatter(t *testing.T) {
	for _, fm := range []string{
		"title: Rupiah menguat\nsummary: Ringkas.\nsource: Antara\nsection: Ekonomi\nlang: id\n",
		"title: '  Rupiah menguat  '\nsource: 24\ntags: [Ekonomi, Pasar]\nimage_alt: ''\nrubrik_khusus: {warna: merah, urut: 3}\n",
		"title: Tanpa yang lain\n",
	} {
		data := []byte("---\n" + fm + "date: 2025-04-28T10:00:00+07:00\n---\nIsi berita.\n")
		a, err := content.Parse("a.md", "content/a.md", data, content.Options{Location: time.UTC, Markdown: markdown.New(false)})
		if err != nil {
			t.Fatal(err)
		}
		saved := *a
		saved.Content, saved.Warnings = "", nil
		var same []string
		saved.Params, same = trimParams(a)
		w := &recWriter{}
		if err := w.source(&savedSource{File: "a.md", Article: &saved, Same: same}); err != nil {
			t.Fatal(err)
		}
		r := &recReader{b: w.b}
		back := r.source()
		if r.err != nil {
			t.Fatal(r.err)
		}
		if err := restoreParams(back.Article, back.Same); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(back.Article.Params, a.Params) {
			t.Errorf("%q: Params read back %#v, want %#v", fm, back.Article.Params, a.Params)
		}
		if fm == "title: Tanpa yang lain\n" && len(same) != 1 {
			t.Errorf("%q: %v left out of the state; want the title", fm, same)
		}
	}
}
