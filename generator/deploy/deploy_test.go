package deploy

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"gocloud.dev/blob"

	"github.com/kabar-news/kabar/generator/internal/testsite"
	"github.com/kabar-news/kabar/generator/output"
	"github.com/kabar-news/kabar/generator/pipeline"
)

// site is a generated site and its built output.
type site struct {
	dir, out string
	articles []testsite.Article
}

func newSite(t testing.TB, n int) *site {
	t.Helper()
	dir := t.TempDir()
	list, err := testsite.Write(dir, n, 7)
	if err != nil {
		t.Fatal(err)
	}
	s := &site{dir: dir, out: filepath.Join(dir, "public"), articles: list}
	s.build(t)
	return s
}

func (s *site) build(t testing.TB) {
	t.Helper()
	if _, err := pipeline.Build(pipeline.Options{SiteDir: s.dir, OutDir: s.out}); err != nil {
		t.Fatal(err)
	}
}

// edit appends a sentence to article i's last paragraph: its page
// changes, its summary (the first paragraph) does not.
func (s *site) edit(t testing.TB, i int) {
	t.Helper()
	a := s.articles[i]
	a.Body += "Kalimat tambahan untuk menguji unggahan.\n"
	s.articles[i] = a
	if err := os.WriteFile(filepath.Join(s.dir, "content", a.File), []byte(a.Markdown()), 0o644); err != nil {
		t.Fatal(err)
	}
	s.build(t)
}

func (s *site) remove(t testing.TB, i int) {
	t.Helper()
	if err := os.Remove(filepath.Join(s.dir, "content", s.articles[i].File)); err != nil {
		t.Fatal(err)
	}
	s.build(t)
}

