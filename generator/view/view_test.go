package view

import (
	"bytes"
	"errors"
	"github.com/kabar-news/kabar/generator/internal/hashing"
	"html/template"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kabar-news/kabar/generator/config"
	"github.com/kabar-news/kabar/generator/content"
	"github.com/kabar-news/kabar/generator/site"
)

// model makes a site of three articles, "a" the oldest, with IDs.
func model(t *testing.T, change func(list []*content.Article)) *site.Site {
	t.Helper()
	day := time.Date(2025, 4, 28, 8, 0, 0, 0, time.UTC)
	var list []*content.Article
	for i, name := range []string{"a", "b", "c"} {
		list = append(list, &content.Article{
			File: name + ".md", Title: "Judul " + name, Slug: name, Summary: "Ringkas " + name,
			Date: day.Add(time.Duration(i) * time.Hour), Section: "Dunia", Tags: []string{"Rusia"},
			Content: template.HTML("<p>isi " + name + "</p>"),
		})
	}
	if change != nil {
		change(list)
	}
	cfg := config.Default()
	cfg.Location = time.UTC
	s, err := site.New(cfg, "", list)
	if err != nil {
		t.Fatal(err)
	}
	ids.Assign(s)
	return s
}

// ids is shared by the models of a test file, as a Builder shares its.
var ids = NewIDs()

func env(s *site.Site, partials map[string]string, calls *atomic.Int64) *Env {
	set := template.New("")
	for name, src := range partials {
		template.Must(set.New(name).Parse(src))
	}
	run := func(name string, dot any) ([]byte, error) {
		calls.Add(1)
		var buf bytes.Buffer
		err := set.ExecuteTemplate(&buf, name, dot)
		return buf.Bytes(), err
	}
	return &Env{Site: s, Articles: parsed{}, Partials: runner(run), Cards: NewCards(true)}
}

// parsed gives the bodies the parser left on the articles, and no lead
// images.
type parsed struct{}

func (parsed) Body(a *site.Article) (template.HTML, error) { return a.Content, nil }
func (parsed) Lead(*site.Article) *Lead                    { return nil }

// runner runs the partials of a test's template set.
type runner func(name string, dot any) ([]byte, error)

func (p runner) Card(dot any) ([]byte, error)                 { return p("partials/card.html", dot) }
func (p runner) Partial(name string, dot any) ([]byte, error) { return p(name, dot) }

// render runs src with the view of page p as its dot.
func render(t *testing.T, e *Env, p *site.Page, src string) (string, []Key) {
	t.Helper()
	tmpl, err := template.New("page").Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	r := NewRecorder(e)
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, r.Page(p)); err != nil {
		t.Fatal(err)
	}
	return buf.String(), r.Trace()
}

func pageOf(s *site.Site, kind, path string) *site.Page {
	for _, p := range s.Pages() {
		if p.Kind == kind && (path == "" || p.Path == path) {
			return p
		}
	}
	return nil
}

func articlePage(s *site.Site, file string) *site.Page {
	for _, p := range s.Pages() {
		if p.Article != nil && p.Article.File == file {
			return p
		}
	}
	return nil
}

func sums(a *site.Article) (uint64, uint64, uint64) {
	return hashing.String(a.Title + a.Summary + a.Section), hashing.String(string(a.Content)), hashing.String(a.Image + "\x00" + a.ImageAlt)
}

func TestTraceHoldsWhatWasRead(t *testing.T) {
	s := model(t, nil)
	e := env(s, nil, new(atomic.Int64))
	b := articlePage(s, "b.md")
	id := b.Article.ID
	cases := []struct {
		src  string
		want []Key
	}{
		{`{{.Title}} {{.Kind}} {{.Path}}`, nil}, // the page itself: its Self
		{`{{.Article.Title}}`, []Key{aMeta.Key(id)}},
		{`{{.Article.Content}}`, []Key{aText.Key(id)}},
		{`{{.Article.Older.Title}}`, []Key{aLinks.Key(id), aMeta.Key(b.Article.Older.ID)}},
		{`{{len .Site.Articles}}`, []Key{siteField(sArticles)}},
		{`{{.Article.SectionTerm.Count}}`, []Key{aMeta.Key(id), tCount.Key(b.Article.SectionTerm.ID)}},
		{`{{printf "%v" .Article}}`, []Key{aMeta.Key(id)}},
	}
	for _, c := range cases {
		_, got := render(t, e, b, c.src)
		want := slices.Clone(c.want)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s: trace %v, want %v", c.src, got, want)
		}
	}
	if _, tr := render(t, e, b, `{{range .Site.Articles}}{{end}}`); !ReadsAllArticles(tr) {
		t.Error("ranging over .Site.Articles is not reported as reading every article")
	}
	if _, tr := render(t, e, b, `{{.Article.Title}}`); ReadsAllArticles(tr) {
		t.Error("reading one article is reported as reading all")
	}
}

