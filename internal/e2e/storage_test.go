package e2e

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/zauth-cli/zauth/internal/emulator"
	"github.com/zauth-cli/zauth/internal/keychain"
	"github.com/zauth-cli/zauth/internal/tokenstore"
)

// storage is one of zauth's two token stores, opened from the test the way
// zauth opens it, but splitting records over 1,000-byte items as it does on
// Windows: the Secret Service never needs to.
type storage struct {
	name    string
	backend func(h *harness) keychain.Backend
	env     []string
}

var storages = []storage{
	{"secret-service", func(h *harness) keychain.Backend {
		return &keychain.OS{Service: h.service, Timeout: 10 * time.Second}
	}, nil},
	{"file", func(h *harness) keychain.Backend {
		return &keychain.File{Path: filepath.Join(h.stateDir(), "tokens.json")}
	}, []string{"ZAUTH_STORAGE=file"}},
}

// store opens the harness's token store from the test process.
func (h *harness) store(st storage) (*tokenstore.Store, keychain.Lister) {
	raw := st.backend(h)
	h.t.Cleanup(func() { // remove what wipeKeychain does not know of: chunks
		keys, _ := raw.(keychain.Lister).Keys()
		for _, k := range keys {
			raw.Delete(k)
		}
	})
	s := &tokenstore.Store{Backend: &keychain.Chunked{Backend: raw, Limit: 1000}, Dir: h.stateDir()}
	if len(st.env) > 0 {
		s.Storage = tokenstore.File
	}
	return s, raw.(keychain.Lister)
}

// keysOf lists every stored key of a login: its record and all chunks.
func keysOf(t *testing.T, l keychain.Lister, provider, profile string) []string {
	t.Helper()
	keys, err := l.Keys()
	if err != nil {
		t.Fatal(err)
	}
	key := tokenstore.TokenKey(provider, profile)
	return slices.DeleteFunc(keys, func(k string) bool { return k != key && !strings.HasPrefix(k, key+"#") })
}

// bigRecord is a login too large for one 1,000-byte item.
func bigRecord(profile string) *tokenstore.Record {
	return &tokenstore.Record{Provider: "ziina", Profile: profile, ClientID: clientID,
		AccessToken: strings.Repeat("a", 2500), RefreshToken: "r-" + profile, TokenType: "Bearer",
		Scopes: []string{"read_account"}, Expiry: time.Now().Add(time.Hour).UTC(), ObtainedAt: time.Now().UTC()}
}

// damages break a stored, split record "default" in one way each.
var damages = []struct {
	name   string
	damage func(t *testing.T, raw keychain.Backend, parts []string)
	reason string
}{
	{"malformed header", func(t *testing.T, raw keychain.Backend, _ []string) {
		set(t, raw, tokenstore.TokenKey("ziina", "default"), "zauth-chunks:v1:three:not-a-checksum")
	}, "chunk header is malformed"},
	{"missing chunk", func(t *testing.T, raw keychain.Backend, parts []string) {
		if err := raw.Delete(parts[1]); err != nil {
			t.Fatal(err)
		}
	}, "is missing"},
	{"tampered chunk", func(t *testing.T, raw keychain.Backend, parts []string) {
		set(t, raw, parts[1], strings.Repeat("b", 1000))
	}, "checksum"},
	{"not JSON", func(t *testing.T, raw keychain.Backend, _ []string) {
		set(t, raw, tokenstore.TokenKey("ziina", "default"), "{not json")
	}, "not valid JSON"},
	{"split, not JSON", func(t *testing.T, raw keychain.Backend, _ []string) {
		c := &keychain.Chunked{Backend: raw, Limit: 1000}
		set(t, c, tokenstore.TokenKey("ziina", "default"), strings.Repeat("x", 2500))
	}, "not valid JSON"},
}

func set(t *testing.T, b keychain.Backend, key, value string) {
	t.Helper()
	if err := b.Set(key, value); err != nil {
		t.Fatal(err)
	}
}

