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
	"regexp"
	"strings"
	"time"

	"github.com/pelletier/go-toml/v2"
	"go.yaml.in/yaml/v4"
)

// Files lists the config file names, in the order they are looked for.
var Files = []string{"site.yaml", "site.yml", "site.toml"}

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
	// Domain is a custom domain, written to CNAME for GitHub Pages.
	Domain string `yaml:"domain" toml:"domain"`
	// UnsafeHTML lets raw HTML in Markdown through; off by default.
	UnsafeHTML bool   `yaml:"unsafe_html" toml:"unsafe_html"`
	Author     string `yaml:"author" toml:"author"`
	// SearchSetting is the search key as written; Search is what it means.
	SearchSetting *bool `yaml:"search" toml:"search"`
	// Search makes the /search/ page and its index (on unless search: false).
	Search bool           `yaml:"-" toml:"-"`
	Params map[string]any `yaml:"params" toml:"params"`

	// File is the config file that was read, or "" when none exists.
	File string `yaml:"-" toml:"-"`
	// Location is TimeZone, loaded.
	Location *time.Location `yaml:"-" toml:"-"`
	// BasePath is the path part of BaseURL, e.g. "/repo/" or "/".
	BasePath string `yaml:"-" toml:"-"`
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
			return nil, fmt.Errorf("%s: %w", name, err)
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
		if c.File != "" {
			return nil, fmt.Errorf("%s: %w", c.File, err)
		}
		return nil, err
	}
	return c, nil
}

// settings lists the config's field names, for the fix of an unknown one.
const settings = "title, description, base_url, language, timezone, per_page, permalink, output, domain, unsafe_html, author, search, params"

var unknownYAML = regexp.MustCompile(`^field (.+) not found in type`)

func decodeYAML(name string, data []byte, c *Config) error {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		var le *yaml.LoadError
		if errors.As(err, &le) {
			return fmt.Errorf("%s:%d: %s: fix the YAML syntax (check indentation, and quote values that contain ': ')", name, max(le.Mark.Line, 1), le.Message)
		}
		return fmt.Errorf("%s: %v: fix the YAML syntax", name, err)
	}
	if len(doc.Content) == 0 {
		return nil // empty, or only comments
	}
	err := doc.Load(c, yaml.WithKnownFields())
	var les *yaml.LoadErrors
	if !errors.As(err, &les) {
		if err != nil {
			return fmt.Errorf("%s: %v", name, err)
		}
		return nil
	}
	errs := make([]error, 0, len(les.Errors))
	for _, e := range les.Errors {
		if m := unknownYAML.FindStringSubmatch(e.Message); m != nil {
			errs = append(errs, fmt.Errorf("%s:%d: unknown setting %q: the settings are %s", name, max(e.Mark.Line, 1), m[1], settings))
			continue
		}
		errs = append(errs, fmt.Errorf("%s:%d: %s: fix the value on this line", name, max(e.Mark.Line, 1), e.Message))
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
			errs = append(errs, fmt.Errorf("%s:%d: unknown setting %q: the settings are %s", name, row, strings.Join(e.Key(), "."), settings))
		}
		return errors.Join(errs...)
	}
	var de *toml.DecodeError
	if errors.As(err, &de) {
		row, _ := de.Position()
		return fmt.Errorf("%s:%d: %s: fix the TOML syntax (strings need quotes)", name, row, strings.TrimPrefix(de.Error(), "toml: "))
	}
	if err != nil {
		return fmt.Errorf("%s: %v", name, err)
	}
	return nil
}

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
		return fmt.Errorf("timezone %q is unknown: use an IANA name such as Asia/Jakarta or UTC", c.TimeZone)
	}
	c.Location = loc
	if c.PerPage == 0 {
		c.PerPage = 10
	}
	if c.PerPage < 0 {
		return fmt.Errorf("per_page is %d: it must be a positive number", c.PerPage)
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
		return fmt.Errorf("base URL %q is not an absolute http(s) URL: write it like https://user.github.io/repo/", c.BaseURL)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("base URL %q has a query or fragment: remove it", c.BaseURL)
	}
	u.Path = "/" + strings.Trim(u.Path, "/") + "/"
	if u.Path == "//" {
		u.Path = "/"
	}
	u.RawPath = ""
	c.BasePath = u.Path
	c.BaseURL = u.String()
	if strings.ContainsAny(c.Domain, "/: ") {
		return fmt.Errorf("domain %q must be a bare host name such as news.example.id", c.Domain)
	}
	return nil
}

func checkPermalink(p string) error {
	if !strings.HasPrefix(p, "/") || !strings.HasSuffix(p, "/") {
		return fmt.Errorf("permalink %q must start and end with '/', e.g. /:year/:month/:day/:slug/", p)
	}
	if !strings.Contains(p, ":slug") {
		return fmt.Errorf("permalink %q must contain :slug so that every article gets its own page", p)
	}
	for _, seg := range strings.Split(strings.Trim(p, "/"), "/") {
		if seg == ".." || seg == "." {
			return fmt.Errorf("permalink %q must not contain '.' or '..' segments", p)
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
