// Package schema makes the structured data of a page: JSON-LD in the
// schema.org vocabulary, as search engines and news aggregators read it.
// An article page is a NewsArticle, the front page a WebSite, a list page
// a BreadcrumbList. It reads the page through its views, so a page's
// structured data is part of what the page depends on, and it escapes the
// JSON so that no value can end the script element it sits in.
package schema

import (
	"cmp"
	"encoding/json"
	"html/template"
	"strconv"
	"time"

	"github.com/kabar-news/kabar/generator/config"
	"github.com/kabar-news/kabar/generator/lang"
	"github.com/kabar-news/kabar/generator/site"
	"github.com/kabar-news/kabar/generator/view"
)

const context = "https://schema.org"

// NewsArticle is schema.org's NewsArticle, with the fields the theme sets.
type NewsArticle struct {
	Context          string    `json:"@context"`
	Type             string    `json:"@type"`
	Headline         string    `json:"headline"`
	Description      string    `json:"description,omitempty"`
	URL              string    `json:"url"`
	MainEntityOfPage WebPage   `json:"mainEntityOfPage"`
	DatePublished    string    `json:"datePublished"`
	DateModified     string    `json:"dateModified"`
	Author           []Thing   `json:"author"`
	Publisher        Publisher `json:"publisher"`
	InLanguage       string    `json:"inLanguage"`
	ArticleSection   string    `json:"articleSection,omitempty"`
	Keywords         []string  `json:"keywords,omitempty"`
	IsBasedOn        string    `json:"isBasedOn,omitempty"`
	Image            []string  `json:"image,omitempty"` // the lead image's absolute URLs, widest first
}

// WebPage is the page an article is the main thing of.
type WebPage struct {
	Type string `json:"@type"`
	ID   string `json:"@id"`
}

// Thing is a Person or an Organization known by name.
type Thing struct {
	Type string `json:"@type"`
	Name string `json:"name"`
}

// Publisher is the site as an Organization.
type Publisher struct {
	Type string       `json:"@type"`
	Name string       `json:"name"`
	URL  string       `json:"url"`
	Logo *ImageObject `json:"logo,omitempty"`
}

// ImageObject is an image by its absolute URL.
type ImageObject struct {
	Type string `json:"@type"`
	URL  string `json:"url"`
}

// WebSite is the site itself, on the front page.
type WebSite struct {
	Context     string    `json:"@context"`
	Type        string    `json:"@type"`
	Name        string    `json:"name"`
	URL         string    `json:"url"`
	Description string    `json:"description,omitempty"`
	InLanguage  string    `json:"inLanguage"`
	Publisher   Publisher `json:"publisher"`
	// PotentialAction tells search engines how to search the site, when
	// it has its search page.
	PotentialAction *SearchAction `json:"potentialAction,omitempty"`
}

// SearchAction is the site's search page, with the query in its URL.
type SearchAction struct {
	Type       string     `json:"@type"`
	Target     EntryPoint `json:"target"`
	QueryInput string     `json:"query-input"`
}

// EntryPoint is a URL template; {search_term_string} stands for the query.
type EntryPoint struct {
	Type        string `json:"@type"`
	URLTemplate string `json:"urlTemplate"`
}

// BreadcrumbList is the trail from the front page to a list page.
type BreadcrumbList struct {
	Context string     `json:"@context"`
	Type    string     `json:"@type"`
	Items   []ListItem `json:"itemListElement"`
}

// ListItem is one step of a trail; the last one, the page itself, has
// no link.
type ListItem struct {
	Type     string `json:"@type"`
	Position int    `json:"position"`
	Name     string `json:"name"`
	Item     string `json:"item,omitempty"`
}

// JSONLD is the page's structured data, ready for a
// <script type="application/ld+json"> element; "" for a page that has
// none (the 404 page, the front page's later pages).
func JSONLD(p *view.Page) (template.JS, error) {
	v := Of(p)
	if v == nil {
		return "", nil
	}
	// json escapes <, > and & as \u003c..., so that "</script>" in a title
	// stays inside the string, and U+2028 and U+2029 too.
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	return template.JS(b), nil
}