// TestDamagedRecords: a damaged login makes token, refresh and inspect exit
// 3 with the commands that repair it; status and the other logins carry
// on; logout removes the record and every chunk of it.
func TestDamagedRecords(t *testing.T) {
	for _, st := range storages {
		for _, d := range damages {
			t.Run(st.name+"/"+d.name, func(t *testing.T) {
				h := newHarness(t, emulator.Ziina, emulator.Options{})
				h.setenv(st.env...)
				s, lister := h.store(st)
				for _, prof := range []string{"default", "work"} {
					if err := s.Save(bigRecord(prof)); err != nil {
						t.Fatal(err)
					}
				}
				keys := keysOf(t, lister, "ziina", "default")
				if len(keys) < 4 {
					t.Fatalf("the record was not split: %v", keys)
				}
				d.damage(t, st.backend(h), keys[1:])

				for _, args := range [][]string{{"token", "ziina"}, {"refresh", "ziina"}, {"inspect", "ziina"}} {
					r := h.run("", args...)
					r.expect(t, 3, "ziina login (profile default) is damaged", d.reason,
						"`zauth logout ziina --profile default`, then `zauth login ziina`")
					// The error is the last thing printed, on one line.
					if line := errorLine(r.stderr); line == "" || !strings.HasSuffix(r.stderr, line+"\n") {
						t.Errorf("%v: the error is not one line:\n%s", args, r.stderr)
					}
				}
				if got := h.statusProfiles(); !slices.Equal(got, []string{"ziina/default", "ziina/work"}) {
					t.Errorf("status: %v", got)
				}
				if r := h.run("", "token", "ziina", "--profile", "work"); r.code != 0 || strings.TrimSpace(r.stdout) != bigRecord("work").AccessToken {
					t.Errorf("the intact profile stopped working: exit %d\n%s", r.code, r.stderr)
				}

				h.run("", "logout", "ziina").expect(t, 0, "Removed a damaged login for Ziina (profile default)", "zauth login ziina")
				if left := keysOf(t, lister, "ziina", "default"); len(left) != 0 {
					t.Errorf("logout left %v", left)
				}
				if got := h.statusProfiles(); !slices.Equal(got, []string{"ziina/work"}) {
					t.Errorf("status after logout: %v", got)
				}
				h.run("", "token", "ziina").expect(t, 3, "not logged in to ziina")
				if len(keysOf(t, lister, "ziina", "work")) < 4 {
					t.Error("logout removed chunks of another profile")
				}
			})
		}
	}
}

// TestLogoutAllWithDamagedRecord: logout --all removes the damaged login
// and the intact ones alike.
func TestLogoutAllWithDamagedRecord(t *testing.T) {
	for _, st := range storages {
		t.Run(st.name, func(t *testing.T) {
			h := newHarness(t, emulator.Ziina, emulator.Options{})
			h.setenv(st.env...)
			s, lister := h.store(st)
			for _, prof := range []string{"default", "work"} {
				if err := s.Save(bigRecord(prof)); err != nil {
					t.Fatal(err)
				}
			}
			set(t, st.backend(h), tokenstore.TokenKey("ziina", "default"), "zauth-chunks:v1:")
			h.run("", "logout", "--all").expect(t, 0, "Removed a damaged login for Ziina (profile default)", "Logged out of Ziina (profile work)")
			for _, prof := range []string{"default", "work"} {
				if left := keysOf(t, lister, "ziina", prof); len(left) != 0 {
					t.Errorf("logout --all left %v", left)
				}
			}
			if got := h.statusProfiles(); len(got) != 0 {
				t.Errorf("status after logout --all: %v", got)
			}
		})
	}
}

// errorLine is zauth's error message: the stderr line it starts with
// "zauth: " (the file store adds a warning line before it).
func errorLine(stderr string) string {
	for line := range strings.Lines(stderr) {
		if strings.HasPrefix(line, "zauth: ") && !strings.HasPrefix(line, "zauth: warning:") {
			return strings.TrimSuffix(line, "\n")
		}
	}
	return ""
}

// login logs in with the scripted browser.
func (h *harness) login(args ...string) result {
	return h.run("", append([]string{"login", "ziina", "--scope", "read_account+offline_access"}, args...)...)
}

