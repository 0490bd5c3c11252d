package remote

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// server answers on 127.0.0.1 as the sites a digest links to do, and
// counts the requests for each path and method.
type server struct {
	*httptest.Server
	mu   sync.Mutex
	hits map[string]int // "HEAD /x"
}

func newServer(t *testing.T) *server {
	s := &server{hits: map[string]int{}}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.hits[r.Method+" "+r.URL.Path]++
		s.mu.Unlock()
		switch r.URL.Path {
		case "/hidup", "/tujuan":
			w.Write([]byte("ada"))
		case "/pindah":
			http.Redirect(w, r, "/tujuan", http.StatusMovedPermanently)
		case "/tanpa-head":
			if r.Method == http.MethodHead {
				w.WriteHeader(http.StatusMethodNotAllowed)
				return
			}
			w.Write([]byte("ada"))
		case "/lambat":
			select {
			case <-r.Context().Done():
			case <-time.After(10 * time.Second):
			}
		case "/rusak":
			w.WriteHeader(http.StatusInternalServerError)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *server) count(key string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[key]
}

func TestCheck(t *testing.T) {
	s := newServer(t)
	cache := filepath.Join(t.TempDir(), "kabar", "links.json")
	opt := Options{Timeout: 300 * time.Millisecond, PerHost: time.Millisecond, CacheFile: cache}
	urls := []string{s.URL + "/hidup", s.URL + "/hilang", s.URL + "/tanpa-head", s.URL + "/lambat", s.URL + "/pindah", s.URL + "/rusak", "http://127.0.0.1:1/tertutup"}
	want := []Result{
		{URL: urls[0]},
		{URL: urls[1], Dead: true, Reason: "404 Not Found"},
		{URL: urls[2]},
		{URL: urls[3], Dead: true, Reason: "no answer within 300ms"},
		{URL: urls[4]},
		{URL: urls[5], Dead: true, Reason: "500 Internal Server Error"},
	}
	got, err := Check(context.Background(), urls, opt)
	if err != nil {
		t.Fatal(err)
	}
	for i, w := range want {
		if got[i] != w {
			t.Errorf("%s: %+v, want %+v", urls[i], got[i], w)
		}
	}
	if !got[6].Dead || got[6].Reason == "" {
		t.Errorf("a closed port: %+v, want dead with a reason", got[6])
	}
	for key, n := range map[string]int{"HEAD /hidup": 1, "GET /hidup": 0, "HEAD /hilang": 1, "GET /hilang": 0, "HEAD /tanpa-head": 1, "GET /tanpa-head": 1, "HEAD /lambat": 1, "GET /lambat": 0} {
		if c := s.count(key); c != n {
			t.Errorf("%s asked %d times, want %d", key, c, n)
		}
	}

	// A second run within the day asks only what it could not tell:
	// the slow address, the server error and the closed port.
	again, err := Check(context.Background(), urls, opt)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range again {
		cached := i == 0 || i == 1 || i == 2 || i == 4
		if r.Cached != cached || r.Dead != got[i].Dead || r.Reason != got[i].Reason {
			t.Errorf("second run, %s: %+v, want cached=%v and the first run's answer %+v", urls[i], r, cached, got[i])
		}
	}
	for key, n := range map[string]int{"HEAD /hidup": 1, "HEAD /hilang": 1, "GET /tanpa-head": 1, "HEAD /lambat": 2, "HEAD /rusak": 2} {
		if c := s.count(key); c != n {
			t.Errorf("after the second run, %s asked %d times, want %d", key, c, n)
		}
	}
	// An answer older than a day is asked again.
	if _, err := Check(context.Background(), urls[:1], Options{CacheFile: cache, MaxAge: time.Nanosecond, PerHost: time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	if c := s.count("HEAD /hidup"); c != 2 {
		t.Errorf("with the cache expired, /hidup asked %d times in all, want 2", c)
	}
}

// TestBoundedConcurrency: no more requests run at once than allowed,
// however many hosts there are.
func TestBoundedConcurrency(t *testing.T) {
	var mu sync.Mutex
	inFlight, most := 0, 0
	release := make(chan struct{})
	var once sync.Once
	var urls []string
	for range 6 {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			inFlight++
			most = max(most, inFlight)
			full := inFlight == 2
			mu.Unlock()
			if full {
				once.Do(func() { close(release) })
			}
			select {
			case <-release:
			case <-time.After(2 * time.Second):
			}
			mu.Lock()
			inFlight--
			mu.Unlock()
		}))
		t.Cleanup(srv.Close)
		urls = append(urls, srv.URL+"/")
	}
	res, err := Check(context.Background(), urls, Options{Concurrency: 2, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if r.Dead {
			t.Errorf("%+v", r)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if most > 2 {
		t.Errorf("%d requests at once, want at most 2", most)
	}
}
