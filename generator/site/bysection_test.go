package site

import (
	"reflect"
	"testing"

	"github.com/kabar-news/kabar/generator/content"
)

// A daily edition lists its articles by section, sections by name
// whatever their case, and articles without a section last.
func TestEditionBySection(t *testing.T) {
	section := func(a *content.Article, s string) *content.Article { a.Section = s; return a }
	s := mustNew(t, cfg(t, nil),
		section(art("a.md", "Rupiah", "2025-04-28T09:00:00+07:00"), "ekonomi"),
		section(art("b.md", "Kursk", "2025-04-28T14:30:00+07:00"), "Dunia"),
		section(art("c.md", "Tanpa rubrik", "2025-04-28T15:00:00+07:00"), ""),
		section(art("d.md", "Saham", "2025-04-28T16:00:00+07:00"), "Ekonomi"),
	)
	var edition *Page
	for _, p := range s.Pages() {
		if p.Kind == "edition" {
			edition = p
		}
	}
	if edition == nil {
		t.Fatal("no edition page")
	}
	type group struct {
		Section string
		Titles  []string
	}
	var got []group
	for _, g := range edition.BySection() {
		name := "(none)"
		if g.Term != nil {
			name = g.Term.Name
		}
		got = append(got, group{name, paths(g.Articles, func(a *Article) string { return a.Title })})
	}
	want := []group{
		{"Dunia", []string{"Kursk"}},
		{"Ekonomi", []string{"Saham", "Rupiah"}}, // named as first seen, newest first
		{"(none)", []string{"Tanpa rubrik"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("BySection = %v, want %v", got, want)
	}
}
