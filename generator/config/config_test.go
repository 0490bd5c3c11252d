package config

import (
	"strings"
	"testing"
	"testing/fstest"
	_ "time/tzdata" // Asia/Jakarta without a zoneinfo database
)

func load(t *testing.T, files map[string]string) (*Config, error) {
	t.Helper()
	fsys := fstest.MapFS{}
	for name, data := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(data)}
	}
	return Load(fsys)
}

func mustLoad(t *testing.T, files map[string]string) *Config {
	t.Helper()
	c, err := load(t, files)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return c
}

func TestDefaults(t *testing.T) {
	for name, files := range map[string]map[string]string{
		"no file":       nil,
		"empty file":    {"site.yaml": ""},
		"only comments": {"site.yaml": "# nothing set yet\n"},
		"empty TOML":    {"site.toml": ""},
	} {
		t.Run(name, func(t *testing.T) {
			c := mustLoad(t, files)
			got := []string{c.Title, c.Language, c.TimeZone, c.Location.String(), c.Permalink, c.BaseURL, c.BasePath, c.Output, c.Domain}
			want := []string{"Kabar Harian", "id", "Asia/Jakarta", "Asia/Jakarta", "/:year/:month/:day/:slug/", "http://localhost/", "/", "", ""}
			if strings.Join(got, "|") != strings.Join(want, "|") {
				t.Errorf("defaults = %q\nwant       %q", got, want)
			}
			if c.PerPage != 10 || c.UnsafeHTML {
				t.Errorf("PerPage, UnsafeHTML = %d, %v; want 10, false", c.PerPage, c.UnsafeHTML)
			}
		})
	}
	d := Default()
	if d.Title != "Kabar Harian" || d.BaseURL != "http://localhost/" || d.Location.String() != "Asia/Jakarta" || d.File != "" {
		t.Errorf("Default() = %+v", d)
	}
}

func TestBaseURL(t *testing.T) {
	tests := []struct {
		in, url, path string
	}{
		{"https://example.github.io/kabar/", "https://example.github.io/kabar/", "/kabar/"},
		{"https://example.github.io/kabar", "https://example.github.io/kabar/", "/kabar/"},
		{"https://example.github.io/kabar//", "https://example.github.io/kabar/", "/kabar/"},
		{"https://news.example.id", "https://news.example.id/", "/"},
		{"https://news.example.id/", "https://news.example.id/", "/"},
		{"http://localhost:1313/", "http://localhost:1313/", "/"},
		{"https://example.org/a/b", "https://example.org/a/b/", "/a/b/"},
	}
	for _, tt := range tests {
		c := mustLoad(t, map[string]string{"site.yaml": "base_url: " + tt.in + "\n"})
		if c.BaseURL != tt.url || c.BasePath != tt.path {
			t.Errorf("base_url %q: BaseURL, BasePath = %q, %q; want %q, %q", tt.in, c.BaseURL, c.BasePath, tt.url, tt.path)
		}
		d := Default()
		if err := d.SetBaseURL(tt.in); err != nil || d.BaseURL != tt.url || d.BasePath != tt.path {
			t.Errorf("SetBaseURL(%q) = %v: %q, %q; want %q, %q", tt.in, err, d.BaseURL, d.BasePath, tt.url, tt.path)
		}
	}
}

func TestDomainGivesBaseURL(t *testing.T) {
	c := mustLoad(t, map[string]string{"site.yaml": "domain: news.example.id\n"})
	if c.BaseURL != "https://news.example.id/" || c.BasePath != "/" {
		t.Errorf("BaseURL, BasePath = %q, %q", c.BaseURL, c.BasePath)
	}
	c = mustLoad(t, map[string]string{"site.yaml": "domain: news.example.id\nbase_url: https://example.github.io/kabar/\n"})
	if c.BaseURL != "https://example.github.io/kabar/" {
		t.Errorf("base_url given: BaseURL = %q", c.BaseURL)
	}
}

