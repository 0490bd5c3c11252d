package site

import (
	"fmt"
	"testing"
	"time"

	"github.com/kabar-news/kabar/generator/config"
	"github.com/kabar-news/kabar/generator/content"
)

// dayOf makes n articles of one day, in sections taken in turn.
func dayOf(n int, sections ...string) []*content.Article {
	var list []*content.Article
	base := time.Date(2025, 4, 28, 0, 0, 0, 0, time.UTC)
	for i := range n {
		list = append(list, &content.Article{File: fmt.Sprintf("a%03d.md", i), Title: fmt.Sprintf("A%03d", i),
			Slug: fmt.Sprintf("a%03d", i), Date: base.Add(time.Duration(i) * time.Minute), Section: sections[i%len(sections)]})
	}
	return list
}

func editions(s *Site) []*Page {
	var out []*Page
	for _, p := range s.Pages() {
		if p.Kind == "edition" {
			out = append(out, p)
		}
	}
	return out
}

// A daily edition is the whole day on one page, whatever per_page says;
// only a day of more than 200 articles is split, between sections.
func TestEditionIsTheWholeDay(t *testing.T) {
	c := cfg(t, func(c *config.Config) { c.PerPage = 10 })
	one := editions(mustNew(t, c, dayOf(200, "Ekonomi", "Dunia", "Nasional")...))
	if len(one) != 1 || len(one[0].Articles) != 200 || one[0].Pager.Next != "" {
		t.Fatalf("200 articles: %d pages", len(one))
	}
	groups := one[0].BySection()
	if len(groups) != 3 || groups[0].Term.Name != "Dunia" || groups[2].Term.Name != "Nasional" {
		t.Fatalf("groups %+v", groups)
	}

	split := editions(mustNew(t, c, dayOf(450, "Ekonomi", "Dunia", "Nasional")...))
	if len(split) != 3 || len(split[0].Articles) != 200 || len(split[2].Articles) != 50 || split[1].Path != "/2025/04/28/page/2/" {
		t.Fatalf("450 articles: %d pages", len(split))
	}
	// Section by section over the pages: Dunia's 150, then Ekonomi's...
	var order []string
	for _, p := range split {
		for _, g := range p.BySection() {
			order = append(order, fmt.Sprintf("%s:%d", g.Term.Name, len(g.Articles)))
		}
	}
	if got := fmt.Sprint(order); got != "[Dunia:150 Ekonomi:50 Ekonomi:100 Nasional:100 Nasional:50]" {
		t.Fatalf("sections over the pages: %s", got)
	}
	// Newest first within a section.
	if a := split[0].Articles; !a[0].Date.After(a[1].Date) {
		t.Error("not newest first")
	}
}
