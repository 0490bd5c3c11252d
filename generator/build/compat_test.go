package build

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
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
		`content/hugo/pasar-ikan/index.md:21: {{< tweet user="x" id="1" >}} is not understood: it is shown as it is; replace it with the text or Markdown it stands for`,
		`content/jekyll/2024-4-9-banjir-bandang-di-hulu.md:22: {% include iklan.html %} is not understood: it is shown as it is; replace it with the text or Markdown it stands for`,
	}
	if strings.Join(res.Warnings, "\n") != strings.Join(want, "\n") {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(res.Warnings, "\n"), strings.Join(want, "\n"))
	}
}

// TestBrokenLinkNamesItsLine: a link to no article fails the build with
// the file and line of the link, as Jekyll and Hugo fail.
func TestBrokenLinkNamesItsLine(t *testing.T) {
	dir := t.TempDir()
	write := func(rel, data string) {
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("content/2024-01-01-a.md", "---\ntitle: A\n---\nSatu.\n\nLihat [b]({% post_url 2024-01-02-b %}).\n")
	write("content/2024-01-02-x/b.md", "---\ntitle: B1\ndate: 2024-01-02\n---\nDua.\n")
	write("content/2024-01-03-c.md", "---\ntitle: C\n---\n[a]({{< ref \"b\" >}})\n")
	write("content/lain/b.md", "---\ntitle: B2\ndate: 2024-01-02\nslug: b-lain\n---\nTiga.\n")
	_, err := Build(Options{SiteDir: dir, OutDir: filepath.Join(dir, "public"), Now: time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)})
	want := "content/2024-01-01-a.md:6: {% post_url 2024-01-02-b %}: no article is named 2024-01-02-b (it may be a draft or dated in the future): name the post by its file name without .md, such as {% post_url 2024-04-09-judul %}, or write its address\n" +
		`content/2024-01-03-c.md:4: {{< ref "b" >}}: 2 articles have that name (content/2024-01-02-x/b.md, content/lain/b.md): give the article's file below content/, such as {{< ref "dunia/judul.md" >}}, or write its address`
	if err == nil || err.Error() != want {
		t.Fatalf("err =\n%v\nwant\n%s", err, want)
	}
	if _, err := os.Stat(filepath.Join(dir, "public")); err == nil {
		t.Error("a failed build wrote the output")
	}
}
