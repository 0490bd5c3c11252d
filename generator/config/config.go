// Package config reads the optional site configuration (site.yaml or
// site.toml at the site root) and fills in defaults, so that every later
// stage sees one complete, validated Config.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"reflect"
	"strings"
	"time"

	"github.com/pelletier/go-toml/v2"
	"go.yaml.in/yaml/v4"

	"github.com/kabar-news/kabar/generator/diag"
)

// Files lists the config file names, in the order they are looked for.
var Files = []string{"site.yaml", "site.yml", "site.toml"}

// The folders a site is made of, below its root, beside its config file:
// what a build reads, what the watcher watches, what --out must not be.
const (
	ContentDir   = "content"   // the articles, their bundles, _index.md
	TemplatesDir = "templates" // the site's own templates, over the built-in theme
	StaticDir    = "static"    // files copied as they are, over the theme's
)

// Dirs are the site's folders.
var Dirs = []string{ContentDir, TemplatesDir, StaticDir}

// Config is the site configuration after defaults are applied.
type Config struct {
	Title       string `yaml:"title" toml:"title"`
	Description string `yaml:"description" toml:"description"`
	// BaseURL is the absolute URL the site is served from, always with a
	// trailing slash, e.g. "https://user.github.io/repo/".
	BaseURL  string `yaml:"base_url" toml:"base_url"`
	Language string `yaml:"language" toml:"language"`
	TimeZone string `yaml:"timezone" toml:"timezone"`
	PerPage  int    `yaml:"per_page" toml:"per_page"`
	// Permalink is the article URL pattern; tokens :year :month :day :slug :section.
	Permalink string `yaml:"permalink" toml:"permalink"`
	Output    string `yaml:"output" toml:"output"`
	// Section is where "new" puts a draft given no --section.
	Section string `yaml:"section" toml:"section"`
	// Domain is a custom domain, written to CNAME for GitHub Pages.
	Domain string `yaml:"domain" toml:"domain"`
	// UnsafeHTML lets raw HTML in Markdown through; off by default.
	UnsafeHTML bool           `yaml:"unsafe_html" toml:"unsafe_html"`
	Author     string         `yaml:"author" toml:"author"`
	Params     map[string]any `yaml:"params" toml:"params"`
	// Minify, when set to false, writes HTML, CSS, XML and JSON as
	// rendered instead of minified.
	Minify *bool `yaml:"minify" toml:"minify"`
	// Deploy names the stores the deploy command can upload the site to.
	Deploy []Target `yaml:"deploy" toml:"deploy"`
	// Feeds are the outlets' feeds the import command reads.
	Feeds []Feed `yaml:"feeds" toml:"feeds"`
	// SearchSetting is the search key as written; Search is what it means.
	SearchSetting *bool `yaml:"search" toml:"search"`
	// Search makes the /search/ page and its index (on unless search: false).
	Search bool `yaml:"-" toml:"-"`

	// Logo is the publisher's logo in structured data: a path under
	// static/ or an absolute http(s) URL.
	Logo string `yaml:"logo" toml:"logo"`

	// MaxImagePixels is the most pixels a lead image may have (width
	// times height); 0 means the images package's default, 40 megapixels.
	MaxImagePixels int64 `yaml:"max_image_pixels" toml:"max_image_pixels"`

	// File is the config file that was read, or "" when none exists.
	File string `yaml:"-" toml:"-"`
	// Location is TimeZone, loaded.
	Location *time.Location `yaml:"-" toml:"-"`
	// BasePath is the path part of BaseURL, e.g. "/repo/" or "/".
	BasePath string `yaml:"-" toml:"-"`
}

// Feed is one feed to import from.
type Feed struct {
	URL     string `yaml:"url" toml:"url"`         // an http(s) address, or a file relative to the site root
	Source  string `yaml:"source" toml:"source"`   // the outlet's name; "" means the feed's own title
	Section string `yaml:"section" toml:"section"` // the section its articles go in
	Limit   int    `yaml:"limit" toml:"limit"`     // new articles per import at most; 0 means the importer's default
}

// Default returns the configuration used when a site has no config file.
func Default() *Config {
	c := &Config{}
	if err := c.finish(); err != nil {
		panic(err) // the defaults are valid by construction
	}
	return c
}

