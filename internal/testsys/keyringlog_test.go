package testsys

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestKeyringLog(t *testing.T) {
	t.Setenv(KeyringLogEnv, "")
	if got := KeyringLog(); got != "" {
		t.Errorf("outside with-keyring.sh: %q", got)
	}
	path := filepath.Join(t.TempDir(), "keyring.log")
	var lines []string
	for _, c := range "abcdefghij" {
		lines = append(lines, string(c))
	}
	os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o600)
	t.Setenv(KeyringLogEnv, path)
	if got, want := KeyringLog(), "\nthe keyring log ends:\n\tc\n\td\n\te\n\tf\n\tg\n\th\n\ti\n\tj"; got != want {
		t.Errorf("KeyringLog() = %q, want the last 8 lines %q", got, want)
	}
	os.Remove(path)
	if got := KeyringLog(); !strings.Contains(got, "cannot be read") {
		t.Errorf("a log that is gone: %q", got)
	}
}

// endRecorder notes how a test was ended instead of ending it.
type endRecorder struct {
	testing.TB
	fatal, skip string
}

func (r *endRecorder) Helper()           {}
func (r *endRecorder) Fatal(args ...any) { r.fatal = fmt.Sprint(args...) }
func (r *endRecorder) Skip(args ...any)  { r.skip = fmt.Sprint(args...) }

func TestNoKeychain(t *testing.T) {
	t.Setenv(KeyringLogEnv, "")
	t.Setenv(RequireKeychainEnv, "")
	r := &endRecorder{TB: t}
	NoKeychain(r, "no bus")
	if r.fatal != "" || !strings.Contains(r.skip, "(no bus)") {
		t.Errorf("without %s: fatal %q, skip %q; want a skip saying why", RequireKeychainEnv, r.fatal, r.skip)
	}
	t.Setenv(RequireKeychainEnv, "1")
	r = &endRecorder{TB: t}
	NoKeychain(r, "no bus")
	if r.skip != "" || !strings.Contains(r.fatal, "(no bus)") || !strings.Contains(r.fatal, RequireKeychainEnv+"=1") {
		t.Errorf("with %s=1: fatal %q, skip %q; want a failure", RequireKeychainEnv, r.fatal, r.skip)
	}
}
