package testsys

import (
	"os"
	"strings"
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
