package importer

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"slices"
	"syscall"

	"code.dny.dev/ssrf"
)

// A feed from the internet must not make the import read this machine, the
// local network or a cloud's metadata service (169.254.169.254): a redirect,
// or a name that resolves to such an address, is refused. The address is
// checked as it is dialled, so a name that resolves to a public address
// when asked and to a private one when connected to gains nothing.

// publicOnly refuses every address of the IANA special-purpose registries:
// loopback, private, shared, link-local, unique-local, reserved.
var publicOnly = ssrf.New(ssrf.WithAnyPort())

// testPublic holds addresses the tests count as public: every server a
// test may start is on loopback.
var testPublic []netip.AddrPort

// privateError is a connection refused because of its address.
type privateError struct {
	addr netip.Addr
}

func (e *privateError) Error() string {
	return fmt.Sprintf("%s, %s", e.addr, addressKind(e.addr))
}

// addressKind says in words what kind of non-public address a is.
func addressKind(a netip.Addr) string {
	a = a.Unmap()
	switch {
	case a.IsLoopback():
		return "a loopback address (this machine)"
	case a == netip.MustParseAddr("169.254.169.254"):
		return "the cloud metadata address"
	case a.IsLinkLocalUnicast():
		return "a link-local address"
	case a.IsPrivate() && a.Is4():
		return "a private address"
	case a.IsPrivate():
		return "a unique-local address"
	}
	return "a reserved address, not one on the internet"
}

// guard says where one feed may connect: to public addresses, and to the
// one address its own url names when that is not a public one (a feed on
// this machine or the local network, named so on purpose). A redirect to
// another address, or a name, is held to the public rule.
type guard struct {
	origin string // "ip:port" of the feed's url when it names a private address
}

func newGuard(feed *url.URL) guard {
	ip, err := netip.ParseAddr(feed.Hostname())
	if err != nil {
		return guard{} // a name: it may resolve to anything, so it is checked as dialled
	}
	port := feed.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[feed.Scheme]
	}
	ap, err := netip.ParseAddrPort(net.JoinHostPort(ip.String(), port))
	if err != nil || allowed(ap) == nil {
		return guard{}
	}
	return guard{origin: ap.String()}
}

// allowed is nil when ap is a public address.
func allowed(ap netip.AddrPort) error {
	if slices.Contains(testPublic, ap) {
		return nil
	}
	if err := publicOnly.SafeAddrPort(ap); err != nil {
		if errors.Is(err, ssrf.ErrProhibitedIP) {
			return &privateError{ap.Addr()}
		}
		return err
	}
	return nil
}

// dial is the transport's DialContext. addr is the host and port of the
// request's URL, before the name is resolved.
func (g guard) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	d := net.Dialer{Timeout: DefaultTimeout, KeepAlive: DefaultTimeout}
	if ap, err := netip.ParseAddrPort(addr); err != nil || ap.String() != g.origin {
		d.Control = func(network, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil {
				return err
			}
			return allowed(ap)
		}
	}
	return d.DialContext(ctx, network, addr)
}
