package testsys

import (
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