// tree reads the built site, as deploy sees it.
func tree(t testing.TB, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if rel == output.Marker {
			return nil
		}
		data, err := os.ReadFile(p)
		out[filepath.ToSlash(rel)] = data
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// objects reads every object of a bucket, gunzipping what is stored
// gzipped, with its attributes.
func objects(t testing.TB, bucketURL string) (map[string][]byte, map[string]*blob.Attributes) {
	t.Helper()
	ctx := context.Background()
	b, err := blob.OpenBucket(ctx, bucketURL)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	data, attrs := map[string][]byte{}, map[string]*blob.Attributes{}
	it := b.List(nil)
	for {
		o, err := it.Next(ctx)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		a, err := b.Attributes(ctx, o.Key)
		if err != nil {
			t.Fatal(err)
		}
		body, err := b.ReadAll(ctx, o.Key)
		if err != nil {
			t.Fatal(err)
		}
		if a.ContentEncoding == "gzip" {
			zr, err := gzip.NewReader(bytes.NewReader(body))
			if err != nil {
				t.Fatalf("%s: Content-Encoding gzip, but %v", o.Key, err)
			}
			if body, err = io.ReadAll(zr); err != nil {
				t.Fatal(err)
			}
		}
		data[o.Key], attrs[o.Key] = body, a
	}
	return data, attrs
}

// sameAsBuilt fails unless the bucket holds exactly the built files.
func sameAsBuilt(t testing.TB, bucketURL, dir string) {
	t.Helper()
	want := tree(t, dir)
	got, _ := objects(t, bucketURL)
	for key, data := range want {
		if g, ok := got[key]; !ok {
			t.Errorf("%s is not in the bucket", key)
		} else if !bytes.Equal(g, data) {
			t.Errorf("%s in the bucket differs from the built file (%d bytes, built %d)", key, len(g), len(data))
		}
	}
	for key := range got {
		if _, ok := want[key]; !ok {
			t.Errorf("%s is in the bucket but not in the site", key)
		}
	}
}

// diff lists the files of after that are new or whose bytes differ from
// before, and those of before that after lost.
func diff(before, after map[string][]byte) (changed, gone []string) {
	for k, v := range after {
		if old, ok := before[k]; !ok || !bytes.Equal(old, v) {
			changed = append(changed, k)
		}
	}
	for k := range before {
		if _, ok := after[k]; !ok {
			gone = append(gone, k)
		}
	}
	slices.Sort(changed)
	slices.Sort(gone)
	return changed, gone
}

func run(t testing.TB, opt Options) Summary {
	t.Helper()
	sum, err := Run(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

func TestDeployUploadsOnlyWhatChanged(t *testing.T) {
	eachStore(t, func(t *testing.T, newBucket func() string) {
		s := newSite(t, 30)
		url := newBucket()
		built := tree(t, s.out)

		first := run(t, Options{Dir: s.out, URL: url})
		if first.Uploaded != len(built) || first.Unchanged != 0 || first.Deleted != 0 {
			t.Fatalf("first deploy: %s; want all %d files uploaded", first, len(built))
		}
		sameAsBuilt(t, url, s.out)

		again := run(t, Options{Dir: s.out, URL: url})
		if again.Uploaded != 0 || again.Deleted != 0 || again.Unchanged != len(built) {
			t.Fatalf("deploy with no change: %s; want nothing uploaded", again)
		}

		s.edit(t, 12)
		edited := tree(t, s.out)
		changed, gone := diff(built, edited)
		page := strings.TrimPrefix(s.pagePath(t, 12), "/")
		// Besides the page, the search index's manifest and the shards of
		// the edited words change, and the shards they replace go.
		if !slices.Contains(changed, page) || slices.ContainsFunc(gone, func(g string) bool { return !strings.HasPrefix(g, "search/") }) || len(changed) > 10 {
			t.Fatalf("the edit changed %v and removed %v: the test needs an edit of one page", changed, gone)
		}
		sum := run(t, Options{Dir: s.out, URL: url})
		if !slices.Equal(sum.Changed, slices.Sorted(slices.Values(append(slices.Clone(changed), gone...)))) || sum.Uploaded != len(changed) || sum.Deleted != len(gone) {
			t.Errorf("after one edit: %s, uploaded %v; want exactly the files whose bytes changed: %v", sum, sum.Changed, changed)
		}
		sameAsBuilt(t, url, s.out)

		s.remove(t, 20)
		removed := tree(t, s.out)
		changed, gone = diff(edited, removed)
		if len(gone) == 0 {
			t.Fatal("removing an article removed no file")
		}
		sum = run(t, Options{Dir: s.out, URL: url})
		if sum.Deleted != len(gone) || sum.Uploaded != len(changed) || !slices.Equal(sum.Changed, sorted(append(changed, gone...))) {
			t.Errorf("after removing an article: %s, touched %v; want %v uploaded and %v deleted", sum, sum.Changed, changed, gone)
		}
		sameAsBuilt(t, url, s.out)
	})
}

func (s *site) pagePath(t testing.TB, i int) string {
	t.Helper()
	a := s.articles[i]
	// The generated articles' slugs come from their file names.
	slug := strings.TrimSuffix(filepath.Base(a.File), ".md")
	slug = slug[len("2006-01-02-"):]
	p := a.Date.In(jakarta(t)).Format("/2006/01/02/") + slug + "/index.html"
	if _, err := os.Stat(filepath.Join(s.out, filepath.FromSlash(p))); err != nil {
		t.Fatalf("article %d has no page at %s", i, p)
	}
	return p
}

func sorted(list []string) []string {
	slices.Sort(list)
	return list
}

func TestDeployMaxDeletes(t *testing.T) {
	eachStore(t, func(t *testing.T, newBucket func() string) {
		s := newSite(t, 30)
		url := newBucket()
		run(t, Options{Dir: s.out, URL: url})
		before, _ := objects(t, url)

		s.remove(t, 3)
		s.remove(t, 17)
		_, gone := diff(before, tree(t, s.out))
		if len(gone) < 2 {
			t.Fatalf("removing two articles removed %v", gone)
		}
		_, err := Run(context.Background(), Options{Dir: s.out, URL: url, MaxDeletes: len(gone) - 1})
		if err == nil || !strings.Contains(err.Error(), "--max-deletes") {
			t.Fatalf("a deploy deleting %d files with --max-deletes %d: %v; want a refusal naming --max-deletes", len(gone), len(gone)-1, err)
		}
		after, _ := objects(t, url)
		if !maps.EqualFunc(before, after, bytes.Equal) {
			t.Error("the refused deploy changed the bucket")
		}
		if _, err := Run(context.Background(), Options{Dir: s.out, URL: url, MaxDeletes: -1}); err == nil {
			t.Error("MaxDeletes below 0 allows no delete, but the deploy went through")
		}
		sum := run(t, Options{Dir: s.out, URL: url, MaxDeletes: len(gone)})
		if sum.Deleted != len(gone) {
			t.Errorf("with --max-deletes %d: %s", len(gone), sum)
		}
		sameAsBuilt(t, url, s.out)
	})
}

// TestDeployRefusesEmptyingTheBucket: an output folder built from an
// empty content/ (a broken checkout) would delete most of the bucket,
// though fewer files than --max-deletes.
func TestDeployRefusesEmptyingTheBucket(t *testing.T) {
	eachStore(t, func(t *testing.T, newBucket func() string) {
		s := newSite(t, 30)
		url := newBucket()
		run(t, Options{Dir: s.out, URL: url})
		before, _ := objects(t, url)
		for i := range s.articles {
			if err := os.Remove(filepath.Join(s.dir, "content", s.articles[i].File)); err != nil {
				t.Fatal(err)
			}
		}
		s.build(t)
		_, gone := diff(before, tree(t, s.out))
		if len(gone) >= DefaultMaxDeletes || len(gone)*100 <= DefaultMaxDeleteShare*len(before) {
			t.Fatalf("emptying content/ removes %d of %d files: the test needs fewer than %d, more than %d%%", len(gone), len(before), DefaultMaxDeletes, DefaultMaxDeleteShare)
		}
		_, err := Run(context.Background(), Options{Dir: s.out, URL: url})
		if err == nil || !strings.Contains(err.Error(), "--max-delete-share") || !strings.Contains(err.Error(), fmt.Sprintf("delete %d of the %d files", len(gone), len(before))) {
			t.Fatalf("deploying an empty site over %d files: %v; want a refusal naming the counts and --max-delete-share", len(before), err)
		}
		if after, _ := objects(t, url); !maps.EqualFunc(before, after, bytes.Equal) {
			t.Error("the refused deploy changed the bucket")
		}
		// Just above the share it is refused, at it allowed.
		pct := (len(gone)*100 + len(before) - 1) / len(before)
		if _, err := Run(context.Background(), Options{Dir: s.out, URL: url, MaxDeleteShare: pct - 1}); err == nil {
			t.Errorf("with --max-delete-share %d the deploy of %d deletes went through", pct-1, len(gone))
		}
		if sum := run(t, Options{Dir: s.out, URL: url, MaxDeleteShare: pct}); sum.Deleted != len(gone) {
			t.Errorf("with --max-delete-share %d: %s", pct, sum)
		}
		sameAsBuilt(t, url, s.out)
	})
}

// TestDeployMakesTheFolder: a file:// bucket that does not exist yet is
// made, as a new bucket; a dry run plans it as empty and makes nothing.
func TestDeployMakesTheFolder(t *testing.T) {
	s := newSite(t, 5)
	dir := filepath.Join(t.TempDir(), "ember", "bucket")
	url := "file://" + filepath.ToSlash(dir)
	if sum := run(t, Options{Dir: s.out, URL: url, DryRun: true}); sum.Uploaded != len(tree(t, s.out)) {
		t.Errorf("dry run into a missing folder: %s", sum)
	}
	if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("the dry run made %s (%v)", dir, err)
	}
	var log strings.Builder
	run(t, Options{Dir: s.out, URL: url, Log: &log})
	if !strings.Contains(log.String(), "made the folder "+dir) {
		t.Errorf("the deploy did not say it made the folder: %q", log.String())
	}
	sameAsBuilt(t, url, s.out)
}

// TestDeployURLAdvice: a URL that opens no bucket gets advice for its own
// scheme, never S3's for a folder.
func TestDeployURLAdvice(t *testing.T) {
	s := newSite(t, 2)
	file := filepath.Join(t.TempDir(), "a-file")
	os.WriteFile(file, nil, 0o644)
	for url, want := range map[string]string{
		"file://" + filepath.ToSlash(file): "file:///path/to/folder",
		"ftp://host/x":                     "must start with s3://, gs:// or file://",
	} {
		_, err := Run(context.Background(), Options{Dir: s.out, URL: url})
		if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(url, "file:") && strings.Contains(err.Error(), "region") {
			t.Errorf("%s: %v; want advice %q", url, err, want)
		}
	}
}

func TestDeployDryRunChangesNothing(t *testing.T) {
	eachStore(t, func(t *testing.T, newBucket func() string) {
		s := newSite(t, 20)
		url := newBucket()
		var log strings.Builder
		sum := run(t, Options{Dir: s.out, URL: url, DryRun: true, Log: &log})
		if n := len(tree(t, s.out)); sum.Uploaded != n || !sum.DryRun || !strings.HasPrefix(sum.String(), "would have uploaded") {
			t.Errorf("dry run of a new bucket: %s; want %d files planned", sum, n)
		}
		if !strings.Contains(log.String(), "upload index.html (new, ") {
			t.Errorf("the plan does not list index.html as new:\n%s", log.String())
		}
		if got, _ := objects(t, url); len(got) != 0 {
			t.Fatalf("the dry run stored %d objects", len(got))
		}

		run(t, Options{Dir: s.out, URL: url})
		before, _ := objects(t, url)
		s.edit(t, 5)
		s.remove(t, 6)
		log.Reset()
		sum = run(t, Options{Dir: s.out, URL: url, DryRun: true, Log: &log})
		if sum.Uploaded == 0 || sum.Deleted == 0 || !strings.Contains(log.String(), "\ndelete ") {
			t.Errorf("dry run after an edit and a removal: %s\n%s", sum, log.String())
		}
		if after, _ := objects(t, url); !maps.EqualFunc(before, after, bytes.Equal) {
			t.Error("the dry run changed the bucket")
		}
	})
}

func TestDeployHeaders(t *testing.T) {
	eachStore(t, func(t *testing.T, newBucket func() string) {
		s := newSite(t, 10)
		url := newBucket()
		cache := map[string]string{
			"*":      "public, max-age=60",
			"*.html": "public, max-age=300",
			"css/*":  "public, max-age=31536000, immutable",
		}
		run(t, Options{Dir: s.out, URL: url, CacheControl: cache, Gzip: true})
		sameAsBuilt(t, url, s.out) // objects() gunzips what says it is gzipped
		_, attrs := objects(t, url)
		for key, want := range map[string]Headers{
			"index.html":      {"text/html; charset=utf-8", "public, max-age=300", "gzip"},
			"tags/index.html": {"text/html; charset=utf-8", "public, max-age=300", "gzip"},
			"css/style.css":   {"text/css; charset=utf-8", "public, max-age=31536000, immutable", "gzip"},
			"feed.xml":        {"application/xml; charset=utf-8", "public, max-age=60", "gzip"},
			"feed.json":       {"application/json", "public, max-age=60", "gzip"},
			".nojekyll":       {"text/plain; charset=utf-8", "public, max-age=60", "gzip"},
		} {
			a := attrs[key]
			if a == nil {
				t.Errorf("%s is not in the bucket", key)
				continue
			}
			got := Headers{a.ContentType, a.CacheControl, a.ContentEncoding}
			if got != want {
				t.Errorf("%s is stored with %+v; want %+v", key, got, want)
			}
		}
		// Gzip gives the same bytes every time: nothing to upload again.
		if sum := run(t, Options{Dir: s.out, URL: url, CacheControl: cache, Gzip: true}); sum.Uploaded != 0 {
			t.Errorf("a second gzipped deploy uploaded %d files", sum.Uploaded)
		}
		// --force stores new headers on unchanged files.
		run(t, Options{Dir: s.out, URL: url, Force: true})
		_, attrs = objects(t, url)
		if a := attrs["index.html"]; a.ContentEncoding != "" || a.CacheControl != "" {
			t.Errorf("after a forced deploy without gzip or cache_control, index.html has %q, %q", a.ContentEncoding, a.CacheControl)
		}
		sameAsBuilt(t, url, s.out)
	})
}

func TestDeployRetriesAFlakyServer(t *testing.T) {
	st := startStore(t)
	s := newSite(t, 12) // each failure costs the SDK's backoff: a small site
	proxy := startFlaky(t, st.addr)
	url := st.bucket(t, "digest", proxy.addr)
	var log strings.Builder
	sum := run(t, Options{Dir: s.out, URL: url, Log: &log})
	if sum.Uploaded != len(tree(t, s.out)) {
		t.Errorf("through the flaky server: %s", sum)
	}
	if proxy.failed.Load() == 0 {
		t.Fatal("the proxy failed no request: the test tested nothing")
	}
	// Read back from the server itself, not through the proxy.
	sameAsBuilt(t, bucketURL("digest", st.addr), s.out)

	s.edit(t, 2)
	s.remove(t, 9)
	run(t, Options{Dir: s.out, URL: url})
	sameAsBuilt(t, bucketURL("digest", st.addr), s.out)
	t.Logf("%d of %d requests failed and were retried", proxy.failed.Load(), proxy.requests.Load())
}

func TestDeployRefusesAFolderNotBuilt(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "index.html"), []byte("<p>hai</p>"), 0o644)
	_, err := Run(context.Background(), Options{Dir: dir, URL: "file:///" + t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), "kabar build") {
		t.Fatalf("deploying a folder the build did not write: %v; want a refusal saying to build", err)
	}
}

