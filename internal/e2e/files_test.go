package e2e

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/zauth-cli/zauth/internal/emulator"
)

func (h *harness) stateDir() string { return filepath.Join(h.dir, "state", "zauth") }

// TestLockSymlinkRefused: a symlink planted at a login's lock path makes
// the refresh that takes the lock fail with a clear message; the file it
// points to is not created and the stored login is untouched.
func TestLockSymlinkRefused(t *testing.T) {
	h := newHarness(t, emulator.Ziina, emulator.Options{})
	h.setupClient()
	h.seedExpired("default")
	before := h.rawRecord("default")
	locks := filepath.Join(h.stateDir(), "locks")
	if err := os.MkdirAll(locks, 0o700); err != nil {
		t.Fatal(err)
	}
	lock := filepath.Join(locks, "ziina.default.lock")
	victim := filepath.Join(t.TempDir(), "victim")
	if err := os.Symlink(victim, lock); err != nil {
		t.Fatal(err)
	}
	h.run("", "token", "ziina").expect(t, 5, lock, "symbolic link", "rm "+lock)
	if _, err := os.Lstat(victim); !os.IsNotExist(err) {
		t.Errorf("the link target was created: %v", err)
	}
	if h.emu.TokenRequests() != 0 || h.rawRecord("default") != before {
		t.Error("the refresh went ahead without its lock")
	}
}

// TestLooseStateDirRefused: a state directory (or its locks/) that other
// users can write is refused before it is used, with the fix.
func TestLooseStateDirRefused(t *testing.T) {
	h := newHarness(t, emulator.Ziina, emulator.Options{})
	h.setupClient()
	h.seedExpired("default")
	before := h.rawRecord("default")
	state := h.stateDir()
	locks := filepath.Join(state, "locks")
	if err := os.MkdirAll(locks, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(state, 0o777); err != nil {
		t.Fatal(err)
	}
	hint := "chmod 700 " + state
	h.run("", "refresh", "ziina").expect(t, 5, hint)
	h.run("", "token", "ziina").expect(t, 5, hint)
	if h.emu.TokenRequests() != 0 || h.rawRecord("default") != before {
		t.Error("a refresh ran in a world-writable state directory")
	}
	h.run("", "login", "ziina", "--scope", testScopes).expect(t, 5, hint)

	if err := os.Chmod(state, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(locks, 0o770); err != nil {
		t.Fatal(err)
	}
	h.run("", "refresh", "ziina").expect(t, 5, "chmod 700 "+locks)
	if err := os.Chmod(locks, 0o700); err != nil {
		t.Fatal(err)
	}
	h.mustRun("", "refresh", "ziina")
}
