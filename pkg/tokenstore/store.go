package tokenstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/zauth-cli/zauth/pkg/atomicfile"
	"github.com/zauth-cli/zauth/pkg/exitcode"
	"github.com/zauth-cli/zauth/pkg/filelock"
	"github.com/zauth-cli/zauth/pkg/keychain"
)

// ErrNotFound means there is no stored login for the provider and profile.
var ErrNotFound = errors.New("no stored login")

// Store is the token store.
type Store struct {
	Backend keychain.Backend
	Dir     string // state directory: index and locks
}

// TokenKey is the keychain key of a login.
func TokenKey(provider, profile string) string { return "token:" + provider + ":" + profile }

// Load reads a login. A corrupt record is an error with the command that
// clears it; other logins are unaffected.
func (s *Store) Load(provider, profile string) (*Record, error) {
	key := TokenKey(provider, profile)
	data, err := s.Backend.Get(key)
	if errors.Is(err, keychain.ErrNotFound) {
		return nil, ErrNotFound
	}
	var damaged *keychain.DamagedError
	if errors.As(err, &damaged) {
		return nil, corrupt(&CorruptError{Key: key, Provider: provider, Profile: profile, Reason: damaged.Reason})
	}
	if err != nil {
		return nil, err
	}
	r, err := decode(key, data)
	if ce, ok := err.(*CorruptError); ok {
		ce.Provider, ce.Profile = provider, profile
		return nil, corrupt(ce)
	}
	return r, err
}

// corrupt is exit 3 with the commands that replace the damaged record.
func corrupt(ce *CorruptError) error {
	return exitcode.New(exitcode.LoginNeeded, ce).WithHint(fmt.Sprintf("remove it with `zauth logout %s --profile %s`, then %s",
		ce.Provider, ce.Profile, strings.TrimPrefix(exitcode.LoginHint(ce.Provider, ce.Profile), "run ")))
}

// IndexError means a login was written to (or removed from) the keychain
// but the index that lists logins could not be updated. The login itself
// works; the next index update that succeeds lists it again.
type IndexError struct {
	Deleted bool
	Storage string // the backend's name
	Path    string
	Err     error
}

func (e *IndexError) Error() string {
	what := "the token is stored in the " + e.Storage + ", but"
	if e.Deleted {
		what = "the login was removed from the " + e.Storage + ", but"
	}
	why := e.Err
	var pe *fs.PathError
	if errors.As(why, &pe) && pe.Path != e.Path {
		why = pe.Err // a temp file's name says nothing
	}
	return fmt.Sprintf("%s the login index %s could not be written: %v", what, e.Path, why)
}

func (e *IndexError) Unwrap() error { return e.Err }

// Save stores a login and updates the index.
func (s *Store) Save(r *Record) error {
	r.Version = RecordVersion
	data, err := json.Marshal(r)
	if err != nil {
		return err
	}
	if err := s.Backend.Set(TokenKey(r.Provider, r.Profile), string(data)); err != nil {
		return err
	}
	return s.updateIndex(false, func(idx []Entry) []Entry {
		idx = slices.DeleteFunc(idx, func(e Entry) bool { return e.Provider == r.Provider && e.Profile == r.Profile })
		return append(idx, entryOf(r))
	})
}

// Delete removes a login and its index entry. Removing an absent login is
// not an error.
func (s *Store) Delete(provider, profile string) error {
	if err := s.Backend.Delete(TokenKey(provider, profile)); err != nil {
		return err
	}
	return s.updateIndex(true, func(idx []Entry) []Entry {
		return slices.DeleteFunc(idx, func(e Entry) bool { return e.Provider == provider && e.Profile == profile })
	})
}

// Lock takes the cross-process lock of one login, waiting at most until ctx
// ends. Every writer of a login holds it (login, refresh, logout), so they
// happen one after the other; a refresh re-reads the record under it.
func (s *Store) Lock(ctx context.Context, provider, profile string) (*filelock.Lock, error) {
	l, err := filelock.Acquire(ctx, filepath.Join(s.Dir, "locks", safeName(provider)+"."+safeName(profile)+".lock"))
	switch {
	case errors.Is(err, filelock.ErrTimeout):
		return nil, exitcode.Newf(exitcode.Provider, "another zauth process is refreshing, logging in or logging out %s (profile %s) and has not finished; retry", provider, profile)
	case errors.Is(err, context.Canceled):
		return nil, exitcode.New(exitcode.Interrupted, errors.New("interrupted"))
	case exitcode.Code(err) == exitcode.Storage: // an unsafe lock path: the message names the fix
		return nil, err
	case err != nil:
		return nil, exitcode.New(exitcode.Storage, fmt.Errorf("cannot lock the %s login (profile %s): %w", provider, profile, err))
	}
	return l, nil
}

