// Package deploy uploads a built site to object storage (Amazon S3, any
// S3-compatible store such as Cloudflare R2, Google Cloud Storage),
// through gocloud.dev/blob: the bucket is named by a URL, the credentials
// come from each provider's own environment variables and files.
//
// A deploy compares each file's MD5 (of the bytes it would store, gzipped
// or not) with what the store reports for the object, uploads only the
// files that differ, then deletes the objects the site no longer has,
// never more than MaxDeletes of them nor more than MaxDeleteShare percent
// of the bucket. Every request is retried, and a
// deploy that failed half way is simply run again: what was uploaded
// already compares equal and is skipped.
package deploy

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"gocloud.dev/blob"
	_ "gocloud.dev/blob/fileblob" // file:///folder, for trying a deploy locally
	_ "gocloud.dev/blob/gcsblob"  // gs://bucket
	_ "gocloud.dev/blob/s3blob"   // s3://bucket?region=...&endpoint=...
	"gocloud.dev/gcerrors"

	"github.com/kabar-news/kabar/generator/output"
)

// Options say what to deploy where.
type Options struct {
	Dir string // the built output folder
	URL string // the bucket, e.g. s3://digest?region=eu-west-1
	// CacheControl maps patterns to Cache-Control values; see HeadersFor.
	CacheControl map[string]string
	Gzip         bool // store text files gzipped
	DryRun       bool // plan, and change nothing
	Force        bool // upload every file, changed or not
	MaxDeletes   int  // refuse a deploy that would delete more; 0 means 256, <0 none
	// MaxDeleteShare refuses a deploy that would delete more than this
	// percentage of the bucket's files; 0 means 25, 100 or more no limit.
	MaxDeleteShare int
	Workers        int // requests at once; 0 means 16
	Attempts       int // tries of each request; 0 means 8
	// Log receives the plan (with DryRun) and each retry; nil drops it.
	Log io.Writer
}

// DefaultMaxDeletes bounds the deletes of one deploy, so that a broken
// build (an empty content/ folder, a wrong --out) cannot empty a bucket.
const DefaultMaxDeletes = 256

// DefaultMaxDeleteShare bounds the deletes of one deploy as a share of
// the bucket: on a small site DefaultMaxDeletes is everything, and a
// nearly empty output folder (a broken checkout) must not empty it.
const DefaultMaxDeleteShare = 25

// shareFloor is how many deletes a deploy may always make, whatever the
// share: on a bucket of a few files one removed article is a large part.
const shareFloor = 10

// Summary is what a deploy did, or with DryRun would do.
type Summary struct {
	Uploaded, Deleted, Unchanged int
	Bytes                        int64    // uploaded
	Changed                      []string // the paths uploaded or deleted, sorted
	Duration                     time.Duration
	DryRun                       bool
}

// String is the line the command prints: uploaded 23, deleted 1,
// unchanged 18,294 in 4.1 s.
func (s Summary) String() string {
	verb := ""
	if s.DryRun {
		verb = "would have "
	}
	return fmt.Sprintf("%suploaded %s (%s), %sdeleted %s, unchanged %s in %.1f s", verb, thousands(s.Uploaded), size(s.Bytes), verb, thousands(s.Deleted), thousands(s.Unchanged), s.Duration.Seconds())
}

// local is one file of the built site, as it would be stored.
type local struct {
	key  string // slash-separated path below the site root
	path string // on disk
	md5  []byte // of the bytes stored
	head Headers
	size int64 // stored
}

