// Package remote asks the web whether the addresses a site links to are
// still there: each address once, HEAD first and GET when a server will
// not answer HEAD, a few at a time, slowly per host, each within a time
// limit, with the answers kept for a day so that a second run asks again
// only what it could not tell.
package remote

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Options tune a Check; the zero value means the defaults.
type Options struct {
	Concurrency int           // requests at once, over all hosts (8)
	PerHost     time.Duration // least time between two requests to one host (500 ms)
	Timeout     time.Duration // for one request, answer included (10 s)
	// CacheFile keeps the answers between runs; "" keeps none. Cache
	// names the usual place.
	CacheFile string
	MaxAge    time.Duration // how long an answer is trusted (24 h)
	Client    *http.Client  // http.DefaultClient's transport when nil
}

// Result is what one address answered.
type Result struct {
	URL    string
	Dead   bool
	Reason string // why it is dead: "404 Not Found", "no answer within 10s", ...
	Cached bool   // from an earlier run
}

// Cache is where answers are kept by default: kabar/links.json under the
// user's cache folder (XDG_CACHE_HOME, or ~/.cache, on Linux).
func Cache() (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "kabar", "links.json"), nil
}

// entry is one cached answer.
type entry struct {
	Dead    bool      `json:"dead"`
	Reason  string    `json:"reason,omitempty"`
	Checked time.Time `json:"checked"`
}

// Check asks for every address in urls and returns the answers in their
// order. Only a cache that cannot be written is an error: an address
// that cannot be reached is a dead one.
func Check(ctx context.Context, urls []string, opt Options) ([]Result, error) {
	if opt.Concurrency <= 0 {
		opt.Concurrency = 8
	}
	if opt.PerHost <= 0 {
		opt.PerHost = 500 * time.Millisecond
	}
	if opt.Timeout <= 0 {
		opt.Timeout = 10 * time.Second
	}
	if opt.MaxAge <= 0 {
		opt.MaxAge = 24 * time.Hour
	}
	client := opt.Client
	if client == nil {
		client = &http.Client{}
	}
	cache := readCache(opt.CacheFile)
	now := time.Now()
	out := make([]Result, len(urls))
	var (
		mu       sync.Mutex
		fresh    = map[string]entry{} // the answers of this run, kept apart until all are in
		limiters = map[string]*rate.Limiter{}
		wg       sync.WaitGroup
		slots    = make(chan struct{}, opt.Concurrency)
	)
	limiter := func(host string) *rate.Limiter {
		mu.Lock()
		defer mu.Unlock()
		l := limiters[host]
		if l == nil {
			l = rate.NewLimiter(rate.Every(opt.PerHost), 1)
			limiters[host] = l
		}
		return l
	}
	for i, u := range urls {
		if e, ok := cache[u]; ok && now.Sub(e.Checked) < opt.MaxAge {
			out[i] = Result{URL: u, Dead: e.Dead, Reason: e.Reason, Cached: true}
			continue
		}
		wg.Go(func() {
			slots <- struct{}{}
			defer func() { <-slots }()
			r, keep := ask(ctx, client, limiter, u, opt.Timeout)
			out[i] = r
			if keep {
				mu.Lock()
				fresh[u] = entry{Dead: r.Dead, Reason: r.Reason, Checked: time.Now()}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if opt.CacheFile == "" {
		return out, nil
	}
	for u, e := range fresh {
		cache[u] = e
	}
	for u, e := range cache {
		if now.Sub(e.Checked) >= opt.MaxAge {
			delete(cache, u)
		}
	}
	return out, writeCache(opt.CacheFile, cache)
}

// ask requests u: HEAD, then GET when the server refuses or fumbles
// HEAD. keep says whether the answer is worth keeping: a timeout, a
// server error or "too many requests" may be gone tomorrow.
func ask(ctx context.Context, client *http.Client, limiter func(string) *rate.Limiter, u string, timeout time.Duration) (Result, bool) {
	res := Result{URL: u}
	pu, err := url.Parse(u)
	if err != nil {
		res.Dead, res.Reason = true, err.Error()
		return res, true
	}
	host := strings.ToLower(pu.Host)
	status, err := request(ctx, client, limiter(host), http.MethodHead, u, timeout)
	switch {
	case err == nil && status < 400, err == nil && (status == 404 || status == 410):
	case isTimeout(err):
	default:
		// 405 and 501 say HEAD is not served; some servers answer it
		// with 403, 400 or a dropped connection while GET works.
		status, err = request(ctx, client, limiter(host), http.MethodGet, u, timeout)
	}
	switch {
	case isTimeout(err):
		res.Dead, res.Reason = true, fmt.Sprintf("no answer within %s", timeout)
		return res, false
	case err != nil:
		res.Dead, res.Reason = true, reason(err)
		return res, false
	case status == http.StatusTooManyRequests:
		return res, false // the host asks us to slow down: not dead, not known
	case status >= 400:
		res.Dead, res.Reason = true, fmt.Sprintf("%d %s", status, http.StatusText(status))
		return res, status < 500
	}
	return res, true
}

// request makes one request and returns its status, reading no body.
func request(ctx context.Context, client *http.Client, l *rate.Limiter, method, u string, timeout time.Duration) (int, error) {
	if err := l.Wait(ctx); err != nil {
		return 0, err
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, u, nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("User-Agent", "kabar-link-check/1 (+https://github.com/kabar-news/kabar)")
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	// A little of the body lets the connection be reused; no more is read.
	_, _ = io.CopyN(io.Discard, resp.Body, 4<<10)
	resp.Body.Close()
	return resp.StatusCode, nil
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout()
}

// reason is a network error without the request's method and address,
// which the report names already.
func reason(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return err.Error()
}

func readCache(file string) map[string]entry {
	cache := map[string]entry{}
	if file == "" {
		return cache
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return cache
	}
	// A cache that cannot be read is rebuilt: it holds nothing that
	// cannot be asked again.
	if json.Unmarshal(data, &cache) != nil {
		return map[string]entry{}
	}
	return cache
}

// writeCache replaces the cache file whole, so that two runs at once
// leave one's answers, not a mix.
func writeCache(file string, cache map[string]entry) error {
	data, err := json.MarshalIndent(cache, "", "  ") // keys sorted
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return fmt.Errorf("link cache: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(file), ".links-*.json")
	if err != nil {
		return fmt.Errorf("link cache: %w", err)
	}
	_, err = tmp.Write(data)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), file)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("link cache %s: %w", file, err)
	}
	return nil
}