func TestURLs(t *testing.T) {
	c := mustLoad(t, map[string]string{"site.yaml": "base_url: https://example.github.io/kabar\n"})
	tests := []struct{ in, rel, abs string }{
		{"/", "/kabar/", "https://example.github.io/kabar/"},
		{"/tags/rupiah/", "/kabar/tags/rupiah/", "https://example.github.io/kabar/tags/rupiah/"},
		{"css/style.css", "/kabar/css/style.css", "https://example.github.io/kabar/css/style.css"},
		{"https://cdn.example.com/a.jpg", "https://cdn.example.com/a.jpg", "https://cdn.example.com/a.jpg"},
	}
	for _, tt := range tests {
		if got := c.RelURL(tt.in); got != tt.rel {
			t.Errorf("RelURL(%q) = %q, want %q", tt.in, got, tt.rel)
		}
		if got := c.AbsURL(tt.in); got != tt.abs {
			t.Errorf("AbsURL(%q) = %q, want %q", tt.in, got, tt.abs)
		}
	}
}

func TestLoadYAMLAndTOML(t *testing.T) {
	yamlSrc := `title: Warta Pagi
description: "Ringkasan & kabar"
base_url: https://warta.example.id/pagi
language: en
timezone: Asia/Makassar
per_page: 25
permalink: /:section/:slug/
output: dist
author: Redaksi
unsafe_html: true
params:
  twitter: warta
`
	tomlSrc := `title = "Warta Pagi"
description = "Ringkasan & kabar"
base_url = "https://warta.example.id/pagi"
language = "en"
timezone = "Asia/Makassar"
per_page = 25
permalink = "/:section/:slug/"
output = "dist"
author = "Redaksi"
unsafe_html = true

[params]
twitter = "warta"
`
	for file, src := range map[string]string{"site.yaml": yamlSrc, "site.yml": yamlSrc, "site.toml": tomlSrc} {
		t.Run(file, func(t *testing.T) {
			c := mustLoad(t, map[string]string{file: src})
			got := []string{c.File, c.Title, c.Description, c.BaseURL, c.BasePath, c.Language, c.Location.String(), c.Permalink, c.Output, c.Author}
			want := []string{file, "Warta Pagi", "Ringkasan & kabar", "https://warta.example.id/pagi/", "/pagi/", "en", "Asia/Makassar", "/:section/:slug/", "dist", "Redaksi"}
			if strings.Join(got, "|") != strings.Join(want, "|") {
				t.Errorf("config = %q\nwant     %q", got, want)
			}
			if c.PerPage != 25 || !c.UnsafeHTML || c.Params["twitter"] != "warta" {
				t.Errorf("PerPage, UnsafeHTML, Params = %d, %v, %v", c.PerPage, c.UnsafeHTML, c.Params)
			}
		})
	}
	// site.yaml is looked for first.
	c := mustLoad(t, map[string]string{"site.yaml": "title: A\n", "site.toml": "title = \"B\"\n"})
	if c.File != "site.yaml" || c.Title != "A" {
		t.Errorf("with both files: File, Title = %q, %q", c.File, c.Title)
	}
}