// Run deploys opt.Dir to opt.URL.
func Run(ctx context.Context, opt Options) (Summary, error) {
	start := time.Now()
	if opt.MaxDeletes == 0 {
		opt.MaxDeletes = DefaultMaxDeletes
	}
	if opt.MaxDeleteShare <= 0 {
		opt.MaxDeleteShare = DefaultMaxDeleteShare
	}
	if opt.Workers <= 0 {
		opt.Workers = 16
	}
	if opt.Attempts <= 0 {
		opt.Attempts = 8
	}
	if opt.Log == nil {
		opt.Log = io.Discard
	}
	files, err := scan(opt)
	if err != nil {
		return Summary{}, err
	}
	bucket, err := openBucket(ctx, opt)
	if err != nil {
		return Summary{}, err
	}
	r := &runner{opt: opt, bucket: bucket}
	remote := map[string][]byte{} // a folder a dry run did not make is empty
	if bucket != nil {
		defer bucket.Close()
		if remote, err = r.list(ctx); err != nil {
			return Summary{}, err
		}
	}

	// The plan: what differs is uploaded, what the site lost is deleted.
	var uploads []*local
	sum := Summary{DryRun: opt.DryRun}
	for _, f := range files {
		have, ok := remote[f.key]
		if ok && have == nil {
			// The listing gave no MD5 (a multipart upload): the one
			// this command stored with the object tells.
			if have, err = r.storedMD5(ctx, f.key); err != nil {
				return sum, err
			}
		}
		if opt.Force || !ok || !slices.Equal(have, f.md5) {
			uploads = append(uploads, f)
		} else {
			sum.Unchanged++
		}
	}
	var deletes []string
	onDisk := make(map[string]bool, len(files))
	for _, f := range files {
		onDisk[f.key] = true
	}
	for key := range remote {
		if !onDisk[key] {
			deletes = append(deletes, key)
		}
	}
	slices.Sort(deletes)
	if allowed := max(opt.MaxDeletes, 0); len(deletes) > allowed {
		return sum, fmt.Errorf("the deploy would delete %d files from %s, more than the %d allowed: check that %s is the whole site (run the build again), or allow it with --max-deletes %d", len(deletes), redact(opt.URL), allowed, opt.Dir, len(deletes))
	}
	if share := opt.MaxDeleteShare; share < 100 && len(deletes) > shareFloor && len(deletes)*100 > share*len(remote) {
		pct := (len(deletes)*100 + len(remote) - 1) / len(remote)
		return sum, fmt.Errorf("the deploy would delete %d of the %d files in %s (%d%%, more than the %d%% allowed), as %s holds only %d files: check that it is the whole site (run the build again), or allow it with --max-delete-share %d", len(deletes), len(remote), redact(opt.URL), pct, share, opt.Dir, len(files), pct)
	}
	for _, f := range uploads {
		sum.Bytes += f.size
		sum.Changed = append(sum.Changed, f.key)
	}
	sum.Changed = append(sum.Changed, deletes...)
	slices.Sort(sum.Changed)
	sum.Uploaded, sum.Deleted = len(uploads), len(deletes)
	if opt.DryRun {
		for _, f := range uploads {
			why := "changed"
			if _, ok := remote[f.key]; !ok {
				why = "new"
			} else if opt.Force {
				why = "forced"
			}
			fmt.Fprintf(opt.Log, "upload %s (%s, %s)\n", f.key, why, size(f.size))
		}
		for _, key := range deletes {
			fmt.Fprintf(opt.Log, "delete %s\n", key)
		}
		sum.Duration = time.Since(start)
		return sum, nil
	}

	// Pages last, so that none is served before what it links to (its
	// stylesheet, its images); deletes after every upload, so that no
	// page links to a file already gone.
	isPage := func(f *local) bool { return strings.HasSuffix(f.key, ".html") }
	var assets, pages []*local
	for _, f := range uploads {
		if isPage(f) {
			pages = append(pages, f)
		} else {
			assets = append(assets, f)
		}
	}
	for _, batch := range [][]*local{assets, pages} {
		if err := each(ctx, opt.Workers, len(batch), func(i int) error { return r.upload(ctx, batch[i]) }); err != nil {
			return sum, err
		}
	}
	if err := each(ctx, opt.Workers, len(deletes), func(i int) error { return r.delete(ctx, deletes[i]) }); err != nil {
		return sum, err
	}
	sum.Duration = time.Since(start)
	return sum, nil
}

