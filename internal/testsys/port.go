package testsys

import (
	"net"
	"testing"
)

// FreePort returns a loopback TCP port that nothing listened on when it
// was asked for: a provider that is down, or a redirect port for zauth.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