// Of is the page's structured data as a value: *NewsArticle,
// *WebSite, *BreadcrumbList, or nil.
func Of(p *view.Page) any {
	cfg := p.Site().Config()
	switch kind := p.Kind(); kind {
	case "article":
		return newsArticle(cfg, p.Article())
	case "home":
		if pg := p.Pager(); pg != nil && pg.Number > 0 {
			return trail(cfg, crumb{lang.Word(cfg.Language, "page") + " " + strconv.Itoa(pg.Number), ""})
		}
		w := &WebSite{Context: context, Type: "WebSite", Name: cfg.Title, URL: cfg.BaseURL, Description: cfg.Description,
			InLanguage: cfg.Language, Publisher: publisher(cfg)}
		if cfg.Search {
			w.PotentialAction = &SearchAction{Type: "SearchAction",
				Target:     EntryPoint{Type: "EntryPoint", URLTemplate: cfg.AbsURL("/search/") + "?q={search_term_string}"},
				QueryInput: "required name=search_term_string"}
		}
		return w
	case "section", "tag", "source":
		t := p.Term()
		index := "/" + site.TermKinds[kind] + "/"
		return paged(cfg, p, crumb{lang.Word(cfg.Language, site.TermKinds[kind]), index}, crumb{t.Name(), t.Path()})
	case "edition":
		d := p.Day().Date()
		return paged(cfg, p, archive(cfg), year(cfg, d), month(cfg, d), crumb{p.Title(), p.Day().Path()})
	case "month":
		d := p.Month().Date()
		return trail(cfg, archive(cfg), year(cfg, d), crumb{p.Title(), ""})
	case "year":
		return trail(cfg, archive(cfg), crumb{p.Title(), ""})
	case "archive", "tags", "sections", "sources":
		return trail(cfg, crumb{p.Title(), ""})
	}
	return nil
}

func newsArticle(cfg *config.Config, a *view.Article) *NewsArticle {
	url := cfg.AbsURL(a.Path())
	n := &NewsArticle{
		Context: context, Type: "NewsArticle",
		Headline: a.Title(), Description: a.Summary(), URL: url,
		MainEntityOfPage: WebPage{Type: "WebPage", ID: url},
		DatePublished:    Time(cfg, a.Date()),
		DateModified:     Time(cfg, a.Modified()),
		Publisher:        publisher(cfg),
		InLanguage:       cmp.Or(a.Lang(), cfg.Language),
		ArticleSection:   a.Section(),
		Keywords:         a.Tags(),
		IsBasedOn:        a.SourceURL(),
	}
	if img := a.LeadImage(); img != nil {
		n.Image = img.URLs()
	}
	for _, name := range a.Authors() {
		n.Author = append(n.Author, Thing{Type: "Person", Name: name})
	}
	if len(n.Author) == 0 {
		// An article signed by no one is the newsroom's.
		n.Author = []Thing{{Type: "Organization", Name: cfg.Title}}
	}
	return n
}

func publisher(cfg *config.Config) Publisher {
	p := Publisher{Type: "Organization", Name: cfg.Title, URL: cfg.BaseURL}
	if cfg.Logo != "" {
		p.Logo = &ImageObject{Type: "ImageObject", URL: cfg.AbsURL(cfg.Logo)}
	}
	return p
}

// Time is t as schema.org wants it: RFC 3339 with the site's offset.
func Time(cfg *config.Config, t time.Time) string {
	return t.In(cfg.Location).Format(time.RFC3339)
}

// crumb is one step of a trail: a name and a site path ("" for none).
type crumb struct{ name, path string }

func archive(cfg *config.Config) crumb { return crumb{lang.Word(cfg.Language, "archive"), "/archive/"} }

func year(cfg *config.Config, d time.Time) crumb {
	return crumb{d.In(cfg.Location).Format("2006"), d.In(cfg.Location).Format("/2006/")}
}

func month(cfg *config.Config, d time.Time) crumb {
	d = d.In(cfg.Location)
	return crumb{lang.Format(d, cfg.Language, "January 2006"), d.Format("/2006/01/")}
}

// paged is trail for a paginated list, whose later pages add a step.
func paged(cfg *config.Config, p *view.Page, steps ...crumb) *BreadcrumbList {
	if pg := p.Pager(); pg != nil && pg.Number > 0 {
		steps = append(steps, crumb{lang.Word(cfg.Language, "page") + " " + strconv.Itoa(pg.Number), ""})
	} else {
		steps[len(steps)-1].path = "" // the page itself
	}
	return trail(cfg, steps...)
}

// trail is the BreadcrumbList from the front page through steps.
func trail(cfg *config.Config, steps ...crumb) *BreadcrumbList {
	b := &BreadcrumbList{Context: context, Type: "BreadcrumbList"}
	steps = append([]crumb{{lang.Word(cfg.Language, "home"), "/"}}, steps...)
	for i, s := range steps {
		it := ListItem{Type: "ListItem", Position: i + 1, Name: s.name}
		if s.path != "" {
			it.Item = cfg.AbsURL(s.path)
		}
		b.Items = append(b.Items, it)
	}
	return b
}