// openBucket opens the bucket of opt.URL. A file:// folder that does not
// exist yet is made, as a new bucket would be; a dry run makes nothing and
// returns no bucket, an empty one.
func openBucket(ctx context.Context, opt Options) (*blob.Bucket, error) {
	u, err := url.Parse(opt.URL)
	if err != nil {
		return nil, fmt.Errorf("%s is not a bucket URL: %w: write it like s3://bucket?region=eu-west-1, gs://bucket or file:///folder", redact(opt.URL), err)
	}
	if u.Scheme == "file" {
		dir := filepath.FromSlash(u.Path)
		if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
			if opt.DryRun {
				return nil, nil
			}
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return nil, fmt.Errorf("making the folder of %s: %w", opt.URL, err)
			}
			fmt.Fprintf(opt.Log, "made the folder %s\n", dir)
		}
	}
	b, err := blob.OpenBucket(ctx, opt.URL)
	if err == nil {
		return b, nil
	}
	switch u.Scheme {
	case "file":
		return nil, fmt.Errorf("opening %s: %w: write the URL like file:///path/to/folder", opt.URL, err)
	case "s3":
		return nil, fmt.Errorf("opening %s: %w: write the URL like s3://bucket?region=eu-west-1 or, for another S3-compatible store, s3://bucket?endpoint=https://host&region=auto", redact(opt.URL), err)
	case "gs":
		return nil, fmt.Errorf("opening %s: %w: write the URL like gs://bucket", redact(opt.URL), err)
	}
	return nil, fmt.Errorf("opening %s: %w: the bucket URL must start with s3://, gs:// or file://", redact(opt.URL), err)
}