// Entry is the non-secret summary of a login kept in the index.
type Entry struct {
	Provider    string    `json:"provider"`
	Profile     string    `json:"profile"`
	ClientID    string    `json:"client_id"`
	Scopes      []string  `json:"scopes"`
	ExpiresAt   time.Time `json:"expires_at,omitzero"`
	Refreshable bool      `json:"refreshable"`
	ObtainedAt  time.Time `json:"obtained_at"`
}

func entryOf(r *Record) Entry {
	return Entry{Provider: r.Provider, Profile: r.Profile, ClientID: r.ClientID, Scopes: r.Scopes,
		ExpiresAt: r.Expiry, Refreshable: r.Refreshable(), ObtainedAt: r.ObtainedAt}
}

func (s *Store) indexPath() string { return filepath.Join(s.Dir, "index.json") }

// List returns the index, sorted by provider and profile. It reads no secret.
func (s *Store) List() ([]Entry, error) {
	data, err := os.ReadFile(s.indexPath())
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var idx []Entry
	if err := json.Unmarshal(data, &idx); err != nil {
		return nil, fmt.Errorf("the login index %s is corrupt (%v); remove it and log in again", s.indexPath(), err)
	}
	slices.SortFunc(idx, func(a, b Entry) int {
		return strings.Compare(a.Provider+"\x00"+a.Profile, b.Provider+"\x00"+b.Profile)
	})
	return idx, nil
}

// updateIndex changes the index under its lock. It runs after the keychain
// write it records, so a failure is an IndexError (exit 5).
func (s *Store) updateIndex(deleted bool, change func([]Entry) []Entry) error {
	fail := func(err error) error {
		hint := "`zauth token` works meanwhile; once the directory is writable again (free space, permissions), the next login, refresh or logout of this login updates the index"
		if deleted {
			hint = "once the directory is writable again (free space, permissions), run the logout again to update the index"
		}
		return exitcode.New(exitcode.Storage, &IndexError{Deleted: deleted, Storage: s.Backend.Name(), Path: s.indexPath(), Err: err}).WithHint(hint)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	lock, err := filelock.Acquire(ctx, filepath.Join(s.Dir, "index.lock"))
	if err != nil {
		return fail(fmt.Errorf("cannot lock it: %w", err))
	}
	defer lock.Release()
	idx, err := s.List()
	if err != nil {
		idx = nil // a corrupt index is rebuilt from what is written next
	}
	data, _ := json.MarshalIndent(s.reconcile(change(idx)), "", "  ")
	if err := atomicfile.Write(s.indexPath(), data, 0o600); err != nil {
		return fail(err)
	}
	return nil
}

// reconcile makes the index match the logins in storage, where storage can
// be listed: an earlier index write that failed after its keychain write
// (disk full, read-only) left a login unlisted, or a removed one listed.
// Best effort: without a listing the index is kept as it is.
func (s *Store) reconcile(idx []Entry) []Entry {
	l, ok := s.Backend.(keychain.Lister)
	if !ok {
		return idx
	}
	keys, err := l.Keys()
	if err != nil {
		return idx
	}
	stored := map[string]bool{}
	for _, k := range keys {
		if strings.HasPrefix(k, "token:") {
			stored[k] = true
		}
	}
	idx = slices.DeleteFunc(idx, func(e Entry) bool { return !stored[TokenKey(e.Provider, e.Profile)] })
	for _, e := range idx {
		delete(stored, TokenKey(e.Provider, e.Profile))
	}
	for _, k := range slices.Sorted(maps.Keys(stored)) {
		provider, profile, ok := strings.Cut(strings.TrimPrefix(k, "token:"), ":")
		if !ok {
			continue
		}
		r, err := s.Load(provider, profile)
		var ce *CorruptError
		switch {
		case err == nil:
			e := entryOf(r)
			e.Provider, e.Profile = provider, profile // the key is what logout and token use
			idx = append(idx, e)
		case errors.As(err, &ce):
			// Listed, so that logout --all removes it too.
			idx = append(idx, Entry{Provider: provider, Profile: profile})
		}
	}
	return idx
}

// safeName keeps lock file names portable.
func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return '_'
	}, s)
}
