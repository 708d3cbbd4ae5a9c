package host

import "net"

// SocketAddr is the address the plugin listens on, for the tests that
// knock on it without the host's certificate.
func (p *Plugin) SocketAddr() net.Addr { return p.client.ReattachConfig().Addr }

// SocketDir is the host's private socket directory ("" before a launch).
func (h *Host) SocketDir() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.sockets
}