// scan lists and hashes the files of the built site, on all cores.
func scan(opt Options) ([]*local, error) {
	if _, err := os.Stat(filepath.Join(opt.Dir, output.Marker)); err != nil {
		return nil, fmt.Errorf("%s is not a site built by kabar (it has no %s): run kabar build first, or name the output folder with --out", opt.Dir, output.Marker)
	}
	if output.Interrupted(opt.Dir) {
		return nil, fmt.Errorf("the last build into %s stopped before it had written every file (%s is still there), so the folder may mix old pages and new: run kabar build again, then deploy", opt.Dir, output.Staging)
	}
	var files []*local
	err := filepath.WalkDir(opt.Dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(opt.Dir, p)
		key := filepath.ToSlash(rel)
		if key == output.Marker {
			return nil
		}
		if !d.Type().IsRegular() {
			return fmt.Errorf("%s is not a regular file (a link or device): the build writes none, so rebuild the site", p)
		}
		files = append(files, &local{key: key, path: p})
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = each(context.Background(), runtime.GOMAXPROCS(0), len(files), func(i int) error {
		f := files[i]
		f.head = HeadersFor(f.key, opt.CacheControl, opt.Gzip)
		data, err := f.body()
		if err != nil {
			return err
		}
		h := md5.Sum(data)
		f.md5, f.size = h[:], int64(len(data))
		return nil
	})
	return files, err
}

// body is what is stored for f: the file, or the file gzipped.
func (f *local) body() ([]byte, error) {
	data, err := os.ReadFile(f.path)
	if err != nil {
		return nil, err
	}
	if f.head.ContentEncoding == "gzip" {
		return gzipped(data), nil
	}
	return data, nil
}

// md5Key is the metadata key under which the MD5 of what was stored is
// kept, for stores whose listing does not give it (multipart uploads).
const md5Key = "kabar-md5"

// runner does a deploy's requests, retrying each.
type runner struct {
	opt    Options
	bucket *blob.Bucket
}

// list returns every object in the bucket with its MD5 (nil when the
// store gives none).
func (r *runner) list(ctx context.Context) (map[string][]byte, error) {
	out := map[string][]byte{}
	token := blob.FirstPageToken
	for len(token) > 0 {
		var page []*blob.ListObject
		err := r.retry(ctx, "listing the bucket", func() error {
			var err error
			page, token, err = r.bucket.ListPage(ctx, token, 1000, nil)
			return err
		})
		if err != nil {
			return nil, err
		}
		for _, o := range page {
			if !o.IsDir {
				out[o.Key] = o.MD5
			}
		}
	}
	return out, nil
}

func (r *runner) storedMD5(ctx context.Context, key string) ([]byte, error) {
	var attrs *blob.Attributes
	err := r.retry(ctx, "reading "+key, func() error {
		var err error
		attrs, err = r.bucket.Attributes(ctx, key)
		return err
	})
	if err != nil {
		return nil, err
	}
	if len(attrs.MD5) > 0 {
		return attrs.MD5, nil
	}
	sum, _ := hex.DecodeString(attrs.Metadata[md5Key])
	return sum, nil
}

func (r *runner) upload(ctx context.Context, f *local) error {
	data, err := f.body()
	if err != nil {
		return err
	}
	if h := md5.Sum(data); !slices.Equal(h[:], f.md5) {
		return fmt.Errorf("%s changed during the deploy: build first, then deploy", f.path)
	}
	wo := &blob.WriterOptions{
		ContentType:     f.head.ContentType,
		CacheControl:    f.head.CacheControl,
		ContentEncoding: f.head.ContentEncoding,
		ContentMD5:      f.md5,
		// Files past the SDK's multipart threshold get an ETag that is
		// not their MD5: the metadata keeps it.
		Metadata:                    map[string]string{md5Key: hex.EncodeToString(f.md5)},
		DisableContentTypeDetection: true,
	}
	return r.retry(ctx, "uploading "+f.key, func() error { return r.bucket.WriteAll(ctx, f.key, data, wo) })
}

func (r *runner) delete(ctx context.Context, key string) error {
	return r.retry(ctx, "deleting "+key, func() error {
		err := r.bucket.Delete(ctx, key)
		if gcerrors.Code(err) == gcerrors.NotFound {
			return nil // gone already: a retry of a delete that went through
		}
		return err
	})
}

// retry runs do until it succeeds, waiting longer after each failure,
// and gives up on errors no retry can fix (bad credentials, no bucket).
func (r *runner) retry(ctx context.Context, what string, do func() error) error {
	wait := 50 * time.Millisecond
	var err error
	for attempt := 1; ; attempt++ {
		if err = do(); err == nil {
			return nil
		}
		switch gcerrors.Code(err) {
		case gcerrors.PermissionDenied:
			return fmt.Errorf("%s: %w: give credentials that may write the bucket (for S3 and R2, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; for GCS, GOOGLE_APPLICATION_CREDENTIALS)", what, err)
		case gcerrors.NotFound:
			return fmt.Errorf("%s: %w: check the bucket's name and region in the URL", what, err)
		}
		if ctx.Err() != nil || attempt >= r.opt.Attempts {
			return fmt.Errorf("%s: %w (after %d attempts): run the deploy again to go on where it stopped", what, err, attempt)
		}
		fmt.Fprintf(r.opt.Log, "retrying %s: %v\n", what, err)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
		wait = min(2*wait, 5*time.Second)
	}
}

// each runs do(0..n-1) on workers goroutines; the first error stops
// handing out more work.
func each(ctx context.Context, workers, n int, do func(i int) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	next := make(chan int)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var errs []error
	for range min(n, workers) {
		wg.Go(func() {
			for i := range next {
				if err := do(i); err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
					cancel()
				}
			}
		})
	}
feed:
	for i := range n {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	return errors.Join(errs...)
}

// redact hides a URL's query values but the ones that say where the
// bucket is, should a URL carry a secret.
func redact(raw string) string {
	base, query, ok := strings.Cut(raw, "?")
	if !ok {
		return raw
	}
	var keep []string
	for _, kv := range strings.Split(query, "&") {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "region", "endpoint", "use_path_style", "disable_https", "profile":
			keep = append(keep, kv)
		default:
			keep = append(keep, k+"=…")
		}
	}
	return base + "?" + strings.Join(keep, "&")
}
