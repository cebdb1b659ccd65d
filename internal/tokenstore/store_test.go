package tokenstore

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/zauth-cli/zauth/internal/atomicfile"
	"github.com/zauth-cli/zauth/internal/exitcode"
	"github.com/zauth-cli/zauth/internal/filelock"
	"github.com/zauth-cli/zauth/internal/keychain"
)

func newStore(t *testing.T) *Store {
	dir := t.TempDir()
	return &Store{Backend: &keychain.File{Path: filepath.Join(dir, "tokens.json")}, Dir: dir}
}

func TestSaveLoadDelete(t *testing.T) {
	s := newStore(t)
	if _, err := s.Load("ziina", "default"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Load on empty store: %v", err)
	}
	exp := time.Now().Add(time.Hour).UTC().Truncate(time.Second)
	r := &Record{Provider: "ziina", Profile: "default", ClientID: "c", AccessToken: "a", RefreshToken: "r", TokenType: "Bearer", Scopes: []string{"x"}, Expiry: exp}
	if err := s.Save(r); err != nil {
		t.Fatal(err)
	}
	if err := s.Save(&Record{Provider: "zbd", Profile: "work", AccessToken: "b"}); err != nil {
		t.Fatal(err)
	}
	got, err := s.Load("ziina", "default")
	if err != nil || got.AccessToken != "a" || !got.Expiry.Equal(exp) || !got.Refreshable() {
		t.Fatalf("Load = %+v, %v", got, err)
	}
	idx, _ := s.List()
	if len(idx) != 2 || idx[0].Provider != "zbd" || idx[1].Provider != "ziina" || !idx[1].Refreshable || !idx[1].ExpiresAt.Equal(exp) {
		t.Fatalf("index: %+v", idx)
	}
	if err := s.Delete("ziina", "default"); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete("ziina", "default"); err != nil {
		t.Fatalf("deleting twice: %v", err)
	}
	if idx, _ := s.List(); len(idx) != 1 {
		t.Fatalf("index after delete: %+v", idx)
	}
}

func TestCorruptRecord(t *testing.T) {
	s := newStore(t)
	for _, data := range []string{"{", `{"v":99,"access_token":"a"}`, `{"v":1}`} {
		s.Backend.Set(TokenKey("ziina", "bad"), data)
		_, err := s.Load("ziina", "bad")
		var ce *CorruptError
		if !errors.As(err, &ce) || exitcode.Code(err) != exitcode.LoginNeeded {
			t.Errorf("%q: %v", data, err)
		}
	}
}

func TestExpiresWithin(t *testing.T) {
	now := time.Now()
	r := &Record{Expiry: now.Add(time.Minute)}
	if r.ExpiresWithin(now, 30*time.Second) || !r.ExpiresWithin(now, time.Minute) || !r.ExpiresWithin(now.Add(2*time.Minute), 0) {
		t.Error("ExpiresWithin")
	}
	if (&Record{}).ExpiresWithin(now, time.Hour) {
		t.Error("unknown expiry must count as valid")
	}
}

func TestLockTimeout(t *testing.T) {
	s := newStore(t)
	l, err := s.Lock(context.Background(), "ziina", "default")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := s.Lock(ctx, "ziina", "default"); exitcode.Code(err) != exitcode.Provider ||
		!strings.Contains(err.Error(), "another zauth process is refreshing, logging in or logging out ziina (profile default)") {
		t.Errorf("second lock: %v", err)
	}
	l2, err := s.Lock(context.Background(), "ziina", "other")
	if err != nil {
		t.Fatalf("another profile's lock is independent: %v", err)
	}
	l2.Release()
}

func TestDamagedChunksAreCorrupt(t *testing.T) {
	s := newStore(t)
	s.Backend = &keychain.Chunked{Backend: s.Backend, Limit: 10}
	if err := s.Save(&Record{Provider: "ziina", Profile: "p", AccessToken: "a-long-access-token"}); err != nil {
		t.Fatal(err)
	}
	s.Backend.(*keychain.Chunked).Backend.Set(TokenKey("ziina", "p"), "zauth-chunks:v1:1:x")
	_, err := s.Load("ziina", "p")
	var ce *CorruptError
	if !errors.As(err, &ce) || exitcode.Code(err) != exitcode.LoginNeeded || ce.Provider != "ziina" || ce.Profile != "p" {
		t.Errorf("Load = %v", err)
	}
}

