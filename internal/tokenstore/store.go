package tokenstore

import (
	"cmp"
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

	"github.com/zauth-cli/zauth/internal/atomicfile"
	"github.com/zauth-cli/zauth/internal/exitcode"
	"github.com/zauth-cli/zauth/internal/filelock"
	"github.com/zauth-cli/zauth/internal/keychain"
	"github.com/zauth-cli/zauth/internal/paths"
)

// ErrNotFound means there is no stored login for the provider and profile.
var ErrNotFound = errors.New("no stored login")

// Storage places a login can live in.
const (
	Keychain = "keychain" // the OS keychain
	File     = "file"     // the opt-in unencrypted file
)

// Store is the token store. New logins go to Backend; logins already kept
// in Alt (the other storage place) are found, refreshed in place and
// removed too, so that every command sees one set of logins.
type Store struct {
	Backend keychain.Backend
	Storage string // Backend's place: Keychain (the default) or File
	Alt     keychain.Backend
	Dir     string      // state directory: index and locks
	Warn    func(error) // what is worth a warning but fails nothing, e.g. an *UnsavedIndex (nil: dropped)
}

// place is one storage place.
type place struct {
	name string
	b    keychain.Backend
}

func (s *Store) places() []place {
	ps := []place{{cmp.Or(s.Storage, Keychain), s.Backend}}
	if s.Alt != nil {
		other := Keychain
		if ps[0].name == Keychain {
			other = File
		}
		ps = append(ps, place{other, s.Alt})
	}
	return ps
}

// TokenKey is the keychain key of a login.
func TokenKey(provider, profile string) string { return "token:" + provider + ":" + profile }

// Load reads a login from the first place that has it, and sets its
// Storage. A corrupt record is an error with the command that clears it;
// other logins are unaffected. A place that cannot be reached (no
// keychain on a headless host) does not hide a login kept in another.
func (s *Store) Load(provider, profile string) (*Record, error) {
	var primaryErr error
	for i, p := range s.places() {
		r, err := s.loadFrom(p, provider, profile)
		if err == nil || !errors.Is(err, ErrNotFound) && exitcode.Code(err) == exitcode.LoginNeeded {
			return r, err
		}
		if i == 0 && !errors.Is(err, ErrNotFound) {
			primaryErr = err
		}
	}
	// Only the place zauth was asked to use speaks for "not there": a
	// keychain that cannot be reached does not turn a file user's "not
	// logged in" into a storage error.
	return nil, cmp.Or(primaryErr, ErrNotFound)
}

func (s *Store) loadFrom(p place, provider, profile string) (*Record, error) {
	key := TokenKey(provider, profile)
	data, err := p.b.Get(key)
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
	if err == nil {
		r.Storage = p.name
	}
	return r, err
}

// corrupt is exit 3: the damaged record must be removed and replaced by a
// new login.
func corrupt(ce *CorruptError) error { return exitcode.New(exitcode.LoginNeeded, ce) }

// IndexError means a login was written to (or removed from) the keychain
// but the index that lists logins could not be updated. The login itself
// works; the failed update marked the index stale, so that the next
// command that reads or writes it rebuilds it from storage.
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
	return fmt.Sprintf("%s the login index %s could not be written: %v", what, e.Path, e.cause())
}

// cause is why the index could not be written.
func (e *IndexError) cause() error {
	var pe *fs.PathError
	if errors.As(e.Err, &pe) && pe.Path != e.Path {
		return pe.Err // a temp file's name says nothing
	}
	return e.Err
}

func (e *IndexError) Unwrap() error { return e.Err }

// Save stores a login where it lives (r.Storage; a new login: Backend)
// and updates the index.
func (s *Store) Save(r *Record) error {
	ps := s.places()
	target := ps[0]
	for _, p := range ps {
		if p.name == r.Storage {
			target = p
		}
	}
	r.Version, r.Storage = RecordVersion, target.name
	if r.RequestedScopes == nil {
		r.RequestedScopes = []string{}
	}
	data, err := json.Marshal(r)
	if err != nil {
		return err
	}
	if err := target.b.Set(TokenKey(r.Provider, r.Profile), string(data)); err != nil {
		return err
	}
	_, err = s.updateIndex(false, false, func(idx []Entry) []Entry {
		idx = slices.DeleteFunc(idx, func(e Entry) bool { return e.Provider == r.Provider && e.Profile == r.Profile })
		return append(idx, entryOf(r))
	})
	return err
}

