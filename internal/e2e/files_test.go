package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"go.yaml.in/yaml/v3"

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

// TestParallelClientSet: concurrent `client set` runs on different
// providers all land in the config file.
func TestParallelClientSet(t *testing.T) {
	h := newHarness(t, emulator.Generic, emulator.Options{})
	base := "# shared config\nproviders:\n"
	names := []string{"ziina", "zbd"}
	for _, n := range []string{"one", "two", "three"} {
		base += fmt.Sprintf("  %s:\n    auth_url: %s/authorize\n    token_url: %s/token\n", n, h.emu.URL, h.emu.URL)
		names = append(names, n)
	}
	for round := range 5 {
		h.writeConfig(base)
		var wg sync.WaitGroup
		results := make([]result, len(names))
		for i, n := range names {
			wg.Add(1)
			go func() {
				defer wg.Done()
				results[i] = h.run("", "client", "set", n, "--client-id", "id-"+n)
			}()
		}
		wg.Wait()
		for i, r := range results {
			if r.code != 0 {
				t.Fatalf("round %d: client set %s: exit %d: %s", round, names[i], r.code, r.stderr)
			}
		}
		var doc map[string]any
		text := h.readConfig()
		if err := yaml.Unmarshal([]byte(text), &doc); err != nil {
			t.Fatal(err)
		}
		for _, n := range names {
			section, _ := doc[n].(map[string]any)
			if section["client_id"] != "id-"+n {
				t.Fatalf("round %d: the client id of %s was lost:\n%s", round, n, text)
			}
		}
		if !strings.HasPrefix(text, "# shared config\n") {
			t.Fatalf("round %d: the comment was lost:\n%s", round, text)
		}
	}
}

// TestClientSetChangesOnlyWhatItIsGiven: a later `client set` without
// --username keeps the stored username (Ziina's Basic auth needs it);
// --username ” removes it.
func TestClientSetChangesOnlyWhatItIsGiven(t *testing.T) {
	h := newHarness(t, emulator.Ziina, emulator.Options{})
	h.setupClient()
	h.mustRun("", "client", "set", "ziina", "--client-id", clientID, "--redirect-uri", h.redirect)
	show := func() (out struct {
		ClientID string `json:"client_id"`
		Username string `json:"username"`
	}) {
		t.Helper()
		if err := json.Unmarshal([]byte(h.mustRun("", "client", "show", "ziina", "--json").stdout), &out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	if got := show(); got.Username != ziinaUser {
		t.Fatalf("username after a set without --username: %+v\n%s", got, h.readConfig())
	}
	// The kept username still logs in.
	h.run("", "login", "ziina", "--scope", testScopes).expect(t, 0, "Logged in to Ziina")

	h.mustRun("", "client", "set", "ziina", "--username", "")
	if got := show(); got.Username != clientID || got.ClientID != clientID || strings.Contains(h.readConfig(), "username") {
		t.Errorf("after --username '': %+v\n%s", got, h.readConfig())
	}
}

// TestClientSetCreatesConfigFile: --config naming a file that does not
// exist yet creates it.
func TestClientSetCreatesConfigFile(t *testing.T) {
	h := newHarness(t, emulator.ZBD, emulator.Options{})
	file := filepath.Join(t.TempDir(), "new.yaml")
	h.mustRun("", "--config", file, "client", "set", "zbd", "--client-id", "cid")
	if data, err := os.ReadFile(file); err != nil || string(data) != "zbd:\n  client_id: cid\n" {
		t.Errorf("%s: %q %v", file, data, err)
	}
	h.run("", "--config", filepath.Join(t.TempDir(), "typo.yaml"), "token", "zbd").expect(t, 2, "typo.yaml")
}