func TestIndexWriteFails(t *testing.T) {
	s := newStore(t)
	os.Mkdir(s.indexPath(), 0o700) // the index cannot be replaced
	err := s.Save(&Record{Provider: "ziina", Profile: "default", AccessToken: "a"})
	var ie *IndexError
	if !errors.As(err, &ie) || exitcode.Code(err) != exitcode.Storage || !strings.Contains(err.Error(), "the token is stored") {
		t.Fatalf("Save = %v", err)
	}
	if r, err := s.Load("ziina", "default"); err != nil || r.AccessToken != "a" {
		t.Errorf("the login is not readable: %v", err)
	}
}

// TestIndexRebuiltFromStorage: a rebuild (logout --all) lists what
// storage holds, after logins were stored or removed behind the index's
// back.
func TestIndexRebuiltFromStorage(t *testing.T) {
	s := newStore(t)
	s.Save(&Record{Provider: "ziina", Profile: "gone", AccessToken: "g"})
	s.Backend.Delete(TokenKey("ziina", "gone"))                                                // removed, index not updated
	s.Backend.Set(TokenKey("zbd", "unlisted"), `{"v":1,"access_token":"u","scopes":["user"]}`) // stored, index not updated
	s.Backend.Set(TokenKey("zbd", "damaged"), "{")
	if err := s.Save(&Record{Provider: "ziina", Profile: "default", AccessToken: "a"}); err != nil {
		t.Fatal(err)
	}
	idx, err := s.Rebuild()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range idx {
		got = append(got, e.Provider+"/"+e.Profile+"/"+strings.Join(e.Scopes, ","))
	}
	if want := []string{"zbd/damaged/", "zbd/unlisted/user", "ziina/default/"}; !slices.Equal(got, want) {
		t.Errorf("index %v, want %v", got, want)
	}
}

// TestRecordV1Migrated: a record of the previous format is read (requested
// scopes = granted, no redirect URI) and written in the current one.
func TestRecordV1Migrated(t *testing.T) {
	s := newStore(t)
	s.Backend.Set(TokenKey("zbd", "default"), `{"v":1,"provider":"zbd","profile":"default","client_id":"c","access_token":"a","refresh_token":"r","token_type":"Bearer","scopes":["user","wallet"],"obtained_at":"2026-01-02T03:04:05Z"}`)
	r, err := s.Load("zbd", "default")
	if err != nil || r.Version != 1 || !slices.Equal(r.RequestedScopes, []string{"user", "wallet"}) || r.RedirectURI != "" || r.Storage != Keychain {
		t.Fatalf("Load = %+v, %v", r, err)
	}
	r.RedirectURI = "http://127.0.0.1:8976/callback"
	if err := s.Save(r); err != nil {
		t.Fatal(err)
	}
	raw, _ := s.Backend.Get(TokenKey("zbd", "default"))
	for _, want := range []string{`"v":2`, `"redirect_uri":"http://127.0.0.1:8976/callback"`, `"requested_scopes":["user","wallet"]`, `"refresh_token":"r"`} {
		if !strings.Contains(raw, want) {
			t.Errorf("saved record lacks %s: %s", want, raw)
		}
	}
	// An explicit empty request survives a round trip as empty, not absent.
	s.Save(&Record{Provider: "acme", Profile: "default", AccessToken: "a", Scopes: []string{"granted"}})
	if r, _ := s.Load("acme", "default"); r.RequestedScopes == nil || len(r.RequestedScopes) != 0 {
		t.Errorf("requested scopes %#v", r.RequestedScopes)
	}
}

