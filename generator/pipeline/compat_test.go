package pipeline

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kabar-news/kabar/generator/diag"
	"github.com/kabar-news/kabar/generator/output"
)

// TestMovedInPosts builds testdata/pindahan: posts written for Jekyll and
// Hugo, copied in unchanged, that link to each other with post_url, link,
// ref and relref and use their engines' tags, on a site under /pindahan/.
func TestMovedInPosts(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	res, err := Build(Options{SiteDir: "testdata/pindahan", OutDir: out, Now: time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	page := func(p string) string {
		data, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(p), "index.html"))
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	banjir, bantuan, pasar := page("2024/04/09/banjir-bandang-di-hulu/"), page("2024/04/10/bantuan-tiba/"), page("2024/04/11/pasar-ikan/")
	checks := []struct {
		page, name, want string
	}{
		// Jekyll: {{ site.baseurl }}{% post_url %} is one link, with the base path once.
		{banjir, "post_url", `<a href="/pindahan/2024/04/10/bantuan-tiba/">laporan sehari sesudahnya</a>`},
		{banjir, "link to a page bundle", `<a href="/pindahan/2024/04/11/pasar-ikan/">catatan pasar ikan</a>`},
		{banjir, "site.baseurl", `<img src="/pindahan/img/peta.png" alt="Peta desa">`},
		{banjir, "highlight with raw inside", `<pre tabindex="0" class="chroma"><code class="language-liquid" data-lang="liquid">&lt;h1&gt;{{ pengumuman.judul }}&lt;/h1&gt;`},
		{banjir, "an unknown tag as it is", `<p>{% include iklan.html %}</p>`},
		{banjir, "Liquid in code", `<code>{{ page.title }}</code>`},
		{banjir, "<!--more--> on its line", `<meta name="description" content="Air sungai naik dua meter dalam semalam dan merendam tiga desa di hulu.">`},
		// A link to a page that did not move in: where the author wrote it, and a warning.
		{bantuan, "a link to no article", `<a href="_docs/history.md">catatan sejarah</a>`},
		{bantuan, "fenced code highlighted", `<pre tabindex="0" class="chroma"><code class="language-go" data-lang="go"><span class="kd">func</span>`},
		{bantuan, "a comment's class", `<span class="c1">// kilogram beras</span>`},
		{bantuan, "<!--more--> in inline code is text", `<code>&lt;!--more--&gt;</code> di tengah baris`},
		{bantuan, "so the summary is the first paragraph", `<meta name="description" content="Truk bantuan tiba pagi ini. Skrip pembagian jatah:">`},
		// Hugo
		{pasar, "ref by path from content/", `<a href="/pindahan/2024/04/09/banjir-bandang-di-hulu/">kabar banjirnya</a>`},
		{pasar, "relref by name, with its anchor", `<a href="/pindahan/2024/04/10/bantuan-tiba/#top">bantuan</a>`},
		{pasar, "figure", `<figure><img src="/pindahan/img/pasar.jpg" alt="Los ikan yang ramai"><figcaption>Los ikan, Kamis pagi</figcaption></figure>`},
		{pasar, "youtube is a link", `<p><a class="video" href="https://www.youtube.com/watch?v=dQw4w9WgXcQ">▶ YouTube: dQw4w9WgXcQ</a></p>`},
		{pasar, "highlight", `<code class="language-python" data-lang="python"><span class="n">harga</span>`},
		{pasar, "an unknown shortcode as it is", `<p>{{&lt; tweet user=&#34;x&#34; id=&#34;1&#34; &gt;}}</p>`},
		{pasar, "the comment form", `tulis {{&lt; figure src=&#34;x&#34; &gt;}}.`},
		{pasar, "a front matter summary wins over <!--more-->", `<meta name="description" content="Pedagang kembali berjualan setelah banjir surut.">`},
	}
	for _, c := range checks {
		if !strings.Contains(c.page, c.want) {
			t.Errorf("%s: no %s", c.name, c.want)
		}
	}
	for _, p := range []string{banjir, bantuan, pasar} {
		for _, bad := range []string{"kbrq", "{% post_url", "{% link", "{{< ref", "{{< relref", "{% highlight", "{% raw", "{{< figure", "youtube.com/embed", "<iframe"} {
			if strings.Contains(p, bad) {
				t.Errorf("a page still holds %q", bad)
			}
		}
	}
	want := []string{
		`content/hugo/pasar-ikan/index.md:21: {{< tweet user="x" id="1" >}} is not understood, so it is shown as it is: replace it with the text or Markdown it stands for`,
		`content/jekyll/2024-4-9-banjir-bandang-di-hulu.md:22: {% include iklan.html %} is not understood, so it is shown as it is: replace it with the text or Markdown it stands for`,
		"content/jekyll/2024-04-10-bantuan-tiba.md:17:54: {% link _docs/history.md %}: there is no article content/_docs/history.md (it may be a draft or dated in the future): give the file's path below content/, such as {% link dunia/2024-04-09-judul.md %}, or write its address",
	}
	var got []string
	for _, w := range res.Warnings {
		if w.Severity != diag.Warning {
			t.Errorf("%s is no warning but %q", w, w.Severity)
		}
		got = append(got, w.String())
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestBrokenLinkNamesItsLine: a link to no article is a broken link like
// any other: a warning with the file, line and column of the tag, the
// link's text on the page pointing where the author wrote it; under
// --strict an error that leaves no output.
func TestBrokenLinkNamesItsLine(t *testing.T) {
	dir := t.TempDir()
	write := func(rel, data string) string { return writeFile(t, dir, rel, data) }
	write("content/2024-01-01-a.md", "---\ntitle: A\n---\nSatu.\n\nLihat [berita b]({% post_url 2024-01-02-b %}).\n")
	write("content/2024-01-02-x/b.md", "---\ntitle: B1\ndate: 2024-01-02\n---\nDua.\n")
	write("content/2024-01-03-c.md", "---\ntitle: C\n---\n[a]({{< ref \"b\" >}}) dan [sejarah]({% link _docs/history.md %})\n")
	write("content/lain/b.md", "---\ntitle: B2\ndate: 2024-01-02\nslug: b-lain\n---\nTiga.\n")
	now := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	want := []string{
		"content/2024-01-01-a.md:6:18: {% post_url 2024-01-02-b %}: no article is named 2024-01-02-b (it may be a draft or dated in the future): name the post by its file name without .md, such as {% post_url 2024-04-09-judul %}, or write its address",
		`content/2024-01-03-c.md:4:5: {{< ref "b" >}}: 2 articles have that name (content/2024-01-02-x/b.md, content/lain/b.md): give the article's file below content/, such as {{< ref "dunia/judul.md" >}}, or write its address`,
		"content/2024-01-03-c.md:4:36: {% link _docs/history.md %}: there is no article content/_docs/history.md (it may be a draft or dated in the future): give the file's path below content/, such as {% link dunia/2024-04-09-judul.md %}, or write its address",
	}

	out := filepath.Join(dir, "public")
	res, err := Build(Options{SiteDir: dir, OutDir: out, Now: now})
	if err != nil {
		t.Fatalf("a broken link failed the build: %v", err)
	}
	var got []string
	for _, w := range res.Warnings {
		if w.Severity != diag.Warning {
			t.Errorf("%s is no warning but %q", w, w.Severity)
		}
		got = append(got, w.String())
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") || len(res.Links) != len(want) {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for page, link := range map[string]string{
		"2024/01/01/a/index.html": `<a href="2024-01-02-b">berita b</a>`,
		"2024/01/03/c/index.html": `<a href="b">a</a> dan <a href="_docs/history.md">sejarah</a>`,
	} {
		if html, _ := os.ReadFile(filepath.Join(out, filepath.FromSlash(page))); !strings.Contains(string(html), link) {
			t.Errorf("%s lacks %s", page, link)
		}
	}

	strictOut := filepath.Join(dir, "strict")
	_, err = Build(Options{SiteDir: dir, OutDir: strictOut, Now: now, Strict: true})
	ds := diag.List(err)
	got = got[:0]
	for _, d := range ds {
		if d.Severity != diag.Error {
			t.Errorf("under --strict %s is %q", d, d.Severity)
		}
		got = append(got, d.String())
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("errors under --strict:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if _, err := os.Stat(strictOut); err == nil {
		t.Error("a failed build wrote the output")
	}
}

// TestBrokenLinkMended: while watching, a link to no article leads to the
// article once it is written, and the warning goes; it comes back when
// the article is deleted.
func TestBrokenLinkMended(t *testing.T) {
	dir := t.TempDir()
	write := func(rel, data string) string { return writeFile(t, dir, rel, data) }
	write("content/2024-01-01-a.md", "---\ntitle: A\n---\nLihat [b]({% post_url 2024-03-01-b %}).\n")
	write("content/2024-01-10-isi.md", "---\ntitle: Isi\n---\nSela.\n")
	out := filepath.Join(dir, "public")
	b, err := NewBuilder(Options{SiteDir: dir, OutDir: out, Now: time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	page := func() string {
		h, _ := os.ReadFile(filepath.Join(out, "2024/01/01/a/index.html"))
		return string(h)
	}
	res, err := b.Build(nil)
	if err != nil || len(res.Links) != 1 || !strings.Contains(page(), `href="2024-03-01-b"`) {
		t.Fatalf("first build: %v, links %v", err, res.Links)
	}
	target := write("content/2024-03-01-b.md", "---\ntitle: B\n---\nDua.\n")
	res, err = b.Build([]string{target})
	if err != nil || len(res.Links) != 0 || !strings.Contains(page(), `href="/2024/03/01/b/"`) {
		t.Errorf("with the target written: %v, links %v", err, res.Links)
	}
	if err := os.Remove(target); err != nil {
		t.Fatal(err)
	}
	res, err = b.Build([]string{target})
	if err != nil || len(res.Links) != 1 || !strings.Contains(page(), `href="2024-03-01-b"`) {
		t.Errorf("with the target deleted: %v, links %v", err, res.Links)
	}
}

// TestLinkFollowsItsTarget: an article that links to another shows the
// other's new URL after a rebuild that changed only the other, whichever
// way the rebuild went (the model kept or made again), as a clean build.
func TestLinkFollowsItsTarget(t *testing.T) {
	dir := t.TempDir()
	write := func(rel, data string) string { return writeFile(t, dir, rel, data) }
	// B and C are far from A, so that A's page shows them through no
	// neighbour: only through its links.
	write("content/dunia/2024-01-01-a.md", "---\ntitle: A\n---\nLihat [b]({% post_url 2024-03-01-b %}) dan [c]({{< ref \"c\" >}}).\n")
	write("content/2024-01-10-isi.md", "---\ntitle: Isi\n---\nSela.\n")
	write("content/2024-01-11-isi-lagi.md", "---\ntitle: Isi lagi\n---\nSela.\n")
	write("content/2024-03-01-b.md", "---\ntitle: B\n---\nDua.\n")
	write("content/lain/c.md", "---\ntitle: C\ndate: 2024-04-01\n---\nTiga.\n")
	now := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	out := filepath.Join(dir, "public")
	b, err := NewBuilder(Options{SiteDir: dir, OutDir: out, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if _, err := b.Build(nil); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name, file, data, want string
	}{
		{"the target's slug", "content/2024-03-01-b.md", "---\ntitle: B\nslug: b-baru\n---\nDua.\n", `href="/2024/03/01/b-baru/"`},
		{"the target's date", "content/2024-03-01-b.md", "---\ntitle: B\nslug: b-baru\ndate: 2024-03-05\n---\nDua.\n", `href="/2024/03/05/b-baru/"`},
		{"a nearer article for ref", "content/dunia/c.md", "---\ntitle: C dekat\ndate: 2024-04-02\n---\nEmpat.\n", `href="/2024/04/02/c/"`},
		{"the link's own text, the model kept", "content/dunia/2024-01-01-a.md", "---\ntitle: A\n---\nLihat [b]({{< relref \"/lain/c.md\" >}}).\n", `href="/2024/04/01/c/"`},
	}
	for _, st := range steps {
		rb, err := b.Build([]string{write(st.file, st.data)})
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		got, err := os.ReadFile(filepath.Join(out, "2024/01/01/a/index.html"))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(got), st.want) {
			t.Errorf("after a change of %s, the linking page lacks %s", st.name, st.want)
		}
		clean, err := cleanBuild(t, Options{SiteDir: dir, OutDir: filepath.Join(t.TempDir(), "clean"), Now: now})
		if err != nil {
			t.Fatal(err)
		}
		inc := readOutput(t, out)
		delete(inc, output.Marker)
		if diffs := sameOutput(inc, clean); len(diffs) > 0 {
			t.Errorf("after a change of %s (kept=%v) the output is not the clean build's: %v", st.name, rb.Kept, diffs)
		}
	}
}

// writeFile writes dir/rel, making its folders, and returns its path.
func writeFile(t *testing.T, dir, rel, data string) string {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
