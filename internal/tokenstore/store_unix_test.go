//go:build !windows

package tokenstore

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/zauth-cli/zauth/internal/filelock"
	"github.com/zauth-cli/zauth/internal/keychain"
)

// TestStaleMarkerPlantedIsSafe: whatever is planted at the marker's path
// (a link, a FIFO) is neither followed nor blocks zauth: it only forces a
// rebuild, which removes it.
func TestStaleMarkerPlantedIsSafe(t *testing.T) {
	for _, plant := range []string{"link", "fifo"} {
		t.Run(plant, func(t *testing.T) {
			s := newStore(t)
			defer func(d time.Duration) { indexLockWait = d }(indexLockWait)
			indexLockWait = 50 * time.Millisecond
			if err := s.Save(&Record{Provider: "ziina", Profile: "a", AccessToken: "x"}); err != nil {
				t.Fatal(err)
			}
			victim := filepath.Join(t.TempDir(), "victim")
			os.WriteFile(victim, []byte("keep"), 0o600)
			marker := filepath.Join(s.Dir, "index.stale")
			plantIt := func() error { return syscall.Mkfifo(marker, 0o600) }
			if plant == "link" {
				plantIt = func() error { return os.Symlink(victim, marker) }
			}
			if err := plantIt(); err != nil {
				t.Fatal(err)
			}
			held, err := filelock.Acquire(context.Background(), filepath.Join(s.Dir, "index.lock"))
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Save(&Record{Provider: "ziina", Profile: "b", AccessToken: "y"}); err == nil {
				t.Error("Save recorded its login without the index lock") // cannot lock: marks
			}
			held.Release()
			if got, _ := os.ReadFile(victim); string(got) != "keep" {
				t.Errorf("the link's target was written: %q", got)
			}
			if idx, err := s.List(); err != nil || len(idx) != 2 {
				t.Errorf("List = %v, %v", profiles(idx), err)
			}
			if _, err := os.Lstat(marker); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("the rebuild left the marker: %v", err)
			}
		})
	}
}

// TestFilePlantedInLooseStateDir: in a state directory other users can
// write (XDG_STATE_HOME in a shared place, a chmod gone wrong), whatever
// sits at the token file's path may be theirs. A keychain user's commands
// search that file too: a login or client secret planted there must not be
// served, or a script would send its data with the planter's token. Nor
// are the logins a planted index lists shown (status, completion).
func TestFilePlantedInLooseStateDir(t *testing.T) {
	dir := t.TempDir()
	kc := &keychain.File{Path: filepath.Join(t.TempDir(), "kc.json")}
	s := &Store{Backend: kc, Storage: Keychain, Alt: &keychain.File{Path: filepath.Join(dir, "tokens.json")}, Dir: dir}
	planted := `{"token:ziina:default":"{\"v\":2,\"provider\":\"ziina\",\"profile\":\"default\",\"access_token\":\"planted\"}",` +
		`"client:ziina:client_secret":"planted"}`
	if err := os.WriteFile(filepath.Join(dir, "tokens.json"), []byte(planted), 0o600); err != nil {
		t.Fatal(err)
	}
	index := `[{"provider":"ziina","profile":"planted","client_id":"c","scopes":[],"refreshable":false,"obtained_at":"2026-01-02T03:04:05Z","storage":"keychain"}]`
	for _, name := range []string{"index.json", "index.last-good.json"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(index), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	if r, err := s.Load("ziina", "default"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Load = %+v, %v; want ErrNotFound", r, err)
	}
	if v, err := s.Secret("ziina", ClientSecret); v != "" || err != nil {
		t.Errorf("Secret = %q, %v; want none", v, err)
	}
	for _, e := range s.Cached() {
		t.Errorf("listed %s/%s", e.Provider, e.Profile)
	}
	if idx, _ := s.List(); len(idx) != 0 {
		t.Errorf("List = %v", profiles(idx))
	}
}