// Load reads the config file from fsys (the site root), if there is one.
// Every problem is reported as file:line: what: the fix; an unknown
// setting is a problem too, so that a misspelt one is not silently lost.
func Load(fsys fs.FS) (*Config, error) {
	c := &Config{}
	for _, name := range Files {
		data, err := fs.ReadFile(fsys, name)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, &diag.Diag{File: name, Message: err.Error(), Err: err}
		}
		c.File = name
		if strings.HasSuffix(name, ".toml") {
			err = decodeTOML(name, data, c)
		} else {
			err = decodeYAML(name, data, c)
		}
		if err != nil {
			return nil, err
		}
		break
	}
	if err := c.finish(); err != nil {
		var d *diag.Diag
		if errors.As(err, &d) && d.File == "" {
			d.File = c.File
		}
		return nil, err
	}
	return c, nil
}

// settings lists the config's field names, for the fix of an unknown one.
const settings = "title, description, base_url, language, timezone, per_page, permalink, output, section, domain, unsafe_html, author, logo, params, feeds, minify, deploy, search, max_image_pixels"

// feedSettings are the fields of one entry of feeds.
const feedSettings = "url, source, section (in each entry of feeds)"

// yamlFields maps the yaml names of a struct type's fields to their types.
func yamlFields(t reflect.Type) map[string]reflect.Type {
	fields := map[string]reflect.Type{}
	for i := range t.NumField() {
		if name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ","); name != "" && name != "-" {
			fields[name] = t.Field(i).Type
		}
	}
	return fields
}

// unknownYAML reports each key of a YAML config that names no setting,
// with its line: found in the document itself, as the YAML library says
// so only in the words of its message. n is a group of settings of type
// t, known lists them for the fix; lists of groups (feeds) are followed.
func unknownYAML(name string, n *yaml.Node, t reflect.Type, known string) []error {
	if n.Kind != yaml.MappingNode {
		return nil
	}
	fields := yamlFields(t)
	var errs []error
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		ft, ok := fields[k.Value]
		if !ok {
			errs = append(errs, &diag.Diag{File: name, Line: max(k.Line, 1), Message: fmt.Sprintf("unknown setting %q", k.Value), Fix: "the settings are " + known})
			continue
		}
		if ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct && v.Kind == yaml.SequenceNode {
			for _, item := range v.Content {
				errs = append(errs, unknownYAML(name, item, ft.Elem(), feedSettings)...)
			}
		}
	}
	return errs
}

func decodeYAML(name string, data []byte, c *Config) error {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		var le *yaml.LoadError
		if errors.As(err, &le) {
			return &diag.Diag{File: name, Line: max(le.Mark.Line, 1), Message: le.Message, Fix: "fix the YAML syntax (check indentation, and quote values that contain ': ')", Err: err}
		}
		return &diag.Diag{File: name, Message: err.Error(), Fix: "fix the YAML syntax", Err: err}
	}
	if len(doc.Content) == 0 {
		return nil // empty, or only comments
	}
	errs := unknownYAML(name, doc.Content[0], reflect.TypeFor[Config](), settings)
	err := doc.Load(c)
	var les *yaml.LoadErrors
	switch {
	case errors.As(err, &les):
		for _, e := range les.Errors {
			errs = append(errs, &diag.Diag{File: name, Line: max(e.Mark.Line, 1), Message: e.Message, Fix: "fix the value on this line"})
		}
	case err != nil:
		errs = append(errs, &diag.Diag{File: name, Message: err.Error(), Err: err})
	default:
		deployLines(&doc, c.Deploy)
	}
	return errors.Join(errs...)
}

func decodeTOML(name string, data []byte, c *Config) error {
	dec := toml.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	err := dec.Decode(c)
	var sme *toml.StrictMissingError
	if errors.As(err, &sme) {
		errs := make([]error, 0, len(sme.Errors))
		for _, e := range sme.Errors {
			row, _ := e.Position()
			errs = append(errs, &diag.Diag{File: name, Line: row, Message: fmt.Sprintf("unknown setting %q", strings.Join(e.Key(), ".")), Fix: "the settings are " + settings})
		}
		return errors.Join(errs...)
	}
	var de *toml.DecodeError
	if errors.As(err, &de) {
		row, _ := de.Position()
		return &diag.Diag{File: name, Line: row, Message: strings.TrimPrefix(de.Error(), "toml: "), Fix: "fix the TOML syntax (strings need quotes)", Err: err}
	}
	if err != nil {
		return &diag.Diag{File: name, Message: err.Error(), Err: err}
	}
	return nil
}

// Minified reports whether the build minifies its output (the default).
func (c *Config) Minified() bool { return c.Minify == nil || *c.Minify }

// SetBaseURL overrides the base URL (from --base-url) and recomputes BasePath.
func (c *Config) SetBaseURL(raw string) error {
	c.BaseURL = raw
	return c.finish()
}

