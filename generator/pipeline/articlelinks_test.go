package pipeline

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// linkSite writes a small site served under /repo/, whose articles link
// to each other, and returns its folder.
func linkSite(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	all := map[string]string{
		"site.yaml":          "title: Kabar Uji\nbase_url: https://user.github.io/repo/\n",
		"static/img/ada.png": "png",
		"content/kedua.md":   "---\ntitle: Kedua\ndate: 2025-04-27\nslug: kedua\n---\n\n## Rincian\n\nIsi kedua.\n",
	}
	for k, v := range files {
		all[k] = v
	}
	for name, data := range all {
		if data == "" {
			continue
		}
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const awal = `---
title: Awal
date: 2025-04-28
slug: awal
---

## Latar Belakang

Ke [kedua](/2025/04/27/kedua/) dan [tidak ada](/2025/01/01/tidak-ada/).
Ke [rincian](/repo/2025/04/27/kedua/#rincian) dan [bagian hilang](/repo/2025/04/27/kedua/#tidak-ada).
![foto hilang](/repo/img/tidak-ada.jpg) ![foto](/repo/img/ada.png) ![relatif](../../../../img/ada.png)
[diri](#latar-belakang), [relatif](../../27/kedua/), [halaman hilang](/repo/2025/04/27/lain/).
[luar](https://contoh.example/x), [surel](mailto:redaksi@kabar.id), [depan](https://user.github.io/repo/).
`

// TestBrokenLinksAreWarnings: each kind of broken link is reported with
// its file and line, the build still succeeds, and root-relative links to
// pages the site has are put under the base path.
func TestBrokenLinksAreWarnings(t *testing.T) {
	dir := linkSite(t, map[string]string{"content/awal.md": awal})
	out := filepath.Join(t.TempDir(), "public")
	res := build(t, Options{SiteDir: dir, OutDir: out})
	want := []string{
		`content/awal.md:9:36: link "/2025/01/01/tidak-ada/" is root-relative, but the site is served under /repo/, and it has no /repo/2025/01/01/tidak-ada/ either: link to a page of the site (written as /repo/... or relative), or write the full address of a page elsewhere`,
		`content/awal.md:10:51: link "/repo/2025/04/27/kedua/#tidak-ada" points at #tidak-ada, but /repo/2025/04/27/kedua/ has no element with that id: link to one of its headings' IDs (a heading "Latar Belakang" has the id latar-belakang), or remove the #part`,
		`content/awal.md:11:1: image "/repo/img/tidak-ada.jpg" points at /repo/img/tidak-ada.jpg, a file the site does not have: put the file at static/img/tidak-ada.jpg, or correct the path`,
		`content/awal.md:12:54: link "/repo/2025/04/27/lain/" points at /repo/2025/04/27/lain/, a page the site does not have: correct the address (the article may have a new slug, or be a draft or dated in the future)`,
	}
	var got []string
	for _, w := range res.Warnings {
		got = append(got, w.String())
	}
	if got := strings.Join(got, "\n"); got != strings.Join(want, "\n") {
		t.Errorf("warnings:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
	if len(res.Links) != 4 || res.Links[0].Column != 36 || res.Links[0].Line != 9 {
		t.Errorf("findings %+v: want 4, the first at 9:36", res.Links)
	}
	page, err := os.ReadFile(filepath.Join(out, "2025", "04", "28", "awal", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{`href="/repo/2025/04/27/kedua/"`, `href="/2025/01/01/tidak-ada/"`, `src="/repo/img/ada.png"`} {
		if !strings.Contains(string(page), s) {
			t.Errorf("the article page has no %s", s)
		}
	}
	if strings.Contains(string(page), `href="/2025/04/27/kedua/"`) {
		t.Error("the root-relative link to an existing page was not put under /repo/")
	}
	// The built site itself has no link outside the base path.
	rep := checkLinks(t, newServed(t, out, "https://user.github.io/repo/"))
	for _, p := range rep.problems {
		if strings.Contains(p, "kedua") && strings.Contains(p, "outside the base path") {
			t.Errorf("the rewritten link does not resolve: %s", p)
		}
	}
}

// TestRootRelativeLinksAtTheDomainRoot: served from /, a root-relative
// link is already right, and only a missing target is reported.
func TestRootRelativeLinksAtTheDomainRoot(t *testing.T) {
	dir := linkSite(t, map[string]string{
		"site.yaml":       "title: Kabar Uji\nbase_url: https://kabar.example/\n",
		"content/awal.md": "---\ntitle: Awal\ndate: 2025-04-28\n---\n\n[a](/2025/04/27/kedua/) [b](/2025/01/01/tidak-ada/) [c](/img/ada.png)\n",
	})
	res := build(t, Options{SiteDir: dir, OutDir: filepath.Join(t.TempDir(), "public")})
	if len(res.Links) != 1 || res.Links[0].Line != 6 || !strings.Contains(res.Links[0].Msg, `"/2025/01/01/tidak-ada/" points at /2025/01/01/tidak-ada/, a page the site does not have`) {
		t.Errorf("findings %+v; want one, for /2025/01/01/tidak-ada/ on line 6", res.Links)
	}
}

// TestStrictFailsAndKeepsOutput: with Strict, a broken link fails the
// build and the previous output stays as it was.
func TestStrictFailsAndKeepsOutput(t *testing.T) {
	dir := linkSite(t, map[string]string{"content/awal.md": "---\ntitle: Awal\ndate: 2025-04-28\n---\n\nKe [kedua](/repo/2025/04/27/kedua/).\n"})
	out := filepath.Join(t.TempDir(), "public")
	if res := build(t, Options{SiteDir: dir, OutDir: out, Strict: true}); len(res.Warnings) != 0 {
		t.Fatalf("warnings %q on a site without broken links", res.Warnings)
	}
	before := readTree(t, out)
	if err := os.WriteFile(filepath.Join(dir, "content", "awal.md"), []byte("---\ntitle: Awal diubah\ndate: 2025-04-28\n---\n\nKe [kedua](/repo/2025/04/27/kedua/#tidak-ada).\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Build(Options{SiteDir: dir, OutDir: out, Strict: true})
	if err == nil || !strings.Contains(err.Error(), `content/awal.md:6:4: link "/repo/2025/04/27/kedua/#tidak-ada" points at #tidak-ada`) {
		t.Fatalf("strict build: %v; want the missing fragment on line 6", err)
	}
	sameTree(t, "after a strict build that failed", readTree(t, out), before)
	// Without Strict the same site builds, with the warning.
	if res := build(t, Options{SiteDir: dir, OutDir: out}); len(res.Links) != 1 {
		t.Errorf("findings %+v; want the one broken link", res.Links)
	}
}

// TestCheckWritesNothing: Check reports the broken links and writes no
// output folder.
func TestCheckWritesNothing(t *testing.T) {
	dir := linkSite(t, map[string]string{"content/awal.md": awal})
	res := build(t, Options{SiteDir: dir, Check: true})
	if len(res.Links) != 4 {
		t.Errorf("findings %+v; want 4", res.Links)
	}
	if _, err := os.Stat(filepath.Join(dir, "public")); !os.IsNotExist(err) {
		t.Errorf("check wrote public/: %v", err)
	}
}

// TestRebuildRechecksLinks: while watching, a link is checked again when
// its article changes, when the page it points at appears or goes, and
// when that page loses the fragment; each rebuild equals a clean build.
func TestRebuildRechecksLinks(t *testing.T) {
	dir := linkSite(t, map[string]string{"content/awal.md": "---\ntitle: Awal\ndate: 2025-04-28\n---\n\n" +
		"Ke [baru](/2025/04/29/baru/) dan [rincian](/repo/2025/04/27/kedua/#rincian).\n"})
	out := filepath.Join(t.TempDir(), "public")
	opt := Options{SiteDir: dir, OutDir: out}
	b, err := NewBuilder(opt)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	step := func(what string, changed []string, want ...string) {
		t.Helper()
		rb, err := b.Build(changed)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		var got []string
		for _, f := range rb.Links {
			got = append(got, f.String())
		}
		if len(got) != len(want) {
			t.Fatalf("%s: findings\n%s\nwant %d containing %q", what, strings.Join(got, "\n"), len(want), want)
		}
		for i := range want {
			if !strings.Contains(got[i], want[i]) {
				t.Errorf("%s: finding %q does not contain %q", what, got[i], want[i])
			}
		}
		clean, err := cleanBuild(t, opt)
		if err != nil {
			t.Fatal(err)
		}
		got2 := readOutput(t, out)
		delete(got2, ".kabar-output")
		if d := sameOutput(got2, clean); len(d) > 0 {
			t.Errorf("%s: the rebuild differs from a clean build: %v", what, d)
		}
	}
	write := func(name, data string) []string {
		p := filepath.Join(dir, "content", name)
		if data == "" {
			if err := os.Remove(p); err != nil {
				t.Fatal(err)
			}
		} else if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		return []string{p}
	}
	step("first build", nil, `content/awal.md:6:4: link "/2025/04/29/baru/" is root-relative`)
	baru := "---\ntitle: Baru\ndate: 2025-04-29\nslug: baru\n---\n\nIsi baru.\n"
	step("the page it points at appears", write("baru.md", baru))
	page, _ := os.ReadFile(filepath.Join(out, "2025", "04", "28", "awal", "index.html"))
	if !strings.Contains(string(page), `href="/repo/2025/04/29/baru/"`) {
		t.Error("once its target exists, the root-relative link is not put under /repo/")
	}
	step("the page goes again", write("baru.md", ""), `content/awal.md:6:4: link "/2025/04/29/baru/" is root-relative`)
	step("the target page loses its heading", write("kedua.md", "---\ntitle: Kedua\ndate: 2025-04-27\nslug: kedua\n---\n\n## Lain\n\nIsi kedua.\n"),
		`content/awal.md:6:4: link "/2025/04/29/baru/" is root-relative`, `content/awal.md:6:34: link "/repo/2025/04/27/kedua/#rincian" points at #rincian`)
	step("the article is fixed", write("awal.md", "---\ntitle: Awal\ndate: 2025-04-28\n---\n\nKe [kedua](/repo/2025/04/27/kedua/#lain).\n"))
	// A new fragment link into a page not rendered in this build: the
	// page is rendered to learn its IDs.
	step("a new link into another page", write("awal.md", "---\ntitle: Awal\ndate: 2025-04-28\n---\n\nKe [kedua](/repo/2025/04/27/kedua/#lain) [x](/repo/tags/#tidak-ada).\n"),
		`content/awal.md:6:42: link "/repo/tags/#tidak-ada" points at #tidak-ada, but /repo/tags/ has no element`)
}