// TestFingerprint: a page's fingerprint changes with what it read, and
// with nothing else.
func TestFingerprint(t *testing.T) {
	const src = `{{with .Article}}{{.Title}} {{.Content}} {{with .Older}}{{.Title}}{{end}}{{end}}`
	fp := func(change func(list []*content.Article)) uint64 {
		s := model(t, change)
		e := env(s, nil, new(atomic.Int64))
		p := articlePage(s, "b.md")
		_, trace := render(t, e, p, src)
		v := NewValues(s, ids.Max(), sums, e.Cards)
		return v.Fingerprint(Self(p), 1, trace)
	}
	base := fp(nil)
	if fp(nil) != base {
		t.Fatal("the same model gives another fingerprint")
	}
	if fp(func(l []*content.Article) { l[2].Content = "<p>lain</p>" }) != base {
		t.Error("the body of an article the page does not show changed its fingerprint")
	}
	if fp(func(l []*content.Article) { l[2].Title = "Judul baru c" }) != base {
		t.Error("the title of an article the page does not show changed its fingerprint")
	}
	for name, change := range map[string]func(l []*content.Article){
		"its own body":           func(l []*content.Article) { l[1].Content = "<p>baru</p>" },
		"its own title":          func(l []*content.Article) { l[1].Title = "Judul baru b" },
		"the older one's title":  func(l []*content.Article) { l[0].Title = "Judul baru a" },
		"which article is older": func(l []*content.Article) { l[0].Date = l[2].Date.Add(time.Hour) },
	} {
		if fp(change) == base {
			t.Errorf("%s changed, the fingerprint did not", name)
		}
	}
}

func TestViewsCompareAndPrint(t *testing.T) {
	s := model(t, nil)
	e := env(s, nil, new(atomic.Int64))
	sec := pageOf(s, "section", "")
	out, _ := render(t, e, sec, `{{range .Site.Sections}}{{if eq $.Term .}}here{{end}}{{end}} {{printf "%v|%s|%v" .Site .Term (index .Site.Articles 0)}}`)
	if want := "here Kabar Harian|Dunia|Judul c"; out != want {
		t.Errorf("got %q, want %q", out, want)
	}
}

func TestCardRenderedOnce(t *testing.T) {
	s := model(t, nil)
	var calls atomic.Int64
	e := env(s, map[string]string{"partials/card.html": `<p>{{.Title}}</p>`}, &calls)
	var outs []string
	for _, p := range s.Pages() {
		if len(p.Articles) > 0 {
			out, trace := render(t, e, p, `{{range .Articles}}{{.Card}}{{end}}`)
			outs = append(outs, out)
			for _, a := range p.Articles {
				if !slices.Contains(trace, aCard.Key(a.ID)) {
					t.Errorf("%s: the trace lacks the card of %s", p.Path, a.File)
				}
			}
		}
	}
	if len(outs) < 3 || !strings.Contains(outs[0], "<p>Judul c</p>") {
		t.Fatalf("list pages: %q", outs)
	}
	if n := calls.Load(); n != 3 {
		t.Errorf("%d cards rendered for 3 articles on %d list pages", n, len(outs))
	}

	// A card that shows a card is an error, not a loop.
	e = env(s, map[string]string{"partials/card.html": `{{.Older.Card}}`}, &calls)
	tmpl := template.Must(template.New("p").Parse(`{{range .Articles}}{{.Card}}{{end}}`))
	err := tmpl.Execute(new(bytes.Buffer), NewRecorder(e).Page(pageOf(s, "home", "")))
	if !errors.Is(err, errCardInCard) && (err == nil || !strings.Contains(err.Error(), "a card cannot show a card")) {
		t.Errorf("a card showing a card: %v", err)
	}
}

