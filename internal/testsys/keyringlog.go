package testsys

import (
	"os"
	"runtime"
	"strings"
	"testing"
)

// KeyringLogEnv names the log of the throwaway keyring that
// scripts/with-keyring.sh starts: the bus's activations and each keyring
// daemon's start, messages and exit status.
const KeyringLogEnv = "KEYRING_LOG"

// KeyringLog returns the last lines of that log, to be appended to a
// failed keyring call's message: whether the daemon was there, crashed or
// was started again is what tells a zauth bug from a keyring that went
// away. Outside with-keyring.sh it returns "".
func KeyringLog() string {
	path := os.Getenv(KeyringLogEnv)
	if path == "" {
		return ""
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "\n(the keyring log cannot be read: " + err.Error() + ")"
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > 8 {
		lines = lines[len(lines)-8:]
	}
	return "\nthe keyring log ends:\n\t" + strings.Join(lines, "\n\t")
}

// RequireKeychainEnv, set to 1, turns "no OS keychain here" from a skip
// into a failure: scripts/test.sh and the CI jobs that create a keychain
// set it, so that a broken keychain set-up cannot pass as skipped tests.
const RequireKeychainEnv = "ZAUTH_TEST_REQUIRE_KEYCHAIN"

// NoKeychain ends a test that needs the OS keychain where none is
// reachable (why): a skip, or a failure under RequireKeychainEnv=1.
func NoKeychain(t testing.TB, why string) {
	t.Helper()
	msg := "no OS keychain on this " + runtime.GOOS + " host (" + why + "); " +
		"on Linux run the tests through scripts/test.sh, which starts a throwaway Secret Service"
	if os.Getenv(RequireKeychainEnv) == "1" {
		t.Fatal(msg + "; " + RequireKeychainEnv + "=1 says there must be one" + KeyringLog())
		return
	}
	t.Skip(msg)
}
