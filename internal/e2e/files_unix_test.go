//go:build !windows

package e2e

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/zauth-cli/zauth/internal/emulator"
	"github.com/zauth-cli/zauth/internal/tokenstore"
)

// TestTokenFilePlantedFIFO: a FIFO at the opt-in token file's path, which
// every command also searches, hangs none of them: status lists the
// keychain's logins and token serves them; where the file is the storage
// asked for (--insecure-storage), logout fails at once with exit 5 naming
// it, and the keychain's login stays.
func TestTokenFilePlantedFIFO(t *testing.T) {
	h := newHarness(t, emulator.Ziina, emulator.Options{})
	h.seed(tokenstore.Record{AccessToken: "tok-valid", Scopes: []string{"read_account"}, Expiry: time.Now().Add(time.Hour)})
	h.mustRun("", "status") // the index, rebuilt from the keychain
	fifo := filepath.Join(h.stateDir(), "tokens.json")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	if r := h.mustRun("", "status"); !strings.Contains(r.stdout, "ziina") {
		t.Errorf("status does not list the keychain's login:\n%s", r.stdout)
	}
	if r := h.mustRun("", "token", "ziina"); r.stdout != "tok-valid\n" {
		t.Errorf("token printed %q", r.stdout)
	}
	h.run("", "--insecure-storage", "logout", "ziina").expect(t, 5, fifo, "not a regular file")
	if _, ok := h.record("default"); !ok {
		t.Error("the failed logout removed the keychain's login")
	}
}