func (c *Config) finish() error {
	if c.Title == "" {
		c.Title = "Kabar Harian"
	}
	c.Search = c.SearchSetting == nil || *c.SearchSetting
	if c.Language == "" {
		c.Language = "id"
	}
	if c.TimeZone == "" {
		c.TimeZone = "Asia/Jakarta"
	}
	loc, err := time.LoadLocation(c.TimeZone)
	if err != nil {
		return &diag.Diag{Message: fmt.Sprintf("timezone %q is unknown", c.TimeZone), Fix: "use an IANA name such as Asia/Jakarta or UTC"}
	}
	c.Location = loc
	if c.PerPage == 0 {
		c.PerPage = 10
	}
	if c.MaxImagePixels < 0 {
		return &diag.Diag{Message: fmt.Sprintf("max_image_pixels is %d", c.MaxImagePixels), Fix: "write the most pixels a lead image may have, e.g. 40000000, or leave it out"}
	}
	if c.PerPage < 0 {
		return &diag.Diag{Message: fmt.Sprintf("per_page is %d", c.PerPage), Fix: "it must be a positive number"}
	}
	if c.Permalink == "" {
		c.Permalink = "/:year/:month/:day/:slug/"
	}
	if err := checkPermalink(c.Permalink); err != nil {
		return err
	}
	if c.BaseURL == "" {
		c.BaseURL = "http://localhost/"
		if c.Domain != "" {
			c.BaseURL = "https://" + c.Domain + "/"
		}
	}
	u, err := url.Parse(c.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return &diag.Diag{Message: fmt.Sprintf("base URL %q is not an absolute http(s) URL", c.BaseURL), Fix: "write it like https://user.github.io/repo/"}
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return &diag.Diag{Message: fmt.Sprintf("base URL %q has a query or fragment", c.BaseURL), Fix: "remove it"}
	}
	u.Path = "/" + strings.Trim(u.Path, "/") + "/"
	if u.Path == "//" {
		u.Path = "/"
	}
	u.RawPath = ""
	c.BasePath = u.Path
	c.BaseURL = u.String()
	if c.Logo != "" && !imageAddress(c.Logo) {
		return &diag.Diag{Message: fmt.Sprintf("logo %q is not an image address", c.Logo), Fix: "write a path such as /img/logo.png (a file under static/) or an address starting with https://"}
	}
	if strings.ContainsAny(c.Domain, "/: ") {
		return &diag.Diag{Message: fmt.Sprintf("domain %q must be a bare host name such as news.example.id", c.Domain)}
	}
	for i, f := range c.Feeds {
		if strings.TrimSpace(f.URL) == "" {
			return &diag.Diag{Message: fmt.Sprintf("feeds: entry %d has no url", i+1), Fix: "write it as - url: https://www.example.id/rss.xml"}
		}
		if f.Limit < 0 {
			return &diag.Diag{Message: fmt.Sprintf("feeds: entry %d (%s) has limit: %d", i+1, f.URL, f.Limit), Fix: "give the most new articles one import may take from it, e.g. limit: 50"}
		}
	}
	return checkTargets(c.Deploy)
}

// imageAddress reports whether s is a path on the site or an http(s) URL,
// not an address with another scheme such as javascript:.
func imageAddress(s string) bool {
	u, err := url.Parse(s)
	if err != nil || strings.ContainsAny(s, "\\\x00") {
		return false
	}
	return u.Scheme == "" || (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

func checkPermalink(p string) error {
	if !strings.HasPrefix(p, "/") || !strings.HasSuffix(p, "/") {
		return &diag.Diag{Message: fmt.Sprintf("permalink %q must start and end with '/', e.g. /:year/:month/:day/:slug/", p)}
	}
	if !strings.Contains(p, ":slug") {
		return &diag.Diag{Message: fmt.Sprintf("permalink %q must contain :slug so that every article gets its own page", p)}
	}
	for _, seg := range strings.Split(strings.Trim(p, "/"), "/") {
		if seg == ".." || seg == "." {
			return &diag.Diag{Message: fmt.Sprintf("permalink %q must not contain '.' or '..' segments", p)}
		}
	}
	return nil
}

// RelURL turns a site path ("/tags/x/") into a URL path under the base path.
func (c *Config) RelURL(p string) string {
	if strings.Contains(p, "://") {
		return p
	}
	return c.BasePath + strings.TrimPrefix(p, "/")
}

// AbsURL turns a site path into an absolute URL under the base URL.
func (c *Config) AbsURL(p string) string {
	if strings.Contains(p, "://") {
		return p
	}
	return c.BaseURL + strings.TrimPrefix(p, "/")
}
