package serve

import (
	"net/http"
	"strings"
	"testing"
)

// TestForeignHost: a real server answers the names of the address it
// listens on, and 421 to any other Host, as a page that rebound its DNS
// name to 127.0.0.1 would send.
func TestForeignHost(t *testing.T) {
	s := New(Options{Dir: site(t), Addr: "vorschau.test:0"})
	s.Built("/", nil)
	addr := run(t, s)
	_, port, _ := strings.Cut(addr, ":")
	for host, want := range map[string]int{
		addr:                       http.StatusOK,
		"localhost:" + port:        http.StatusOK,
		"localhost":                http.StatusOK,
		"[::1]:" + port:            http.StatusOK,
		"vorschau.test:" + port:    http.StatusOK,
		"evil.example:" + port:     http.StatusMisdirectedRequest,
		"evil.example":             http.StatusMisdirectedRequest,
		"localhost.evil.example":   http.StatusMisdirectedRequest,
		"10.1.2.3:" + port:         http.StatusMisdirectedRequest,
		"127.0.0.1.nip.io:" + port: http.StatusMisdirectedRequest,
	} {
		req, err := http.NewRequest("GET", "http://"+addr+"/", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Host = host
		resp, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("Host %s: %d, want %d", host, resp.StatusCode, want)
		}
	}
}