func TestLoadErrors(t *testing.T) {
	const urlFix = `is not an absolute http(s) URL: write it like https://user.github.io/repo/`
	tests := []struct {
		name, file, src, want string
	}{
		{"unknown time zone", "site.yaml", "timezone: Mars/Olympus\n",
			`site.yaml: timezone "Mars/Olympus" is unknown: use an IANA name such as Asia/Jakarta or UTC`},
		{"base URL without scheme", "site.yaml", "base_url: example.github.io/kabar\n",
			`site.yaml: base URL "example.github.io/kabar" ` + urlFix},
		{"base URL with another scheme", "site.yaml", "base_url: ftp://example.org/\n",
			`site.yaml: base URL "ftp://example.org/" ` + urlFix},
		{"base URL with no host", "site.yaml", "base_url: https:///kabar/\n",
			`site.yaml: base URL "https:///kabar/" ` + urlFix},
		{"base URL with a query", "site.yaml", "base_url: https://example.org/?a=1\n",
			`site.yaml: base URL "https://example.org/?a=1" has a query or fragment: remove it`},
		{"negative per_page", "site.yaml", "per_page: -1\n",
			`site.yaml: per_page is -1: it must be a positive number`},
		{"permalink without slug", "site.yaml", "permalink: /:year/:month/\n",
			`site.yaml: permalink "/:year/:month/" must contain :slug so that every article gets its own page`},
		{"permalink without slashes", "site.yaml", "permalink: :slug\n",
			`site.yaml: permalink ":slug" must start and end with '/', e.g. /:year/:month/:day/:slug/`},
		{"permalink climbing up", "site.yaml", "permalink: /../:slug/\n",
			`site.yaml: permalink "/../:slug/" must not contain '.' or '..' segments`},
		{"domain with a scheme", "site.yaml", "domain: https://news.example.id\n",
			`site.yaml: domain "https://news.example.id" must be a bare host name such as news.example.id`},
		{"YAML syntax", "site.yaml", "title: x\ndescription: [a\nlanguage: id\n",
			`site.yaml:3: did not find expected ',' or ']': fix the YAML syntax (check indentation, and quote values that contain ': ')`},
		{"YAML wrong type", "site.yaml", "title: x\nper_page: sepuluh\n",
			"site.yaml:2: cannot construct !!str `sepuluh` into int: fix the value on this line"},
		{"YAML unknown settings", "site.yaml", "title: x\nbaseurl: https://example.org/\nthem: gelap\n",
			"site.yaml:2: unknown setting \"baseurl\": the settings are " + settings + "\n" +
				"site.yaml:3: unknown setting \"them\": the settings are " + settings},
		{"TOML syntax", "site.toml", "title = \"x\"\nper_page = \n",
			`site.toml:2: unexpected character U+000A at start of value: fix the TOML syntax (strings need quotes)`},
		{"TOML unknown setting", "site.toml", "title = \"x\"\n\nbaseURL = \"https://example.org/\"\n",
			"site.toml:3: unknown setting \"baseURL\": the settings are " + settings},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := load(t, map[string]string{tt.file: tt.src})
			if err == nil {
				t.Fatalf("no error; config %+v", c)
			}
			if err.Error() != tt.want {
				t.Errorf("error =\n%v\nwant\n%s", err, tt.want)
			}
		})
	}
	if err := Default().SetBaseURL("not a url"); err == nil {
		t.Error("SetBaseURL(not a url): no error")
	}
}

func TestFeeds(t *testing.T) {
	c := mustLoad(t, map[string]string{"site.yaml": `feeds:
  - url: https://www.antaranews.com/rss/terkini.xml
    source: Antara
    section: Nasional
  - url: feeds/lokal.xml
`})
	if len(c.Feeds) != 2 || c.Feeds[0] != (Feed{URL: "https://www.antaranews.com/rss/terkini.xml", Source: "Antara", Section: "Nasional"}) || c.Feeds[1].URL != "feeds/lokal.xml" {
		t.Fatalf("feeds = %+v", c.Feeds)
	}
	_, err := load(t, map[string]string{"site.yaml": "feeds:\n  - url: https://a.example/rss\n    sumber: A\n"})
	if err == nil || !strings.Contains(err.Error(), `site.yaml:3: unknown setting "sumber"`) || !strings.Contains(err.Error(), "url, source, section") {
		t.Errorf("unknown feed field: %v", err)
	}
	c = mustLoad(t, map[string]string{"site.yaml": "feeds:\n  - url: https://a.example/rss\n    limit: 30\n"})
	if c.Feeds[0].Limit != 30 {
		t.Errorf("limit: 30 read as %d", c.Feeds[0].Limit)
	}
	_, err = load(t, map[string]string{"site.yaml": "feeds:\n  - url: https://a.example/rss\n    limit: -5\n"})
	if err == nil || !strings.Contains(err.Error(), "feeds: entry 1 (https://a.example/rss) has limit: -5") {
		t.Errorf("negative limit: %v", err)
	}
	_, err = load(t, map[string]string{"site.yaml": "feeds:\n  - source: A\n"})
	if err == nil || !strings.Contains(err.Error(), "site.yaml: feeds: entry 1 has no url") {
		t.Errorf("feed without url: %v", err)
	}
}
