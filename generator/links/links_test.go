package links

import (
	"strings"
	"testing"

	"github.com/kabar-news/kabar/generator/markdown"
)

func TestResolve(t *testing.T) {
	r, err := NewResolver("https://user.github.io/repo/")
	if err != nil {
		t.Fatal(err)
	}
	const page = "/2025/04/28/awal/"
	tests := []struct {
		dest string
		want Ref
	}{
		{"/repo/2025/04/27/kedua/", Ref{Kind: Internal, Key: "2025/04/27/kedua"}},
		{"/repo/2025/04/27/kedua", Ref{Kind: Internal, Key: "2025/04/27/kedua"}},
		{"/repo/2025/04/27/kedua/index.html#rincian", Ref{Kind: Internal, Key: "2025/04/27/kedua", Fragment: "rincian"}},
		{"/2025/04/27/kedua/", Ref{Kind: Internal, Key: "2025/04/27/kedua", Outside: true}},
		{"/repo", Ref{Kind: Internal, Key: ""}},
		{"/repo/", Ref{Kind: Internal, Key: ""}},
		{"/", Ref{Kind: Internal, Key: "", Outside: true}},
		{"/repo/img/a%20b.png?v=2", Ref{Kind: Internal, Key: "img/a b.png"}},
		{"#bagian", Ref{Kind: Internal, Key: "2025/04/28/awal", Fragment: "bagian"}},
		{"?cetak=1", Ref{Kind: Internal, Key: "2025/04/28/awal"}},
		{"foto.jpg", Ref{Kind: Internal, Key: "2025/04/28/awal/foto.jpg"}},
		{"../../27/kedua/", Ref{Kind: Internal, Key: "2025/04/27/kedua"}},
		{"../../../../../../x/", Ref{Kind: Internal, Key: "x"}},
		{"https://user.github.io/repo/tags/", Ref{Kind: Internal, Key: "tags"}},
		{"HTTP://USER.GITHUB.IO/repo/tags/#a", Ref{Kind: Internal, Key: "tags", Fragment: "a"}},
		{"//user.github.io/repo/feed.xml", Ref{Kind: Internal, Key: "feed.xml"}},
		{"https://user.github.io/lain/", Ref{Kind: External, URL: "https://user.github.io/lain/"}},
		{"https://bmkg.go.id/cuaca?kota=1#peta", Ref{Kind: External, URL: "https://bmkg.go.id/cuaca?kota=1", Fragment: "peta"}},
		{"mailto:redaksi@kabar.id", Ref{}},
		{"tel:+62211234", Ref{}},
		{"", Ref{}},
		{"https://", Ref{Kind: Bad, URL: "an address with no host"}},
		{"http://[::1", Ref{Kind: Bad}},
	}
	for _, tt := range tests {
		got := r.Resolve(page, markdown.Link{Dest: tt.dest})
		got.Link = markdown.Link{}
		if tt.want.Kind == Bad && got.Kind == Bad && tt.want.URL == "" {
			continue // the reason is url.Parse's
		}
		if got != tt.want {
			t.Errorf("Resolve(%q) = %+v, want %+v", tt.dest, got, tt.want)
		}
	}
}

type files map[string]bool

func (f files) Has(name string) bool { return f[name] }

// TestCheckerRechecksOnlyWhatChanged: an article's links are checked
// again when it is set again, or when what one points at changes; the
// findings stay until their cause goes.
func TestCheckerRechecksOnlyWhatChanged(t *testing.T) {
	r, _ := NewResolver("https://kabar.example/")
	c := NewChecker(r)
	site := files{"index.html": true, "2025/04/27/kedua/index.html": true, "css/style.css": true}
	c.Set("a.md", "content/a.md", "/2025/04/28/a/", []markdown.Link{
		{Dest: "/2025/04/27/kedua/#rincian", Line: 5, Column: 3},
		{Dest: "/2025/04/29/baru/", Line: 6, Column: 1},
		{Dest: "/css/style.css", Line: 7, Column: 1},
	})
	c.Set("b.md", "content/b.md", "/2025/04/27/kedua/", []markdown.Link{{Dest: "/", Line: 5, Column: 1}})
	c.Sync(site, true)
	if got := c.Missing(); strings.Join(got, ",") != "2025/04/27/kedua/index.html" {
		t.Fatalf("missing IDs for %q, want the page the fragment points into", got)
	}
	if !c.WantsIDs("2025/04/27/kedua/index.html") || c.WantsIDs("index.html") {
		t.Error("WantsIDs should hold for the fragment's page only")
	}
	c.SetIDs("2025/04/27/kedua/index.html", IDs([]byte(`<main id="main"><h2 id="rincian">R</h2><a name="lama"></a></main>`)))
	found := c.Check()
	if len(found) != 1 || found[0].Line != 6 || !strings.Contains(found[0].Msg, "/2025/04/29/baru/, a page the site does not have") {
		t.Fatalf("findings %v; want the missing page on line 6", found)
	}
	if len(c.dirty) != 0 {
		t.Fatalf("after Check, %d articles wait to be checked", len(c.dirty))
	}

	// Nothing changed: nothing is checked again.
	c.Sync(site, true)
	if len(c.dirty) != 0 {
		t.Errorf("a Sync without changes marks %v", c.dirty)
	}
	// The page appears: a.md only is checked again, and is clean.
	site["2025/04/29/baru/index.html"] = true
	c.Sync(site, true)
	if len(c.dirty) != 1 || !c.dirty["a.md"] {
		t.Errorf("the new page marks %v, want a.md", c.dirty)
	}
	if found := c.Check(); len(found) != 0 {
		t.Errorf("findings %v after the page appeared", found)
	}
	// The target loses its heading: a.md is checked again.
	c.SetIDs("2025/04/27/kedua/index.html", IDs([]byte(`<main id="main"><h2 id="lain">L</h2></main>`)))
	if len(c.dirty) != 1 || !c.dirty["a.md"] {
		t.Errorf("new IDs mark %v, want a.md", c.dirty)
	}
	found = c.Check()
	if len(found) != 1 || found[0].Line != 5 || !strings.Contains(found[0].Msg, `points at #rincian, but /2025/04/27/kedua/ has no element with that id`) {
		t.Errorf("findings %v; want the fragment on line 5", found)
	}
	// The article is edited, keeping its link into kedua: the IDs known
	// stay, so that page need not be rendered again to learn them.
	c.Set("a.md", "content/a.md", "/2025/04/28/a/", []markdown.Link{{Dest: "/2025/04/27/kedua/#lain", Line: 9, Column: 3}})
	c.Sync(site, false)
	if m := c.Missing(); len(m) != 0 {
		t.Errorf("after an edit, IDs wanted again for %v", m)
	}
	if found := c.Check(); len(found) != 0 {
		t.Errorf("findings %v after the edit", found)
	}
	// The article goes: so do its findings and its interest in IDs.
	c.Remove("a.md")
	if found := c.Check(); len(found) != 0 || c.WantsIDs("2025/04/27/kedua/index.html") || len(c.ids) != 0 {
		t.Errorf("after removing a.md: findings %v, ids kept %v", found, c.ids)
	}
}

func TestIDs(t *testing.T) {
	got := IDs([]byte(`<!DOCTYPE html><body id="b"><h2 id="z">Z</h2><h2 id="a">A</h2><a name="n"></a><input name="q"><p id="a">`))
	if strings.Join(got, " ") != "a b n z" {
		t.Errorf("IDs = %q, want a b n z", got)
	}
}
