package shortcode

import (
	"strconv"
	"strings"
	"testing"
)

// expand runs Expand with the code ranges found by hand: the tests here
// know where their code is; package content finds it with goldmark.
func expand(src string, code ...string) *Result {
	var ranges [][2]int
	for _, c := range code {
		i := strings.Index(src, c)
		ranges = append(ranges, [2]int{i, i + len(c)})
	}
	return Expand([]byte(src), Options{BasePath: "/blog/", Code: ranges})
}

func TestEachTag(t *testing.T) {
	cases := []struct {
		name, src string
		code      []string
		want      string // Src after Fill, with the link tokens as L0, L1...
		links     []string
	}{
		{"raw keeps Liquid", "Tulis {% raw %}{{ page.title }}{% endraw %} di templat.\n", nil,
			"Tulis {{ page.title }} di templat.\n", nil},
		{"raw markers inside code go", "```liquid\n{% raw %}{{ page.title }}{% endraw %}\n```\n", []string{"{% raw %}{{ page.title }}{% endraw %}\n"},
			"```liquid\n{{ page.title }}\n```\n", nil},
		{"whitespace control", "A{%- raw -%}{{x}}{%- endraw -%}B\n", nil, "A{{x}}B\n", nil},
		{"highlight", "Kode:\n\n{% highlight go %}\nfmt.Println(\"a\")\n{% endhighlight %}\n\nSelesai.\n", nil,
			"Kode:\n\n```go\nfmt.Println(\"a\")\n```\n\nSelesai.\n", nil},
		{"highlight with options and backticks inside", "{% highlight ruby linenos %}\nx = `ls`\ny = ```\n{% endhighlight %}\n", nil,
			"````ruby\nx = `ls`\ny = ```\n````\n", nil},
		{"highlight in a list keeps its indent", "- satu\n\n  {% highlight sh %}\n  ls\n  {% endhighlight %}\n", nil,
			"- satu\n\n  ```sh\n  ls\n  ```\n", nil},
		{"hugo highlight", "{{< highlight go \"linenos=table\" >}}\nx := 1\n{{< /highlight >}}\n", nil,
			"```go\nx := 1\n```\n", nil},
		{"post_url in a link", "Baca [sebelumnya]({% post_url 2024-04-08-banjir %}).\n", nil,
			"Baca [sebelumnya](L0).\n", []string{"post_url 2024-04-08-banjir"}},
		{"baseurl before a link is the link's", "[x]({{ site.baseurl }}{% link _posts/2024-04-08-banjir.md %})\n", nil,
			"[x](L0)\n", []string{"link _posts/2024-04-08-banjir.md"}},
		{"baseurl", "![peta]({{ site.baseurl }}/img/peta.png) {{site.baseurl}}\n", nil, "![peta](/blog/img/peta.png) /blog\n", nil},
		{"link to a static file", "[PDF]({% link /dokumen/laporan.pdf %})\n", nil, "[PDF](/blog/dokumen/laporan.pdf)\n", nil},
		{"relative_url", "[arsip]({{ '/arsip/' | relative_url }})\n", nil, "[arsip](/blog/arsip/)\n", nil},
		{"ref and relref", "[a]({{< ref \"dunia/a.md\" >}}) [b]({{< relref \"b#latar\" >}}) [c]({{% ref c %}})\n", nil,
			"[a](L0) [b](L1) [c](L2)\n", []string{"ref dunia/a.md", "relref b#latar", "ref c"}},
		{"figure alone", "Teks.\n\n{{< figure src=\"/img/a.jpg\" alt=\"Sungai\" caption=\"Sungai <meluap>\" >}}\n", nil,
			"Teks.\n\n<figure><img src=\"/blog/img/a.jpg\" alt=\"Sungai\"><figcaption>Sungai &lt;meluap&gt;</figcaption></figure>\n", nil},
		{"figure in text", "Lihat {{< figure src=\"/img/a.jpg\" caption=\"Peta\" >}} ini.\n", nil,
			"Lihat <img src=\"/blog/img/a.jpg\" alt=\"Peta\"> ini.\n", nil},
		{"youtube", "{{< youtube dQw4w9WgXcQ >}}\n", nil,
			"<p><a class=\"video\" href=\"https://www.youtube.com/watch?v=dQw4w9WgXcQ\">▶ YouTube: dQw4w9WgXcQ</a></p>\n", nil},
		{"youtube by name with a title", "{{< youtube id=\"dQw4w9WgXcQ\" title=\"Wawancara\" >}}\n", nil,
			"<p><a class=\"video\" href=\"https://www.youtube.com/watch?v=dQw4w9WgXcQ\">▶ Wawancara</a></p>\n", nil},
		{"hugo comment form", "Tulis {{</* figure src=\"x\" */>}} saja.\n", nil, "Tulis {{&lt; figure src=&#34;x&#34; &gt;}} saja.\n", nil},
		{"hugo comment form with %", "Tulis {{%/* ref a */%}}.\n", nil, "Tulis {{% ref a %}}.\n", nil},
		{"hugo comment form in code", "```\n{{</* ref \"a\" */>}}\n```\n", []string{"{{</* ref \"a\" */>}}\n"}, "```\n{{< ref \"a\" >}}\n```\n", nil},
		{"tags in code are text", "Pakai `{% post_url x %}` dan `{{ page.title }}`.\n", []string{"{% post_url x %}", "{{ page.title }}"},
			"Pakai `{% post_url x %}` dan `{{ page.title }}`.\n", nil},
		{"unknown tags shown as they are", "{% include iklan.html %}\n\nA {{<b>}} B\n", nil,
			"<p>{% include iklan.html %}</p>\n\nA {{&lt;b&gt;}} B\n", nil},
		{"braces that are no tag", "Set {a} dan {{ tanpa penutup\n\nlagi\n\nlagi\n\nlagi }}\n", nil,
			"Set {a} dan {{ tanpa penutup\n\nlagi\n\nlagi\n\nlagi }}\n", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := expand(c.src, c.code...)
			// Stand-in for Markdown: a token alone on a line is a paragraph.
			h := r.Fill(paragraphs(string(r.Src)))
			h = Links(h, r.Mark, []string{"L0", "L1", "L2"})
			if h = unparagraphs(h); h != c.want {
				t.Errorf("got\n%q\nwant\n%q", h, c.want)
			}
			var links []string
			for _, l := range r.Links {
				links = append(links, l.Kind+" "+l.Target)
			}
			if strings.Join(links, "|") != strings.Join(c.links, "|") {
				t.Errorf("links %q, want %q", links, c.links)
			}
		})
	}
}

