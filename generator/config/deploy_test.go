package config

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestDeployTargets(t *testing.T) {
	fsys := fstest.MapFS{"site.yaml": {Data: []byte(`minify: false
deploy:
  - name: r2
    url: s3://kabar-digest?endpoint=https://ACCOUNT.r2.cloudflarestorage.com&region=auto
    cache_control: {"*.html": "public, max-age=300", "css/*": "public, max-age=31536000, immutable"}
    gzip: true
  - name: gcs
    url: gs://kabar-digest
`)}}
	c, err := Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if c.Minified() {
		t.Error("minify: false is not read")
	}
	if len(c.Deploy) != 2 || c.Deploy[0].Name != "r2" || !c.Deploy[0].Gzip || c.Deploy[0].CacheControl["css/*"] != "public, max-age=31536000, immutable" || c.Deploy[1].URL != "gs://kabar-digest" {
		t.Errorf("deploy read as %+v", c.Deploy)
	}
	if !Default().Minified() {
		t.Error("minify is not on by default")
	}
}

func TestDeployTargetsRefused(t *testing.T) {
	for _, c := range []struct{ yaml, want string }{
		{"deploy:\n  - url: s3://b\n", "site.yaml:2: deploy entry 1 has no name"},
		{"deploy:\n  - name: a\n    url: s3://b\n  - name: a\n    url: s3://c\n", "site.yaml:4: deploy entry 2 (a): the name is used twice"},
		{"deploy:\n  - name: a\n    url: bucket\n", `url "bucket" is not a bucket URL`},
		{"deploy:\n  - name: a\n    url: s3://b\n    cache_control: {\"[x\": \"no-cache\"}\n", `cache_control pattern "[x" is malformed`},
		{"deploy:\n  - name: a\n    url: s3://b\n    secret: x\n", `site.yaml:4: unknown setting "secret"`},
	} {
		_, err := Load(fstest.MapFS{"site.yaml": {Data: []byte(c.yaml)}})
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "site.yaml") {
			t.Errorf("%q: %v; want %q", c.yaml, err, c.want)
		}
	}
}
