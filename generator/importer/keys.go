package importer

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/kabar-news/kabar/generator/content"
	"github.com/kabar-news/kabar/generator/internal/atomicfile"
	"github.com/kabar-news/kabar/generator/internal/cores"
)

// An item is recognised by any of its keys: its GUID, its normalised
// link, or a hash of its title and date. Keys of one kind are prefixed,
// so that a GUID never matches a hash.

// normalLink is the form of a link two copies of it share: no scheme,
// the host in lower case without "www." and a default port, escapes in
// one form, no trailing slash, no fragment and no utm_* tracking
// parameters. "" when raw is not a web address.
func normalLink(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	host := strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
	if p := u.Port(); p != "" && p != "80" && p != "443" {
		host += ":" + p
	}
	// Escapes in one form, segment by segment, so that an escaped "/"
	// stays apart from a real one.
	segs := strings.Split(u.EscapedPath(), "/")
	for i, seg := range segs {
		if dec, err := url.PathUnescape(seg); err == nil {
			segs[i] = url.PathEscape(dec)
		}
	}
	q := withoutTracking(u.Query())
	s := "//" + host + strings.TrimRight(strings.Join(segs, "/"), "/")
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

// keys are what one story is known by.
type keys struct {
	guid, link, hash string
}

// index is what the site's articles are known by, and the slugs they
// take, so that a new article gets neither a known story nor a taken URL.
type index struct {
	byKey map[string]*keys // every key of every story -> the story's keys
	slugs map[string]bool
	// leftovers are the temporary files of articles being written, or
	// left by a write that was killed.
	leftovers []string
}

func newIndex() *index {
	return &index{byKey: map[string]*keys{}, slugs: map[string]bool{}}
}

// has reports whether the site has the story k. A link or a title and
// date is trusted; a GUID alone is not when the story it names has
// another link: some feeds give a new story an old GUID.
func (x *index) has(k keys) bool {
	if _, ok := x.byKey[k.link]; ok && k.link != "" {
		return true
	}
	if _, ok := x.byKey[k.hash]; ok && k.hash != "" {
		return true
	}
	if old, ok := x.byKey[k.guid]; ok && k.guid != "" {
		return k.link == "" || old.link == ""
	}
	return false
}

func (x *index) add(k keys) {
	for _, s := range []string{k.guid, k.link, k.hash} {
		if s != "" {
			x.byKey[s] = &k
		}
	}
}

// scan reads the front matter of every article under contentDir, on all
// cores. A file that cannot be read is left to the build to report.
func scan(contentDir string, loc *time.Location) (*index, error) {
	x := newIndex()
	var files []string
	err := filepath.WalkDir(contentDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p == contentDir {
				return filepath.SkipDir
			}
			return err
		}
		name := d.Name()
		if target, ok := atomicfile.Leftover(name); ok && !d.IsDir() && isArticle(target) {
			x.leftovers = append(x.leftovers, p)
		}
		if p != contentDir && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.IsDir() && content.IsArticleFile(name) {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var mu sync.Mutex
	cores.For(len(files), func(i int) {
		k, slug := articleKeys(files[i], loc)
		mu.Lock()
		x.add(k)
		x.slugs[slug] = true
		mu.Unlock()
	})
	return x, nil
}

func isArticle(name string) bool {
	return strings.HasSuffix(name, ".md") || strings.HasSuffix(name, ".markdown")
}

// articleKeys reads one article's keys and the slug the build gives it:
// its slug field, else its file name, else its title.
func articleKeys(p string, loc *time.Location) (k keys, slug string) {
	base := strings.TrimSuffix(filepath.Base(p), filepath.Ext(p))
	if base == "index" {
		base = filepath.Base(filepath.Dir(p))
	}
	if m := content.JekyllName.FindStringSubmatch(base); m != nil {
		base = m[2]
	}
	data, err := os.ReadFile(p)
	if err != nil || len(data) > content.MaxFileSize {
		return k, content.Slugify(base)
	}
	fm, err := content.FrontMatter(p, data)
	if err != nil {
		return k, content.Slugify(base)
	}
	text := func(k string) string { s, _ := fm[k].(string); return strings.TrimSpace(s) }
	slug = text("slug")
	if slug == "" {
		slug = base
	}
	if slug == "" {
		slug = text("title")
	}
	slug = content.Slugify(slug)
	source := content.Slugify(text("source"))
	k.link = linkKey(text("source_url"))
	if id := text("source_id"); strings.HasPrefix(id, "sha256:") {
		k.hash = id
	} else if id != "" {
		k.guid = guidKey(source, id)
		if k.link == "" && strings.HasPrefix(k.guid, "link:") {
			k.link = k.guid
		}
	}
	// A story whose GUID and link both changed is still known by its
	// outlet, title and date, as long as the editor kept them.
	if k.hash == "" && source != "" {
		if date, err := content.ParseDate(text("date"), loc); err == nil {
			k.hash = hashID(source, plainText(text("title")), date)
		}
	}
	return k, slug
}