// SaveLogin stores a new login in Backend, replacing the profile's
// previous login wherever it was kept.
func (s *Store) SaveLogin(r *Record) error {
	r.Storage = s.places()[0].name
	err := s.Save(r)
	var ie *IndexError
	if err != nil && !errors.As(err, &ie) {
		return err // not stored: the previous login stays
	}
	for _, p := range s.places()[1:] {
		// Best effort: a place that cannot be reached now (no keychain on
		// a headless host) could not be read from either.
		if _, gerr := p.b.Get(TokenKey(r.Provider, r.Profile)); !errors.Is(gerr, keychain.ErrNotFound) {
			_ = p.b.Delete(TokenKey(r.Provider, r.Profile))
		}
	}
	return err
}

// Delete removes a login from every place and its index entry. Removing
// an absent login is not an error.
func (s *Store) Delete(provider, profile string) error {
	if err := s.deleteEverywhere(TokenKey(provider, profile)); err != nil {
		return err
	}
	_, err := s.updateIndex(true, false, func(idx []Entry) []Entry {
		return slices.DeleteFunc(idx, func(e Entry) bool { return e.Provider == provider && e.Profile == profile })
	})
	return err
}

// deleteEverywhere removes key from both places. A keychain that cannot be
// reached at all (no D-Bus on a headless host) holds nothing zauth could
// have read, so that error alone does not fail the removal from the file;
// any other failure (locked, timed out) does: the item may still be there.
func (s *Store) deleteEverywhere(key string) error {
	for _, p := range s.places() {
		err := p.b.Delete(key)
		var st *keychain.StateError
		if err != nil && !(errors.As(err, &st) && st.State == keychain.Unavailable) {
			return err
		}
	}
	return nil
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

// Entry is the non-secret summary of a login kept in the index: what
// status shows, so that status reads no secret.
type Entry struct {
	Provider        string    `json:"provider"`
	Profile         string    `json:"profile"`
	Account         string    `json:"account,omitempty"`
	ClientID        string    `json:"client_id"`
	Scopes          []string  `json:"scopes"`
	RequestedScopes []string  `json:"requested_scopes,omitempty"`
	RedirectURI     string    `json:"redirect_uri,omitempty"`
	ExpiresAt       time.Time `json:"expires_at,omitzero"`
	Refreshable     bool      `json:"refreshable"`
	ObtainedAt      time.Time `json:"obtained_at"`
	Storage         string    `json:"storage,omitempty"` // "" in indexes written before it was kept: the keychain
	Damaged         bool      `json:"damaged,omitempty"` // the record cannot be read
}

// EntryOf is the index entry of a record.
func EntryOf(r *Record) Entry { return entryOf(r) }

func entryOf(r *Record) Entry {
	return Entry{Provider: r.Provider, Profile: r.Profile, Account: r.Account, ClientID: r.ClientID, Scopes: r.Scopes,
		RequestedScopes: r.RequestedScopes, RedirectURI: r.RedirectURI, ExpiresAt: r.Expiry,
		Refreshable: r.Refreshable(), ObtainedAt: r.ObtainedAt, Storage: r.Storage}
}

func (s *Store) indexPath() string  { return filepath.Join(s.Dir, "index.json") }
func (s *Store) backupPath() string { return filepath.Join(s.Dir, "index.last-good.json") }

// List returns the logins, sorted by provider and profile, from the index:
// it reads no secret. The index is a cache: when it is missing, corrupt or
// marked stale (a change could not be recorded in it), it is rebuilt from
// the storage that can be listed (the Secret Service, the file) and, for
// storage that cannot be (macOS, Windows), from its last good copy, so
// that no login is dropped silently.
func (s *Store) List() ([]Entry, error) {
	idx, err := readIndex(s.indexPath())
	if err == nil && !s.staleMarked() && !slices.ContainsFunc(idx, func(e Entry) bool { return e.Storage == "" }) && s.agrees(idx) {
		return idx, nil
	}
	// Missing, corrupt, stale, behind storage, or written before entries
	// said where the login lives (the file store shared the index).
	return s.Rebuild()
}

// agrees reports whether the index lists exactly the logins the file
// store holds. The keychain is not asked: a D-Bus round trip would double
// the cost of status; Rebuild (a missing or damaged index, logout --all)
// compares the index with it instead.
func (s *Store) agrees(idx []Entry) bool {
	listed := map[string]bool{}
	for _, e := range idx {
		listed[TokenKey(e.Provider, e.Profile)] = true
	}
	for _, p := range s.places() {
		if p.name != File {
			continue
		}
		stored, err := storedTokens(p.b)
		if err != nil {
			continue
		}
		for k := range stored {
			if _, _, ok := strings.Cut(strings.TrimPrefix(k, "token:"), ":"); ok && !listed[k] {
				return false // stored, not listed
			}
		}
		for _, e := range idx {
			if e.Storage == p.name && !stored[TokenKey(e.Provider, e.Profile)] {
				return false // listed, no longer stored
			}
		}
	}
	return true
}

// Cached returns the index as it is (or its last good copy), touching
// no storage and writing nothing: for shell completion.
func (s *Store) Cached() []Entry {
	idx, err := readIndex(s.indexPath())
	if err != nil {
		idx, _ = readIndex(s.backupPath())
	}
	return idx
}

// Rebuild rewrites the index from storage (see List) and returns it.
// Saving it is only a cache: when it cannot be saved (a read-only or full
// state directory, its lock held too long), the list rebuilt in memory is
// returned all the same, with a warning, and it stays marked stale.
func (s *Store) Rebuild() ([]Entry, error) {
	idx, err := s.updateIndex(false, true, nil)
	if err == nil {
		return idx, nil
	}
	var ie *IndexError
	if !errors.As(err, &ie) {
		return nil, err
	}
	if idx == nil { // the lock was not obtained: rebuild without saving
		idx = s.rebuilt(nil, true)
	}
	if s.Warn != nil {
		s.Warn(&UnsavedIndex{Path: ie.Path, Err: ie.cause()})
	}
	return idx, nil
}

// UnsavedIndex is the warning that the login index could not be saved:
// the logins are listed from storage all the same.
type UnsavedIndex struct {
	Path string
	Err  error
}

func (e *UnsavedIndex) Error() string {
	return fmt.Sprintf("the login index %s could not be saved (%v); it is rebuilt from storage until it can be saved", e.Path, e.Err)
}

func (e *UnsavedIndex) Unwrap() error { return e.Err }

// readIndex reads an index file; a missing one is os.ErrNotExist.
// Anything but a regular file (a link, a FIFO) reads as damaged, without
// being followed or blocking: the next write replaces it. So does one in a
// directory others can change, where it may be their plant (as the token
// file there, see keychain.File): the logins are listed from storage.
func readIndex(path string) ([]Entry, error) {
	if err := paths.CheckPrivateDir(filepath.Dir(path)); err != nil {
		return nil, err
	}
	data, err := atomicfile.ReadRegular(path)
	if err != nil {
		return nil, err
	}
	var idx []Entry
	if err := json.Unmarshal(data, &idx); err != nil {
		return nil, fmt.Errorf("the login index %s is corrupt (%v)", path, err)
	}
	return sortEntries(idx), nil
}

func sortEntries(idx []Entry) []Entry {
	slices.SortFunc(idx, func(a, b Entry) int {
		return strings.Compare(a.Provider+"\x00"+a.Profile, b.Provider+"\x00"+b.Profile)
	})
	return idx
}

// updateIndex changes the index under its lock and returns it. It runs
// after the storage write it records, so a failure is an IndexError (exit
// 5), with the index as it would have been written when the lock was
// obtained. The index plus the change is the new index; storage is listed
// (reconcile) only to rebuild it: when asked, when it is missing, damaged
// or marked stale, or when it was written before entries said where each
// login lives. Listing the Secret Service costs a D-Bus round trip per
// item, on every login and refresh.
//
// A change that could not be recorded marks the index stale (markStale),
// so that the next reader or writer rebuilds it; only a rebuild that was
// saved removes the mark.
func (s *Store) updateIndex(deleted, rebuild bool, change func([]Entry) []Entry) ([]Entry, error) {
	fail := func(idx []Entry, locked bool, err error) ([]Entry, error) {
		s.markStale(locked)
		return idx, exitcode.New(exitcode.Storage, &IndexError{Deleted: deleted, Storage: s.Backend.Name(), Path: s.indexPath(), Err: err})
	}
	ctx, cancel := context.WithTimeout(context.Background(), indexLockWait)
	defer cancel()
	lock, err := filelock.Acquire(ctx, filepath.Join(s.Dir, "index.lock"))
	if err != nil {
		return fail(nil, false, fmt.Errorf("cannot lock it: %w", err))
	}
	defer lock.Release()
	// Taken before storage is listed: a change that fails to be recorded
	// after this lists in this rebuild or marks the index anew.
	stale, taken := s.takeStale()
	idx := s.rebuilt(change, rebuild || stale)
	data, _ := json.MarshalIndent(idx, "", "  ")
	if err := atomicfile.Write(s.indexPath(), data, 0o600); err != nil {
		return fail(idx, true, err)
	}
	if taken {
		_ = os.Remove(s.takenPath()) // the index is in line with storage now
	}
	_ = atomicfile.Write(s.backupPath(), data, 0o600) // best effort: the index itself is written
	return idx, nil
}

// rebuilt is the index plus change (nil: none), rebuilt from storage when
// rebuild is set or the index needs it (missing, damaged, written before
// entries said where each login lives). It writes nothing.
func (s *Store) rebuilt(change func([]Entry) []Entry, rebuild bool) []Entry {
	idx, err := readIndex(s.indexPath())
	if err != nil {
		// Missing or corrupt: start from the last good copy, which
		// keeps what storage that cannot be listed holds.
		idx, _ = readIndex(s.backupPath())
		rebuild = true
	}
	rebuild = rebuild || slices.ContainsFunc(idx, func(e Entry) bool { return e.Storage == "" })
	if change != nil {
		idx = change(idx)
	}
	if rebuild {
		idx = s.reconcile(idx)
	}
	return sortEntries(idx)
}

// indexLockWait is how long a write waits for another process's index
// update.
var indexLockWait = 10 * time.Second

// The stale marker: an empty file whose presence says the index lacks a
// change. Creating it needs no lock (it is never written, only created
// and removed), so a process that could not take the index lock marks the
// index without writing it under its holder's feet. A rebuild renames it
// to the taken path before listing storage and removes that once the
// rebuilt index is saved; a process killed in between leaves it for the
// next one.
func (s *Store) stalePath() string { return filepath.Join(s.Dir, "index.stale") }
func (s *Store) takenPath() string { return filepath.Join(s.Dir, "index.stale.taken") }

// staleMarked reports whether anything is at either marker path. Lstat
// neither follows nor opens what is there.
func (s *Store) staleMarked() bool {
	for _, p := range []string{s.stalePath(), s.takenPath()} {
		if _, err := os.Lstat(p); err == nil || !errors.Is(err, fs.ErrNotExist) {
			return true
		}
	}
	return false
}

// takeStale, under the index lock, claims the marker for a rebuild: stale
// says whether the index is marked, taken whether the claim is this
// process's to remove once the index is saved.
func (s *Store) takeStale() (stale, taken bool) {
	if err := os.Rename(s.stalePath(), s.takenPath()); err == nil {
		return true, true
	}
	if _, err := os.Lstat(s.takenPath()); err == nil {
		return true, true // left by a rebuild that did not finish
	}
	return s.staleMarked(), false
}

// markStale records that the index lacks a change. The marker is created,
// never opened if it exists: O_EXCL follows no link and opens no FIFO.
// Where even that fails (a read-only directory), the index itself is
// damaged in place, which needs neither space nor a writable directory,
// but only by the holder of its lock: anyone else's write would be
// undone by the holder's.
func (s *Store) markStale(locked bool) {
	f, err := os.OpenFile(s.stalePath(), os.O_WRONLY|os.O_CREATE|os.O_EXCL|atomicfile.NoFollow, 0o600)
	if err == nil {
		f.Close()
		return
	}
	if errors.Is(err, fs.ErrExist) || s.staleMarked() {
		return
	}
	if locked {
		markStale(s.indexPath())
	}
}

// markStale damages the index in place by overwriting its first byte: the
// next reader or writer takes it as damaged and rebuilds it. Only the
// regular file itself: never what a link planted there points to, and
// never blocking on a FIFO.
func markStale(path string) {
	fi, err := os.Lstat(path)
	if err != nil || !fi.Mode().IsRegular() {
		return
	}
	f, err := os.OpenFile(path, os.O_WRONLY|atomicfile.NoFollow, 0)
	if err != nil {
		return
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && os.SameFile(fi, st) {
		_, _ = f.WriteAt([]byte{0}, 0)
	}
}

// storedTokens is the set of token keys b holds.
func storedTokens(b keychain.Backend) (map[string]bool, error) {
	keys, err := listTokens(b)
	if err != nil {
		return nil, err
	}
	stored := make(map[string]bool, len(keys))
	for _, k := range keys {
		stored[k] = true
	}
	return stored, nil
}

// reconcile makes the index match the logins in storage, for each place
// that can be listed: the index was lost or damaged, or logins were
// stored or removed behind its back. The entries of a
// place that cannot be listed are kept as they are.
func (s *Store) reconcile(idx []Entry) []Entry {
	for _, p := range s.places() {
		stored, err := storedTokens(p.b)
		if err != nil {
			continue
		}
		for i, e := range idx {
			if e.Storage == "" && stored[TokenKey(e.Provider, e.Profile)] {
				idx[i].Storage = p.name // an index written before it said where
			}
		}
		mine := func(e Entry) bool { return cmp.Or(e.Storage, Keychain) == p.name }
		idx = slices.DeleteFunc(idx, func(e Entry) bool { return mine(e) && !stored[TokenKey(e.Provider, e.Profile)] })
		for _, e := range idx {
			if mine(e) {
				delete(stored, TokenKey(e.Provider, e.Profile))
			}
		}
		for _, k := range slices.Sorted(maps.Keys(stored)) {
			provider, profile, ok := strings.Cut(strings.TrimPrefix(k, "token:"), ":")
			if !ok || slices.ContainsFunc(idx, func(e Entry) bool { return e.Provider == provider && e.Profile == profile }) {
				continue // a key zauth does not write, or listed from another place
			}
			r, err := s.loadFrom(p, provider, profile)
			switch {
			case err == nil:
				e := entryOf(r)
				e.Provider, e.Profile = provider, profile // the key is what logout and token use
				idx = append(idx, e)
			case exitcode.Code(err) == exitcode.LoginNeeded:
				// Listed, so that logout --all removes it too.
				idx = append(idx, Entry{Provider: provider, Profile: profile, Storage: p.name, Damaged: true})
			}
		}
	}
	for i := range idx {
		if idx[i].Storage == "" {
			idx[i].Storage = Keychain // not in any place that can be listed
		}
	}
	return idx
}

// listTokens lists the keys of the logins a backend holds, where it can
// list its keys.
func listTokens(b keychain.Backend) ([]string, error) {
	l, ok := b.(keychain.Lister)
	if !ok {
		return nil, errors.ErrUnsupported
	}
	keys, err := l.Keys()
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(keys, func(k string) bool { return !strings.HasPrefix(k, "token:") }), nil
}

// Sweep removes every login record left in the storage that can be
// listed, also those whose key zauth cannot parse: logout --all leaves
// nothing of zauth's tokens behind. It returns the keys it removed.
func (s *Store) Sweep() ([]string, error) {
	var removed []string
	for _, p := range s.places() {
		keys, err := listTokens(p.b)
		if err != nil {
			continue
		}
		for _, k := range keys {
			if err := p.b.Delete(k); err != nil {
				return removed, err
			}
			removed = append(removed, k)
		}
	}
	if len(removed) > 0 {
		_, err := s.updateIndex(true, true, nil)
		return removed, err
	}
	return removed, nil
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