// checkIndexFailure: a login whose index write fails exits 5 saying the
// token is stored; the login works; status, inspect and doctor list it
// while the index cannot be saved; once the state directory is writable
// again, the next write (of another login) lists it again.
func checkIndexFailure(t *testing.T, h *harness, breakDir, repair func(), why string) {
	t.Helper()
	h.setupClient()
	h.login().expect(t, 0, "Logged in to Ziina")
	breakDir()
	r := h.login("--profile", "work")
	r.expect(t, 5, "the token is stored in the OS keychain, but the login index", "could not be written", why)
	if line := errorLine(r.stderr); line == "" || !strings.HasSuffix(r.stderr, "\n"+line+"\n") {
		t.Errorf("the error is not one last line:\n%s", r.stderr)
	}
	t.Logf("%s", errorLine(r.stderr))
	rec, ok := h.record("work")
	if !ok {
		t.Fatal("the new login is not in the keychain")
	}
	if got := h.mustRun("", "token", "ziina", "--profile", "work").stdout; strings.TrimSpace(got) != rec.AccessToken {
		t.Errorf("token --profile work printed another token")
	}
	// Logging out while the index cannot be written: removed, still listed.
	h.run("", "logout", "ziina").expect(t, 5, "the login was removed from the OS keychain, but the login index")
	if _, ok := h.record("default"); ok {
		t.Error("logout left the record")
	}
	// Commands that only read still list what is stored, and say the
	// index could not be saved.
	st := h.run("", "status", "--json")
	var got []struct{ Provider, Profile string }
	json.Unmarshal([]byte(st.stdout), &got)
	if st.code != 0 || len(got) != 1 || got[0].Profile != "work" || !strings.Contains(st.stderr, "zauth: warning: the login index") ||
		!strings.Contains(st.stderr, "could not be saved") {
		t.Errorf("status while the index cannot be saved: exit %d, %+v\n%s", st.code, got, st.stderr)
	}
	// inspect without a provider finds the one stored login the same way.
	in := h.run("", "inspect", "--json")
	var one struct{ Provider, Profile string }
	json.Unmarshal([]byte(in.stdout), &one)
	if in.code != 0 || one.Profile != "work" || !strings.Contains(in.stderr, "could not be saved") {
		t.Errorf("inspect while the index cannot be saved: exit %d, %+v\n%s", in.code, one, in.stderr)
	}
	if lines, _, _ := doctorReport(t, h, "--offline"); !hasLine(lines, "warn login index:", "could not be saved", "1 stored login(s)", "writable") {
		t.Errorf("doctor while the index cannot be saved:\n%s", strings.Join(lines, "\n"))
	}
	repair()
	h.mustRun("", "login", "ziina", "--profile", "other", "--scope", "read_account")
	if got := h.statusProfiles(); !slices.Equal(got, []string{"ziina/other", "ziina/work"}) {
		t.Errorf("status after the next write: %v, want other and work", got)
	}
}

// TestIndexWriteFailsDiskFull: the state directory is a full tmpfs.
func TestIndexWriteFailsDiskFull(t *testing.T) {
	h := newHarness(t, emulator.Ziina, emulator.Options{})
	dir := h.stateDir()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=256k,mode=0700", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs on the state directory (needs root or CAP_SYS_ADMIN): %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", dir).Run() })
	filler := filepath.Join(dir, "filler")
	checkIndexFailure(t, h, func() {
		f, err := os.Create(filler)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		for {
			if _, err := f.Write(make([]byte, 4096)); err != nil {
				if !errors.Is(err, syscall.ENOSPC) {
					t.Fatal(err)
				}
				return
			}
		}
	}, func() { os.Remove(filler) }, "no space left on device")
}

// TestIndexWriteFailsReadOnly: the state directory is made read-only after
// the first login (for root, which ignores permissions, immutable).
func TestIndexWriteFailsReadOnly(t *testing.T) {
	h := newHarness(t, emulator.Ziina, emulator.Options{})
	dir := h.stateDir()
	lock, unlock := func() { os.Chmod(dir, 0o500) }, func() { os.Chmod(dir, 0o700) }
	why := "permission denied"
	if os.Geteuid() == 0 {
		why = "operation not permitted"
		lock = func() {
			if out, err := exec.Command("chattr", "+i", dir).CombinedOutput(); err != nil {
				t.Skipf("cannot make the state directory immutable with chattr: %v %s", err, out)
			}
		}
		unlock = func() { exec.Command("chattr", "-i", dir).Run() }
	}
	t.Cleanup(unlock)
	checkIndexFailure(t, h, lock, unlock, why)
}
