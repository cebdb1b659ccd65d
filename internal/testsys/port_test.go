package testsys

import (
	"fmt"
	"net"
	"testing"
)

// TestFreePortOutsideEphemeralRange: the ports handed out are bindable,
// distinct, and below every OS's ephemeral range, where the run's own
// outgoing connections would compete for them.
func TestFreePortOutsideEphemeralRange(t *testing.T) {
	seen := map[int]bool{}
	for range 50 {
		p := FreePort(t)
		if p < 20000 || p >= 32768 || seen[p] {
			t.Fatalf("FreePort = %d (seen before: %v), want a new port in [20000, 32768)", p, seen[p])
		}
		seen[p] = true
		l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p))
		if err != nil {
			t.Fatalf("port %d cannot be bound: %v", p, err)
		}
		l.Close()
	}
}
