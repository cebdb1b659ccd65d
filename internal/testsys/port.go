package testsys

import (
	"fmt"
	"math/rand/v2"
	"net"
	"sync"
	"testing"
)

// Ports are handed out from [20000, 32768), below every OS's ephemeral
// range (Linux 32768-60999, macOS and Windows 49152-65535). A port the
// kernel picks for ":0" comes from that range, where any outgoing
// connection of the run (to an emulator, say) can take it as its source
// port before zauth binds it; that failed a CI run once.
var (
	portsMu    sync.Mutex
	portsGiven = map[int]bool{}
)

// FreePort returns a loopback TCP port that nothing listened on when it
// was asked for, and that this test binary has not handed out before: a
// provider that is down, or a redirect port for zauth.
func FreePort(t testing.TB) int {
	t.Helper()
	portsMu.Lock()
	defer portsMu.Unlock()
	for range 1000 {
		p := 20000 + rand.IntN(32768-20000)
		if portsGiven[p] {
			continue
		}
		l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p))
		if err != nil {
			continue
		}
		l.Close()
		portsGiven[p] = true
		return p
	}
	t.Fatal("no free loopback port in [20000, 32768)")
	return 0
}
