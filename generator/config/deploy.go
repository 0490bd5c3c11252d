package config

import (
	"fmt"
	"net/url"
	"path"

	"github.com/kabar-news/kabar/generator/diag"

	"go.yaml.in/yaml/v4"
)

// Target is one store the site can be deployed to, from the config's
// deploy list. Credentials are never part of it: each provider's own
// environment variables and credential files give them.
type Target struct {
	Name string `yaml:"name" toml:"name"`
	// URL is a gocloud.dev blob URL: s3://bucket?region=..., gs://bucket,
	// s3://bucket?endpoint=...&use_path_style=true for any S3-compatible
	// store, or file:///folder to try a deploy on disk.
	URL string `yaml:"url" toml:"url"`
	// CacheControl maps file patterns (path.Match, against the path below
	// the site root; a pattern without "/" matches the file name in any
	// folder) to Cache-Control values.
	CacheControl map[string]string `yaml:"cache_control" toml:"cache_control"`
	// Gzip stores text files gzipped, with Content-Encoding: gzip.
	Gzip bool `yaml:"gzip" toml:"gzip"`

	// Line is where the entry starts in a YAML config, for errors; 0 if
	// unknown.
	Line int `yaml:"-" toml:"-"`
}

// deployLines notes where each deploy entry starts in the YAML document.
func deployLines(doc *yaml.Node, list []Target) {
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return
	}
	m := doc.Content[0].Content
	for i := 0; i+1 < len(m); i += 2 {
		if m[i].Value == "deploy" && m[i+1].Kind == yaml.SequenceNode {
			for k, item := range m[i+1].Content {
				if k < len(list) {
					list[k].Line = item.Line
				}
			}
		}
	}
}

// checkTargets refuses a deploy list the deploy command could not use,
// naming the entry's line when it is known.
func checkTargets(list []Target) error {
	seen := map[string]bool{}
	for i, t := range list {
		if err := checkTarget(i, t, seen); err != nil {
			return &diag.Diag{Line: t.Line, Message: err.Error()}
		}
	}
	return nil
}

func checkTarget(i int, t Target, seen map[string]bool) error {
	where := fmt.Sprintf("deploy entry %d", i+1)
	if t.Name == "" {
		return fmt.Errorf("%s has no name: give each target a name, e.g. name: r2", where)
	}
	where += fmt.Sprintf(" (%s)", t.Name)
	if seen[t.Name] {
		return fmt.Errorf("%s: the name is used twice: give each target its own", where)
	}
	seen[t.Name] = true
	u, err := url.Parse(t.URL)
	if t.URL == "" || err != nil || u.Scheme == "" || u.Host == "" && u.Scheme != "file" {
		return fmt.Errorf("%s: url %q is not a bucket URL: write it like s3://bucket?region=us-east-1 or gs://bucket", where, t.URL)
	}
	for pat := range t.CacheControl {
		if _, err := path.Match(pat, ""); err != nil {
			return fmt.Errorf("%s: cache_control pattern %q is malformed: write it like \"*.html\" or \"css/*\"", where, pat)
		}
	}
	return nil
}