// TestCardsCheck: a card is kept while what it read holds, and dropped
// when it changes.
func TestCardsCheck(t *testing.T) {
	var calls atomic.Int64
	partials := map[string]string{"partials/card.html": `{{.Title}}`}
	s := model(t, nil)
	e := env(s, partials, &calls)
	cards := e.Cards
	build := func(s *site.Site) {
		e := env(s, partials, new(atomic.Int64))
		e.Cards = cards
		v := NewValues(s, ids.Max(), sums, cards)
		cards.Check(v, s, 1)
		for _, p := range s.Pages() {
			if p.Kind == "home" {
				render(t, e, p, `{{range .Articles}}{{.Card}}{{end}}`)
			}
		}
		cards.Seal(v)
	}
	build(s)
	c := cards.byID[s.Articles[0].ID]
	build(model(t, func(l []*content.Article) { l[0].Content = "<p>lain</p>" }))
	if cards.byID[s.Articles[0].ID] != c {
		t.Error("a body edit dropped a card that shows no body")
	}
	build(model(t, func(l []*content.Article) { l[2].Title = "Baru" }))
	if cards.byID[s.Articles[0].ID] == c {
		t.Error("a new title kept the old card")
	}
	if got := cards.byID[s.Articles[0].ID].html; got != "Baru" {
		t.Errorf("card after a new title: %q", got)
	}
}

// TestFragment: a fragment is rendered once for all the pages on which it
// reads the same parts, and a page depends on what the fragment read.
func TestFragment(t *testing.T) {
	s := model(t, nil)
	var calls atomic.Int64
	e := env(s, map[string]string{
		"kind":  `{{.Kind}} {{range .Site.Sections}}{{.Name}}{{end}}`,
		"title": `{{.Title}}`,
	}, &calls)
	pages := s.Pages()
	kinds := map[string]bool{}
	for _, p := range pages {
		kinds[p.Kind] = true
		out, trace := render(t, e, p, `{{.Fragment "kind"}}`)
		if !strings.HasPrefix(out, p.Kind+" Dunia") {
			t.Errorf("%s: %q", p.Path, out)
		}
		if !slices.Contains(trace, siteField(sSections)) || !slices.Contains(trace, PartialKey("kind")) {
			t.Errorf("%s: the trace %v lacks what the fragment read", p.Path, trace)
		}
	}
	if int(calls.Load()) != len(kinds) {
		t.Errorf("a fragment reading the kind ran %d times for %d kinds", calls.Load(), len(kinds))
	}
	calls.Store(0)
	titles := map[string]bool{}
	for _, p := range pages {
		titles[p.Title] = true
		if out, _ := render(t, e, p, `{{.Fragment "title"}}`); out != template.HTMLEscapeString(p.Title) {
			t.Errorf("%s: %q, want its title", p.Path, out)
		}
	}
	if int(calls.Load()) != len(titles) {
		t.Errorf("a fragment reading the title ran %d times for %d titles", calls.Load(), len(titles))
	}
}

// A key says what it belongs to: keys of two kinds never meet, even with
// the same ID and slot number, and a key of the wrong kind for its ID is
// worth nothing rather than another thing's value.
func TestKeysAreTyped(t *testing.T) {
	s := model(t, nil)
	v := NewValues(s, ids.Max(), sums, nil)
	a, term := s.Articles[0], s.Sections[0]
	seen := map[Key]Slot{}
	for _, sl := range []Slot{aMeta, aText, aLinks, aRelated, aCard, aImage, tHead, tList, tCount, dList, dCount, siteSlot(sArticles), siteSlot(sDays), siteSlot(sIntro)} {
		for _, id := range []uint32{a.ID, term.ID} {
			k := sl.Key(id)
			if other, ok := seen[k]; ok && (other != sl || sl.kind != KindSite) {
				t.Errorf("%v of %d and %v share the key %x", sl, id, other, uint64(k))
			}
			seen[k] = sl
			if k.Kind() != sl.kind || k.Slot() != sl || (sl.kind != KindSite && k.ID() != id) {
				t.Errorf("%v of %d: the key %x reads back as kind %d, slot %v, ID %d", sl, id, uint64(k), k.Kind(), k.Slot(), k.ID())
			}
		}
	}
	if k := PartialKey("partials/card.html"); k.Kind() != KindPartial || seen[k] != (Slot{}) {
		t.Errorf("a partial's key %x is not of its own kind", uint64(k))
	}
	// The same number as a term's list: worth nothing on an article.
	if v.value(tList.Key(a.ID)) != 0 || v.value(aMeta.Key(term.ID)) != 0 {
		t.Error("a key of one kind on the ID of another kind has a value")
	}
	if v.value(aMeta.Key(a.ID)) == 0 || v.value(tList.Key(term.ID)) == 0 || v.value(siteField(sDays)) == 0 {
		t.Error("a key of the right kind has no value")
	}
}