// paragraphs wraps lines of one token in <p>, as Markdown would.
func paragraphs(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "kbrq") && strings.HasSuffix(l, "z") && !strings.Contains(l, " ") {
			lines[i] = "<p>" + l + "</p>"
		}
	}
	return strings.Join(lines, "\n")
}

// unparagraphs undoes paragraphs where no block took the <p>.
func unparagraphs(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "<p>") && strings.HasSuffix(l, "</p>") && !strings.Contains(l, "<a ") && !strings.Contains(l, "{%") {
			lines[i] = strings.TrimSuffix(strings.TrimPrefix(l, "<p>"), "</p>")
		}
	}
	return strings.Join(lines, "\n")
}

func TestWarningsNameTheLine(t *testing.T) {
	src := "Satu\n\n{% include iklan.html %}\n\n{{ page.title }} dan `{{ kode }}`\n\n{{< tweet 123 >}}\n\n{{< youtube >}}\n\n{% highlight go %}\nx\n"
	r := expand(src, "{{ kode }}")
	var got []string
	for _, w := range r.Warnings {
		got = append(got, strings.Fields(w.Msg)[0]+" "+strconv.Itoa(w.Line))
	}
	want := []string{"{% 3", "{{ 5", "{{< 7", "{{< 9", "{% 11"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("warnings %q, want %q\n%v", got, want, r.Warnings)
	}
	if w := r.Warnings[0]; w.Msg != "{% include iklan.html %} is not understood, so it is shown as it is" || w.Fix != "replace it with the text or Markdown it stands for" {
		t.Errorf("message %+v", w)
	}
	if w := r.Warnings[4]; !strings.Contains(w.Msg, "never closed") || !strings.Contains(w.Fix, "{% endhighlight %}") {
		t.Errorf("unclosed highlight: %+v", w)
	}
}

func TestTokensCannotBeForged(t *testing.T) {
	// The source holds what a token would look like: the prefix grows.
	src := "kbrqh0z kbrqqh0z {% include x %}\n"
	r := expand(src)
	if strings.HasPrefix(r.Mark, "kbrqq") == false || strings.Contains(src, r.Mark) {
		t.Fatalf("mark %q occurs in the source", r.Mark)
	}
	if got := r.Fill(string(r.Src)); got != "kbrqh0z kbrqqh0z {% include x %}\n" {
		t.Fatalf("got %q", got)
	}
}

func TestPlainText(t *testing.T) {
	r := expand("Lihat {{< figure src=\"/a.jpg\" caption=\"Peta banjir\" >}} dan [x]({{< ref a >}}) {{ page.x }}")
	if got := r.Plain(string(r.Src)); got != "Lihat Peta banjir dan [x]() {{ page.x }}" {
		t.Fatalf("got %q", got)
	}
}

func TestFigureRefusesScripts(t *testing.T) {
	r := expand("{{< figure src=\"javascript:alert(1)\" >}}\n")
	if h := r.Fill(string(r.Src)); strings.Contains(h, "<img") || len(r.Warnings) != 1 {
		t.Fatalf("got %q, warnings %v", h, r.Warnings)
	}
}

func BenchmarkBraces(b *testing.B) {
	src := []byte(strings.Repeat("{{ {% {{< ", 50000))
	for b.Loop() {
		Expand(src, Options{BasePath: "/"})
	}
}

// FuzzExpand: any text expands without a panic; text without a brace
// is left as it is, and no token is left over after Fill and Links.
func FuzzExpand(f *testing.F) {
	for _, s := range []string{"{% raw %}{{x}}", "{{< figure src=\"/a.jpg\" >}}", "{% highlight go %}\nx\n", "{{</* x */>}}", "a {{ site.baseurl }}{% post_url x %}", "{{% ref \"a#b\" %}}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		r := Expand([]byte(src), Options{BasePath: "/b/"})
		if !strings.Contains(src, "{") && string(r.Src) != src {
			t.Fatalf("%q became %q", src, r.Src)
		}
		urls := make([]string, len(r.Links))
		h := Links(r.Fill(string(r.Src)), r.Mark, urls)
		if strings.Contains(h, r.Mark) {
			t.Fatalf("a token is left in %q", h)
		}
	})
}
