package importer

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/kabar-news/kabar/generator/content"
)

// An item is recognised by any of its keys: its GUID, its normalised
// link, or a hash of its title and date. Keys of one kind are prefixed,
// so that a GUID never matches a hash.

// normalLink is the form of a link two copies of it share: no scheme,
// the host in lower case without a default port, no trailing slash, no
// fragment and no utm_* tracking parameters. "" when raw is not a web
// address.
func normalLink(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	host := strings.ToLower(u.Hostname())
	if p := u.Port(); p != "" && p != "80" && p != "443" {
		host += ":" + p
	}
	q := withoutTracking(u.Query())
	s := "//" + host + strings.TrimRight(u.EscapedPath(), "/")
	if len(q) > 0 {
		s += "?" + q.Encode()
	}
	return s
}

// cleanLink is raw without its utm_* parameters: the link an article
// cites.
func cleanLink(u *url.URL) string {
	c := *u
	q := c.Query()
	if len(q) != len(withoutTracking(q)) {
		c.RawQuery = withoutTracking(q).Encode()
	}
	return c.String()
}

func withoutTracking(q url.Values) url.Values {
	for k := range q {
		if strings.HasPrefix(strings.ToLower(k), "utm_") {
			delete(q, k)
		}
	}
	return q
}

func linkKey(raw string) string {
	if n := normalLink(raw); n != "" {
		return "link:" + n
	}
	return ""
}

// guidKey is the key of a GUID. A GUID that is a web address is matched as
// a link, so that a feed that turns its permalink GUIDs into other IDs,
// or back, is still recognised. Other GUIDs are only unique within one
// outlet.
func guidKey(source, guid string) string {
	guid = strings.TrimSpace(guid)
	if guid == "" {
		return ""
	}
	if k := linkKey(guid); k != "" {
		return k
	}
	return "guid:" + strings.ToLower(source) + ":" + guid
}

// hashID is the ID of an item without GUID or link: its outlet, title and
// (when the feed gives one) date. It is also the item's source_id then.
func hashID(source, title string, date time.Time) string {
	h := sha256.New()
	h.Write([]byte(strings.ToLower(source) + "\n" + strings.ToLower(title) + "\n"))
	if !date.IsZero() {
		h.Write([]byte(date.UTC().Format(time.RFC3339)))
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))[:32]
}

// idKeys are the keys of an imported article's source_id.
func idKeys(source, id string) string {
	if strings.HasPrefix(id, "sha256:") {
		return id
	}
	return guidKey(source, id)
}

// index is what the site's articles are known by: their keys, and the
// slugs they take, so that a new article gets neither a known story nor a
// taken URL.
type index struct {
	keys  map[string]string // key -> the article file that has it
	slugs map[string]bool
}

func (x *index) has(keys []string) (string, bool) {
	for _, k := range keys {
		if f, ok := x.keys[k]; ok && k != "" {
			return f, true
		}
	}
	return "", false
}

func (x *index) add(file string, keys ...string) {
	for _, k := range keys {
		if k != "" {
			x.keys[k] = file
		}
	}
}

var jekyllDate = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}-`)

// scan reads the front matter of every article under contentDir, on all
// cores. A file that cannot be read is left to the build to report.
func scan(contentDir string) (*index, error) {
	x := &index{keys: map[string]string{}, slugs: map[string]bool{}}
	var files []string
	err := filepath.WalkDir(contentDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p == contentDir {
				return filepath.SkipDir
			}
			return err
		}
		name := d.Name()
		if p != contentDir && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.IsDir() && (strings.HasSuffix(name, ".md") || strings.HasSuffix(name, ".markdown")) {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	next := make(chan string)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for p := range next {
				keys, slugs := articleKeys(p)
				rel, _ := filepath.Rel(filepath.Dir(contentDir), p)
				mu.Lock()
				x.add(filepath.ToSlash(rel), keys...)
				for _, s := range slugs {
					x.slugs[s] = true
				}
				mu.Unlock()
			}
		})
	}
	for _, p := range files {
		next <- p
	}
	close(next)
	wg.Wait()
	return x, nil
}

// articleKeys reads one article's keys and the slugs it may take: its
// slug field, its file name and its title, whichever the build uses.
func articleKeys(p string) (keys, slugs []string) {
	base := strings.TrimSuffix(filepath.Base(p), filepath.Ext(p))
	if base == "index" {
		base = filepath.Base(filepath.Dir(p))
	}
	slugs = append(slugs, content.Slugify(jekyllDate.ReplaceAllString(base, "")))
	data, err := os.ReadFile(p)
	if err != nil || len(data) > content.MaxFileSize {
		return nil, slugs
	}
	fm, err := content.FrontMatter(p, data)
	if err != nil {
		return nil, slugs
	}
	text := func(k string) string { s, _ := fm[k].(string); return strings.TrimSpace(s) }
	for _, k := range []string{"slug", "title"} {
		if s := content.Slugify(text(k)); s != "" {
			slugs = append(slugs, s)
		}
	}
	if id := text("source_id"); id != "" {
		keys = append(keys, idKeys(content.Slugify(text("source")), id))
	}
	keys = append(keys, linkKey(text("source_url")))
	return keys, slugs
}