// TestRecordWithStorageField: records once carried the place they were
// saved in ("storage"). It is no longer stored; one that says "file" but
// sits in the keychain (copied there by hand, or by an older zauth) is
// where it is, and the next save drops the field.
func TestRecordWithStorageField(t *testing.T) {
	s := newStore(t)
	s.Backend.Set(TokenKey("ziina", "default"), `{"v":2,"provider":"ziina","profile":"default","client_id":"c","access_token":"a","token_type":"Bearer","scopes":["x"],"obtained_at":"2026-01-02T03:04:05Z","redirect_uri":"http://127.0.0.1:8976/callback","requested_scopes":["x"],"storage":"file"}`)
	r, err := s.Load("ziina", "default")
	if err != nil || r.Storage != Keychain || r.AccessToken != "a" || r.RedirectURI != "http://127.0.0.1:8976/callback" {
		t.Fatalf("Load = %+v, %v", r, err)
	}
	if err := s.Save(r); err != nil {
		t.Fatal(err)
	}
	if raw, _ := s.Backend.Get(TokenKey("ziina", "default")); strings.Contains(raw, "storage") {
		t.Errorf("saved record keeps the place: %s", raw)
	}
}

// TestTwoPlaces: a login kept in the other place is found, refreshed in
// place, listed with its storage and removed; a new login replaces it.
func TestTwoPlaces(t *testing.T) {
	dir := t.TempDir()
	kc := &keychain.File{Path: filepath.Join(dir, "kc.json")}
	file := &keychain.File{Path: filepath.Join(dir, "tokens.json")}
	opted := &Store{Backend: file, Storage: File, Alt: kc, Dir: dir}
	s := &Store{Backend: kc, Storage: Keychain, Alt: file, Dir: dir}
	if err := opted.SaveLogin(&Record{Provider: "ziina", Profile: "f", AccessToken: "a"}); err != nil {
		t.Fatal(err)
	}
	r, err := s.Load("ziina", "f")
	if err != nil || r.Storage != File {
		t.Fatalf("Load = %+v, %v", r, err)
	}
	r.AccessToken = "b"
	s.Save(r) // a refresh
	if v, _ := file.Get(TokenKey("ziina", "f")); !strings.Contains(v, `"b"`) {
		t.Error("the refresh did not stay in the file")
	}
	if _, err := kc.Get(TokenKey("ziina", "f")); !errors.Is(err, keychain.ErrNotFound) {
		t.Error("the refresh wrote to the keychain")
	}
	if idx, _ := s.List(); len(idx) != 1 || idx[0].Storage != File {
		t.Errorf("index %+v", idx)
	}
	s.SaveLogin(&Record{Provider: "ziina", Profile: "f", AccessToken: "c"})
	if _, err := file.Get(TokenKey("ziina", "f")); !errors.Is(err, keychain.ErrNotFound) {
		t.Error("a new login left the old one in the file")
	}
	if err := s.Delete("ziina", "f"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Load("ziina", "f"); !errors.Is(err, ErrNotFound) {
		t.Errorf("after Delete: %v", err)
	}
}

// TestIndexCorruptOrMissing: List rebuilds the index from storage; where
// storage cannot be listed, from the last good copy.
func TestIndexCorruptOrMissing(t *testing.T) {
	for _, listable := range []bool{true, false} {
		s := newStore(t)
		if !listable {
			s.Backend = unlisted{s.Backend}
		}
		for _, p := range []string{"a", "b", "c"} {
			s.Save(&Record{Provider: "ziina", Profile: p, AccessToken: "x", Account: "acct"})
		}
		for _, damage := range []func(){
			func() { os.WriteFile(s.indexPath(), []byte("[{"), 0o600) },
			func() { os.Remove(s.indexPath()) },
		} {
			damage()
			idx, err := s.List()
			if err != nil || len(idx) != 3 || idx[2].Profile != "c" || idx[2].Account != "acct" {
				t.Errorf("listable=%v: List = %+v, %v", listable, idx, err)
			}
		}
	}
}

// unlisted hides a backend's listing, like macOS's keychain.
type unlisted struct{ keychain.Backend }

// TestOldIndexLearnsStorage: an index written before entries said where
// the login lives is rebuilt once, and a file login is labelled so.
func TestOldIndexLearnsStorage(t *testing.T) {
	dir := t.TempDir()
	file := &keychain.File{Path: filepath.Join(dir, "tokens.json")}
	s := &Store{Backend: unlisted{&keychain.File{Path: filepath.Join(dir, "kc.json")}}, Storage: Keychain, Alt: file, Dir: dir}
	file.Set(TokenKey("ziina", "f"), `{"v":1,"provider":"ziina","profile":"f","access_token":"a","scopes":["read_account"]}`)
	os.WriteFile(s.indexPath(), []byte(`[{"provider":"ziina","profile":"f","scopes":["read_account"]},{"provider":"zbd","profile":"k"}]`), 0o600)
	idx, err := s.List()
	if err != nil || len(idx) != 2 || idx[0].Storage != Keychain || idx[1].Storage != File {
		t.Fatalf("List = %+v, %v", idx, err)
	}
}

// TestIndexFollowsFileStore: status sees a file store changed behind the
// index's back (a login added or removed by hand, or by an older zauth).
func TestIndexFollowsFileStore(t *testing.T) {
	s := newStore(t)
	s.Storage = File
	s.Save(&Record{Provider: "ziina", Profile: "a", AccessToken: "x"})
	s.Backend.Delete(TokenKey("ziina", "a"))
	s.Backend.Set(TokenKey("zbd", "b"), `{"v":2,"provider":"zbd","profile":"b","access_token":"y","requested_scopes":[]}`)
	idx, err := s.List()
	if err != nil || len(idx) != 1 || idx[0].Provider != "zbd" || idx[0].Storage != File {
		t.Errorf("List = %+v, %v", idx, err)
	}
}

// TestUnreachableOtherPlace: with the file store chosen, a keychain that
// cannot be reached is neither an error for an absent login nor in the
// way of a present one.
func TestUnreachableOtherPlace(t *testing.T) {
	dir := t.TempDir()
	s := &Store{Backend: &keychain.File{Path: filepath.Join(dir, "tokens.json")}, Storage: File, Alt: broken{}, Dir: dir}
	if _, err := s.Load("ziina", "default"); !errors.Is(err, ErrNotFound) {
		t.Errorf("absent login: %v", err)
	}
	if v, err := s.Secret("ziina", ClientSecret); v != "" || err != nil {
		t.Errorf("absent secret: %q %v", v, err)
	}
	s.SaveLogin(&Record{Provider: "ziina", Profile: "default", AccessToken: "a"})
	if r, err := s.Load("ziina", "default"); err != nil || r.Storage != File {
		t.Errorf("Load = %+v, %v", r, err)
	}
	if err := s.Delete("ziina", "default"); err != nil {
		t.Errorf("Delete: %v", err)
	}
}

// broken is a keychain that cannot be reached.
type broken struct{}

func (broken) Name() string               { return "OS keychain" }
func (broken) Get(string) (string, error) { return "", noBus }
func (broken) Set(string, string) error   { return noBus }
func (broken) Delete(string) error        { return noBus }

var noBus = exitcode.New(exitcode.Storage, &keychain.StateError{State: keychain.Unavailable, Err: errors.New("no D-Bus")})

// lockedKeychain holds items but refuses to change them, as a locked
// Secret Service does.
type lockedKeychain struct{ keychain.Backend }

func (lockedKeychain) Delete(string) error {
	return exitcode.New(exitcode.Storage, &keychain.StateError{State: keychain.Locked, Err: errors.New("locked")})
}

// TestDeleteReachesBothPlaces: client secrets and logins are removed from
// whichever place holds them, since reads look in both; a place that holds
// the item but refuses to remove it fails the removal instead of leaving a
// usable login behind a successful logout.
func TestDeleteReachesBothPlaces(t *testing.T) {
	dir := t.TempDir()
	kc := &keychain.File{Path: filepath.Join(dir, "kc.json")}
	file := &keychain.File{Path: filepath.Join(dir, "tokens.json")}
	opted := &Store{Backend: file, Storage: File, Alt: kc, Dir: dir}
	s := &Store{Backend: kc, Storage: Keychain, Alt: file, Dir: dir}
	if err := opted.SetSecret("ziina", ClientSecret, "sekrit"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteSecrets("ziina"); err != nil {
		t.Fatal(err)
	}
	if v, err := s.Secret("ziina", ClientSecret); v != "" || err != nil {
		t.Errorf("after DeleteSecrets, Secret = %q, %v", v, err)
	}

	kc.Set(TokenKey("ziina", "default"), `{"v":2,"access_token":"a"}`)
	withLocked := &Store{Backend: file, Storage: File, Alt: lockedKeychain{kc}, Dir: dir}
	if err := withLocked.Delete("ziina", "default"); exitcode.Code(err) != exitcode.Storage {
		t.Errorf("Delete with a locked keychain holding the login: %v", err)
	}
	if _, err := withLocked.Load("ziina", "default"); err != nil {
		t.Errorf("the login is still there, and must still be found: %v", err)
	}
}

// listCounter is a keychain that counts how often it is listed: listing
// the Secret Service costs a D-Bus round trip per item.
type listCounter struct {
	*keychain.File
	lists int
}

func (c *listCounter) Keys() ([]string, error) { c.lists++; return c.File.Keys() }

// TestOrdinaryWritesDoNotList: with an index in place, saving and removing
// logins update it from the change alone, without listing the keychain;
// a missing or damaged index is still rebuilt by listing it.
func TestOrdinaryWritesDoNotList(t *testing.T) {
	s := newStore(t)
	kc := &listCounter{File: s.Backend.(*keychain.File)}
	s.Backend = kc
	if err := s.Save(&Record{Provider: "ziina", Profile: "a", AccessToken: "x"}); err != nil {
		t.Fatal(err)
	}
	kc.lists = 0
	for _, write := range []func() error{
		func() error { return s.Save(&Record{Provider: "ziina", Profile: "b", AccessToken: "y"}) },
		func() error { return s.Save(&Record{Provider: "ziina", Profile: "a", AccessToken: "z"}) },
		func() error { return s.SaveLogin(&Record{Provider: "zbd", Profile: "c", AccessToken: "w"}) },
		func() error { return s.Delete("ziina", "b") },
	} {
		if err := write(); err != nil {
			t.Fatal(err)
		}
	}
	if kc.lists != 0 {
		t.Errorf("ordinary writes listed the keychain %d times", kc.lists)
	}
	idx, err := s.List()
	if err != nil || len(idx) != 2 || idx[0].Profile != "c" || idx[1].Profile != "a" || kc.lists != 0 {
		t.Fatalf("List = %+v, %v (%d listings)", idx, err, kc.lists)
	}
	kc.File.Set(TokenKey("ziina", "behind"), `{"v":2,"provider":"ziina","profile":"behind","access_token":"b"}`)
	os.Remove(s.indexPath())
	if idx, err := s.List(); err != nil || len(idx) != 3 || kc.lists == 0 {
		t.Errorf("rebuild: %+v, %v (%d listings)", idx, err, kc.lists)
	}
}

// TestStaleMarkFollowsNoLink: marking the index stale after a failed write
// changes the index file only, never a file a link in its place points to.
func TestStaleMarkFollowsNoLink(t *testing.T) {
	dir := t.TempDir()
	victim := filepath.Join(dir, "victim")
	os.WriteFile(victim, []byte("keep"), 0o600)
	index := filepath.Join(dir, "index.json")
	if err := os.Symlink(victim, index); err != nil {
		t.Skip(err)
	}
	markStale(index)
	if got, _ := os.ReadFile(victim); string(got) != "keep" {
		t.Errorf("the link's target was written: %q", got)
	}
	os.Remove(index)
	os.WriteFile(index, []byte(`[]`), 0o600)
	markStale(index)
	if _, err := readIndex(index); err == nil {
		t.Error("a marked index still reads as good")
	}
}

// readOnlyDir makes dir read-only for this process: chmod 0500, or for
// root, which ignores permissions, the immutable attribute. Files already
// in it stay writable.
func readOnlyDir(t *testing.T, dir string) {
	t.Helper()
	if os.Geteuid() != 0 {
		os.Chmod(dir, 0o500)
		t.Cleanup(func() { os.Chmod(dir, 0o700) })
		return
	}
	if out, err := exec.Command("chattr", "+i", dir).CombinedOutput(); err != nil {
		t.Skipf("running as root, which ignores permissions, and cannot make %s immutable with chattr: %v %s", dir, err, out)
	}
	t.Cleanup(func() { exec.Command("chattr", "-i", dir).Run() })
}

func profiles(idx []Entry) []string {
	var out []string
	for _, e := range idx {
		out = append(out, e.Provider+"/"+e.Profile)
	}
	return out
}

// TestReadersWorkWhileIndexCannotBeSaved: after a write fails to update
// the index, commands that only read (status, inspect, doctor, logout
// --all's listing) still list every stored login: the rebuilt index is
// correct in memory, and saving it is only a cache. The store warns, in
// one line, that it could not save it.
func TestReadersWorkWhileIndexCannotBeSaved(t *testing.T) {
	for _, broken := range []string{"read-only directory", "directory at the index path"} {
		t.Run(broken, func(t *testing.T) {
			s := newStore(t)
			// The logins are stored outside the state directory.
			s.Backend = &keychain.File{Path: filepath.Join(t.TempDir(), "kc.json")}
			var warned []error
			s.Warn = func(err error) { warned = append(warned, err) }
			if err := s.Save(&Record{Provider: "ziina", Profile: "a", AccessToken: "x"}); err != nil {
				t.Fatal(err)
			}
			if broken == "read-only directory" {
				readOnlyDir(t, s.Dir)
			} else {
				os.Remove(s.indexPath())
				os.Mkdir(s.indexPath(), 0o700)
			}
			err := s.Save(&Record{Provider: "ziina", Profile: "b", AccessToken: "y"})
			if exitcode.Code(err) != exitcode.Storage {
				t.Fatalf("Save = %v (exit %d), want exit 5", err, exitcode.Code(err))
			}
			for name, list := range map[string]func() ([]Entry, error){"List": s.List, "Rebuild": s.Rebuild} {
				warned = nil
				idx, err := list()
				if err != nil || !slices.Equal(profiles(idx), []string{"ziina/a", "ziina/b"}) {
					t.Errorf("%s = %v, %v (exit %d)", name, profiles(idx), err, exitcode.Code(err))
				}
				var unsaved *UnsavedIndex
				if len(warned) != 1 || !errors.As(warned[0], &unsaved) || unsaved.Path != s.indexPath() ||
					strings.Contains(unsaved.Error(), "\n") || !strings.Contains(unsaved.Error(), "could not be saved") {
					t.Errorf("%s warned %q, want one line saying the index could not be saved", name, warned)
				}
			}
		})
	}
}

// TestChangeUnrecordedForLockIsRebuilt: a write that cannot take the index
// lock does not touch the index (its holder is writing it), and still
// forces the next reader to rebuild it, so that the login it stored is
// listed after the holder writes an index without it.
func TestChangeUnrecordedForLockIsRebuilt(t *testing.T) {
	s := newStore(t)
	defer func(d time.Duration) { indexLockWait = d }(indexLockWait)
	indexLockWait = 50 * time.Millisecond
	if err := s.Save(&Record{Provider: "ziina", Profile: "a", AccessToken: "x"}); err != nil {
		t.Fatal(err)
	}
	held, err := filelock.Acquire(context.Background(), filepath.Join(s.Dir, "index.lock"))
	if err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(s.indexPath())
	err = s.Save(&Record{Provider: "ziina", Profile: "b", AccessToken: "y"})
	if exitcode.Code(err) != exitcode.Storage || !strings.Contains(err.Error(), "the token is stored") {
		t.Errorf("Save while the index is locked = %v", err)
	}
	if after, _ := os.ReadFile(s.indexPath()); string(after) != string(before) {
		t.Errorf("the index was written without its lock: %q", after)
	}
	// The holder, which read the index before b was stored, writes it.
	if err := atomicfile.Write(s.indexPath(), before, 0o600); err != nil {
		t.Fatal(err)
	}
	held.Release()
	idx, err := s.List()
	if err != nil || !slices.Equal(profiles(idx), []string{"ziina/a", "ziina/b"}) {
		t.Errorf("List = %v, %v", profiles(idx), err)
	}
	// Rebuilt and saved: the next List needs no rebuild.
	kc := &listCounter{File: s.Backend.(*keychain.File)}
	s.Backend = kc
	if idx, err := s.List(); err != nil || len(idx) != 2 || kc.lists != 0 {
		t.Errorf("List after the rebuild = %v, %v (%d listings)", profiles(idx), err, kc.lists)
	}
}