func jakarta(t testing.TB) *time.Location {
	loc, err := time.LoadLocation("Asia/Jakarta")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// TestDeployStoppedHalfWayGoesOnWhenRunAgain: the store goes away after
// some uploads; the deploy fails saying to run it again, and the next
// run uploads only what the first did not.
func TestDeployStoppedHalfWayGoesOnWhenRunAgain(t *testing.T) {
	st := startStore(t)
	s := newSite(t, 20)
	proxy := startProxy(t, st.addr, 40)
	url := st.bucket(t, "digest", proxy.addr)
	_, err := Run(context.Background(), Options{Dir: s.out, URL: url, Attempts: 2, Workers: 4})
	if err == nil || !strings.Contains(err.Error(), "run the deploy again") {
		t.Fatalf("a deploy to a store that went away: %v", err)
	}
	stored, _ := objects(t, bucketURL("digest", st.addr))
	total := len(tree(t, s.out))
	if len(stored) == 0 || len(stored) >= total {
		t.Fatalf("%d of %d files went up before the store went away: the test needs some", len(stored), total)
	}
	sum := run(t, Options{Dir: s.out, URL: bucketURL("digest", st.addr)})
	if sum.Uploaded != total-len(stored) || sum.Unchanged != len(stored) {
		t.Errorf("the second run: %s; want the %d files the first did not upload", sum, total-len(stored))
	}
	sameAsBuilt(t, bucketURL("digest", st.addr), s.out)
}

// TestDeployLargeFile: a file past the SDK's multipart threshold (16 MiB)
// gets an ETag that is not its MD5; the MD5 deploy stored with it tells
// the next deploy that it is unchanged.
func TestDeployLargeFile(t *testing.T) {
	st := startStore(t)
	s := newSite(t, 3)
	big := make([]byte, 17<<20)
	for i := range big {
		big[i] = byte(i*7919 + i>>11)
	}
	if err := os.MkdirAll(filepath.Join(s.dir, "static", "video"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(s.dir, "static", "video", "banjir.mp4"), big, 0o644); err != nil {
		t.Fatal(err)
	}
	s.build(t)
	url := st.bucket(t, "digest", st.addr)
	run(t, Options{Dir: s.out, URL: url})
	sameAsBuilt(t, url, s.out)
	b, err := blob.OpenBucket(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	page, _, err := b.ListPage(context.Background(), blob.FirstPageToken, 10, &blob.ListOptions{Prefix: "video/"})
	b.Close()
	if err != nil || len(page) != 1 || page[0].MD5 != nil {
		t.Fatalf("listing video/: %v, %d objects; want one without an MD5 (a multipart upload)", err, len(page))
	}
	if sum := run(t, Options{Dir: s.out, URL: url}); sum.Uploaded != 0 {
		t.Errorf("second deploy: %s; the large file compares unchanged by its stored MD5", sum)
	}
}

// A folder whose last build stopped while it moved its files may mix old
// pages and new: deploy refuses it and says to build again.
func TestDeployRefusesAnInterruptedBuild(t *testing.T) {
	s := newSite(t, 3)
	bucket := filepath.Join(t.TempDir(), "bucket")
	url := "file://" + bucket
	if err := os.MkdirAll(filepath.Join(s.out, output.Staging), 0o755); err != nil {
		t.Fatal(err)
	}
	_, err := Run(context.Background(), Options{Dir: s.out, URL: url})
	if err == nil || !strings.Contains(err.Error(), "run kabar build again") {
		t.Fatalf("deploying an interrupted build: %v; want a refusal that says to build again", err)
	}
	if _, err := os.Stat(bucket); err == nil {
		t.Error("the refused deploy made the bucket")
	}
	s.build(t)
	if output.Interrupted(s.out) {
		t.Fatalf("the next build left %s", output.Staging)
	}
	run(t, Options{Dir: s.out, URL: url})
	sameAsBuilt(t, url, s.out)
}
