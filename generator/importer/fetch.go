package importer

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Limits of one fetch, so that no feed can make the import hang or fill
// the memory: real feeds are a few hundred kB.
const (
	DefaultTimeout  = 30 * time.Second
	DefaultMaxBytes = 16 << 20
	maxRedirects    = 5
)

// fetcher reads feeds from the web or from files.
type fetcher struct {
	timeout  time.Duration
	maxBytes int64
	agent    string
}

func newFetcher(timeout time.Duration, maxBytes int64, agent string) *fetcher {
	return &fetcher{timeout: timeout, maxBytes: maxBytes, agent: agent}
}

// client is the HTTP client of one feed, whose url decides where it may
// connect (see guard). Feeds share no connections: one that a feed may
// open to its own private address must not carry another feed's redirect
// there.
func (f *fetcher) client(feed *url.URL) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.Proxy = nil // through a proxy, the address connected to could not be checked
	tr.DialContext = newGuard(feed).dial
	return &http.Client{
		Timeout:   f.timeout,
		Transport: tr,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > maxRedirects {
				return fmt.Errorf("more than %d redirects (the last to %s): give the feed's final address", maxRedirects, req.URL)
			}
			if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
				return fmt.Errorf("redirected to %s, which is not a web address", req.URL)
			}
			return nil
		},
	}
}

// fetch returns the bytes of a feed and the address its relative links
// are read against: the URL after redirects, or nil for a file.
func (f *fetcher) fetch(ctx context.Context, src, dir string) ([]byte, *url.URL, error) {
	if u, err := url.Parse(src); err == nil && (u.Scheme == "http" || u.Scheme == "https") {
		return f.get(ctx, u)
	}
	if strings.Contains(src, "://") {
		return nil, nil, fmt.Errorf("%s is neither an http(s) address nor a file", src)
	}
	p := src
	if !filepath.IsAbs(p) {
		p = filepath.Join(dir, p)
	}
	file, err := os.Open(p)
	if err != nil {
		return nil, nil, err
	}
	defer file.Close()
	data, err := f.read(file)
	return data, nil, err
}

func (f *fetcher) get(ctx context.Context, u *url.URL) ([]byte, *url.URL, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("User-Agent", f.agent)
	req.Header.Set("Accept", "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, */*;q=0.5")
	client := f.client(u)
	defer client.CloseIdleConnections()
	resp, err := client.Do(req)
	if err != nil {
		var ue *url.Error
		var pe *privateError
		if errors.As(err, &ue) && errors.As(err, &pe) {
			where := ue.URL
			if where != u.String() {
				where = "redirected to " + where + ", which"
			}
			return nil, nil, fmt.Errorf("refused: %s leads to %v: feeds are read only from public addresses; if this feed is meant to be read from there, give that address as its url", where, pe)
		}
		if errors.As(err, &ue) && ue.Timeout() {
			return nil, nil, fmt.Errorf("no answer within %s: the server is down or too slow; try again later", f.timeout)
		}
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, nil, fmt.Errorf("the server answered %s: check the address", resp.Status)
	}
	if resp.ContentLength > f.maxBytes {
		return nil, nil, f.tooBig()
	}
	data, err := f.read(resp.Body)
	if err != nil {
		var ue *url.Error
		if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ue) && ue.Timeout()) || os.IsTimeout(err) {
			return nil, nil, fmt.Errorf("the feed did not arrive whole within %s: the server is too slow; try again later", f.timeout)
		}
		return nil, nil, err
	}
	return data, resp.Request.URL, nil
}

// read reads at most maxBytes, and unpacks gzip that the HTTP layer left
// packed (a server that compresses unasked, or a .gz file), within the
// same limit.
func (f *fetcher) read(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, f.maxBytes+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > f.maxBytes {
		return nil, f.tooBig()
	}
	if bytes.HasPrefix(data, []byte{0x1f, 0x8b}) {
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("the feed is gzip-compressed but broken: %v", err)
		}
		if data, err = io.ReadAll(io.LimitReader(zr, f.maxBytes+1)); err != nil {
			return nil, fmt.Errorf("the feed is gzip-compressed but broken: %v", err)
		}
		if int64(len(data)) > f.maxBytes {
			return nil, f.tooBig()
		}
	}
	return data, nil
}

func (f *fetcher) tooBig() error {
	return fmt.Errorf("the feed is larger than %d MB, the most one feed may be: it is probably not a feed; check the address", f.maxBytes>>20)
}
