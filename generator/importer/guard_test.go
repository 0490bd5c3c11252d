package importer

import (
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"testing"
)

// TestPrivateAddresses: a feed whose url names 127.0.0.1 is read from
// there, but nothing else private is: not another port of it, not a name
// that resolves to it, not a redirect from a public feed. The servers are
// all on loopback; one of them is counted as public through testPublic.
func TestPrivateAddresses(t *testing.T) {
	atomFeed := testdata(t, "atom.xml")
	internal := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("the internal server was reached: %s", r.URL)
		w.Write(atomFeed)
	}))
	t.Cleanup(internal.Close)
	mux := http.NewServeMux()
	mux.HandleFunc("/feed.xml", func(w http.ResponseWriter, r *http.Request) { w.Write(atomFeed) })
	mux.HandleFunc("/to-internal", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, internal.URL+"/internal.xml", http.StatusFound)
	})
	mux.HandleFunc("/to-localhost", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, strings.Replace(internal.URL, "127.0.0.1", "localhost", 1)+"/internal.xml", http.StatusFound)
	})
	outlet := httptest.NewServer(mux)
	t.Cleanup(outlet.Close)
	_, port, _ := net.SplitHostPort(outlet.Listener.Addr().String())

	site := newSite(t)
	res := run(t, site, Options{},
		outlet.URL+"/feed.xml",               // named by its own url: read
		outlet.URL+"/to-internal",            // to another private address: refused
		outlet.URL+"/to-localhost",           // to a name resolving to loopback: refused
		"http://localhost:"+port+"/feed.xml", // a name, though the server is the same
	)
	if res[0].Err != nil || len(res[0].New) != 1 {
		t.Errorf("the feed at 127.0.0.1: %+v", res[0])
	}
	for _, r := range res[1:] {
		if r.Err == nil || !strings.Contains(r.Err.Error(), "a loopback address") || !strings.Contains(r.Err.Error(), "refused: ") {
			t.Errorf("%s: error %v, want a refusal of a loopback address", r.Feed, r.Err)
		}
	}
	if r := res[1]; r.Err != nil && !strings.Contains(r.Err.Error(), "redirected to "+internal.URL+"/internal.xml, which leads to 127.0.0.1") {
		t.Errorf("the refusal does not say where the redirect led: %v", r.Err)
	}

	// The outlet counted as public: its redirect to 127.0.0.1 is refused,
	// its own feed is still read.
	testPublic = []netip.AddrPort{netip.MustParseAddrPort(outlet.Listener.Addr().String())}
	t.Cleanup(func() { testPublic = nil })
	res = run(t, newSite(t), Options{}, outlet.URL+"/to-internal", outlet.URL+"/feed.xml")
	if r := res[0]; r.Err == nil || !strings.Contains(r.Err.Error(), "which leads to 127.0.0.1, a loopback address") {
		t.Errorf("a public feed's redirect to 127.0.0.1: %v", r.Err)
	}
	if r := res[1]; r.Err != nil || len(r.New) != 1 {
		t.Errorf("the public feed: %+v", r)
	}
}

// TestAddressKinds: which addresses a feed from the internet may reach,
// checked on the address as dialled (no connection is made).
func TestAddressKinds(t *testing.T) {
	refused := map[string]string{
		"127.0.0.1:80":          "loopback",
		"127.8.0.1:8080":        "loopback",
		"[::1]:443":             "loopback",
		"[::ffff:127.0.0.1]:80": "loopback",
		"10.1.2.3:80":           "a private address",
		"172.16.0.1:80":         "a private address",
		"192.168.1.1:80":        "a private address",
		"169.254.169.254:80":    "metadata",
		"169.254.1.1:80":        "link-local",
		"[fe80::1]:80":          "link-local",
		"[fd00:ec2::254]:80":    "unique-local",
		"100.100.100.200:80":    "reserved",
		"0.0.0.0:80":            "reserved",
		"[64:ff9b::7f00:1]:80":  "reserved",
		"224.0.0.1:80":          "reserved",
	}
	for addr, kind := range refused {
		err := allowed(netip.MustParseAddrPort(addr))
		if err == nil || !strings.Contains(err.Error(), kind) {
			t.Errorf("%s: %v, want it refused as %s", addr, err, kind)
		}
	}
	for _, addr := range []string{"93.184.216.34:80", "203.0.114.1:8080", "[2606:4700::1111]:443"} {
		if err := allowed(netip.MustParseAddrPort(addr)); err != nil {
			t.Errorf("%s: %v, want it allowed", addr, err)
		}
	}
	// Only a url naming a private address makes that address the feed's own.
	for raw, origin := range map[string]string{
		"http://127.0.0.1:8902/feed.xml": "127.0.0.1:8902",
		"https://[::1]/feed.xml":         "[::1]:443",
		"http://10.0.0.5/rss":            "10.0.0.5:80",
		"http://localhost:8902/feed.xml": "",
		"https://93.184.216.34/rss":      "",
	} {
		u, _ := url.Parse(raw)
		if g := newGuard(u); g.origin != origin {
			t.Errorf("%s: origin %q, want %q", raw, g.origin, origin)
		}
	}
}
