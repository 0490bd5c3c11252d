package serve

import (
	"net"
	"strings"
)

// hostAllowed reports whether a request's Host names the address the
// server listens on: localhost, the host of --addr, a loopback address or
// the listener's own, or any IP address when it listens on all of them.
// Any other name is a page elsewhere that pointed its DNS name at this
// machine (DNS rebinding) to read the preview from its own origin.
func hostAllowed(host string, ln net.Addr, addr string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.Trim(host, "[]"), ".")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	if h, _, err := net.SplitHostPort(addr); err == nil && h != "" && strings.EqualFold(host, strings.Trim(h, "[]")) {
		return true
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return false
	}
	tcp, _ := ln.(*net.TCPAddr)
	return ip.IsLoopback() || tcp != nil && (tcp.IP.Equal(ip) || tcp.IP.IsUnspecified())
}
