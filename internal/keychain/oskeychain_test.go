package keychain

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"github.com/zauth-cli/zauth/internal/exitcode"
	"github.com/zauth-cli/zauth/internal/testsys"
	"github.com/zauth-cli/zauth/internal/textsafe"
)

// RequireOSKeychain returns the OS keychain backend (Secret Service on
// Linux, Keychain on macOS, Credential Manager on Windows) under a service
// name of its own, whose items are deleted when the test ends. Without a
// reachable keychain it skips the test, saying why (see testsys.NoKeychain).
func RequireOSKeychain(t testing.TB) *OS {
	t.Helper()
	// As long a service name as zauth promises to handle, so that every
	// item a test writes also proves the OS's size limits leave room for it.
	service := "zauth-test-" + randomHex(6) + "-"
	service += strings.Repeat("x", maxNameLen-len(service))
	k := &OS{Service: service, Timeout: 20 * time.Second}
	if err := precheck(); err != nil {
		testsys.NoKeychain(t, err.Error())
	}
	// A keychain that is there but locked, or prompts, must not hang the
	// suite: probe it with a short timeout.
	probe := &OS{Service: k.Service, Timeout: 5 * time.Second}
	if err := probe.Set("probe", "x"); err != nil {
		testsys.NoKeychain(t, textsafe.Line(err.Error()))
	}
	t.Cleanup(func() {
		// go-keyring has no timeout of its own.
		if err := testsys.Within(t, k.Timeout, "deleting the test's keychain items", func() error {
			return keyring.DeleteAll(k.Service)
		}); err != nil {
			t.Errorf("cleaning up the keychain service %s: %v%s", k.Service, err, testsys.KeyringLog())
		}
	})
	if err := probe.Delete("probe"); err != nil {
		t.Fatalf("the keychain took an item but cannot delete it: %v", err)
	}
	return k
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// TestOSKeychainLargeRecord: a record far over the OS's item limit is split
// and read back whole, with each OS's chunk size, under the longest names;
// where the OS has a limit, the record unsplit is refused with exit 5 and a
// part of exactly the chunk size is taken.
func TestOSKeychainLargeRecord(t *testing.T) {
	k := RequireOSKeychain(t)
	limit := DefaultChunkLimit()
	big := bigValue(t, 10_240)
	switch err := k.Set("unsplit", big); {
	case limit == 0 && err != nil:
		t.Fatalf("the %s keychain has no limit to split under, yet refused %d bytes: %v", runtime.GOOS, len(big), err)
	case limit > 0 && exitcode.Code(err) != exitcode.Storage:
		t.Fatalf("%d bytes unsplit: %v; want exit 5, as the %s keychain caps an item well below that", len(big), err, runtime.GOOS)
	}
	if limit > 0 {
		name := strings.Repeat("n", maxNameLen)
		part := partKey(partKeyBase(name), strings.Repeat("0", 64), 999)
		v := bigValue(t, limit)
		if err := k.Set(part, v); err != nil {
			t.Fatalf("a %d-byte part under the longest names: %v", limit, err)
		}
		if got, err := k.Get(part); err != nil || got != v {
			t.Fatalf("read back %d bytes, %v", len(got), err)
		}
		if err := k.Delete(part); err != nil {
			t.Fatal(err)
		}
	}
	seen := map[int]bool{0: true}
	for _, l := range []int{limit, chunkLimit("windows"), chunkLimit("darwin")} {
		if !seen[l] {
			seen[l] = true
			t.Run(fmt.Sprintf("limit %d", l), func(t *testing.T) { exerciseChunked(t, &Chunked{Backend: k, Limit: l}, nil) })
		}
	}
}

// partKeyBase is tokenstore's key for a login (tokenstore imports this
// package, so its TokenKey cannot be called here).
func partKeyBase(name string) string { return "token:" + name + ":" + name }
