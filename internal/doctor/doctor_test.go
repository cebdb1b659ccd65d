package doctor

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zauth-cli/zauth/internal/keychain"
	"github.com/zauth-cli/zauth/internal/provider"
	"github.com/zauth-cli/zauth/internal/tokenstore"
)

// TestStateDirFollowsZauthsRule: doctor fails exactly the state
// directories zauth refuses (group- or world-writable), and passes one
// zauth uses as it is (0755 is fine: others may read, not change).
func TestStateDirFollowsZauthsRule(t *testing.T) {
	for mode, want := range map[os.FileMode]Status{0o700: OK, 0o755: OK, 0o770: Fail, 0o777: Fail} {
		dir := filepath.Join(t.TempDir(), "zauth")
		os.Mkdir(dir, 0o700)
		os.Chmod(dir, mode)
		got := Env{Store: &tokenstore.Store{Dir: dir}}.stateDir()
		if len(got) != 1 || got[0].Status != want {
			t.Errorf("mode %04o: %+v, want %s", mode, got, want)
		}
	}
	if got := (Env{Store: &tokenstore.Store{Dir: filepath.Join(t.TempDir(), "absent")}}).stateDir(); len(got) != 0 {
		t.Errorf("absent directory: %+v", got)
	}
}

func TestFileStore(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "tokens.json")
	os.WriteFile(path, []byte("{}"), 0o644)
	if got := fileStore(path); got[len(got)-1].Status != Fail || !strings.Contains(got[len(got)-1].Fix, "chmod 600") {
		t.Errorf("0644 token file: %+v", got)
	}
	os.Chmod(path, 0o600)
	if got := fileStore(path); got[len(got)-1].Status != OK {
		t.Errorf("0600 token file: %+v", got)
	}
	link := filepath.Join(dir, "link.json")
	os.Symlink(path, link)
	if got := fileStore(link); got[len(got)-1].Status != Fail {
		t.Errorf("symlinked token file: %+v", got)
	}
}

// TestIndexAgainstStorage: a listed login with no record is a warning, a
// damaged one a failure, with the command that clears it.
func TestIndexAgainstStorage(t *testing.T) {
	dir := t.TempDir()
	kc := &keychain.File{Path: filepath.Join(dir, "tokens.json")}
	s := &tokenstore.Store{Backend: kc, Dir: dir}
	for _, p := range []string{"gone", "bad"} {
		if err := s.Save(&tokenstore.Record{Provider: "ziina", Profile: p, AccessToken: "a"}); err != nil {
			t.Fatal(err)
		}
	}
	kc.Delete(tokenstore.TokenKey("ziina", "gone"))
	kc.Set(tokenstore.TokenKey("ziina", "bad"), "{not json")
	got := Env{Store: s}.index()
	var text []string
	for _, r := range got {
		text = append(text, string(r.Status)+" "+r.Detail+" | "+r.Fix)
	}
	all := strings.Join(text, "\n")
	if !strings.Contains(all, "warn lists ziina (profile gone), but no token is stored for it | zauth logout ziina --profile gone") ||
		!strings.Contains(all, "fail the stored ziina login (profile bad) is damaged") || !strings.Contains(all, "zauth logout ziina --profile bad") {
		t.Errorf("index checks:\n%s", all)
	}
}

// TestClockSkew: a provider whose Date differs from ours by more than the
// allowance gets a warning; within it, none.
func TestClockSkew(t *testing.T) {
	offset := 0 * time.Second
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Date", time.Now().Add(offset).UTC().Format(http.TimeFormat))
	}))
	defer srv.Close()
	p := &provider.Provider{Name: "acme", DisplayName: "Acme", AuthURL: srv.URL + "/authorize"}
	e := Env{HTTP: srv.Client(), MaxSkew: time.Minute, Now: time.Now}
	for _, tc := range []struct {
		offset time.Duration
		warn   bool
	}{{0, false}, {10 * time.Minute, true}, {-10 * time.Minute, true}} {
		offset = tc.offset
		got := e.reachable(t.Context(), p)
		warned := len(got) == 2 && got[1].Status == Warn && strings.Contains(got[1].Detail, "clock differs")
		if got[0].Status != OK || warned != tc.warn {
			t.Errorf("offset %s: %+v", tc.offset, got)
		}
	}
}

// TestIndexThatCannotBeSaved: when the login index cannot be written (here
// a directory sits at its path), every command still lists the logins from
// storage, so doctor's index check used to pass. It is a warning, with the
// fix, and the store's own stderr warning is not printed besides.
func TestIndexThatCannotBeSaved(t *testing.T) {
	dir := t.TempDir()
	var stderr strings.Builder
	s := &tokenstore.Store{Backend: &keychain.File{Path: filepath.Join(t.TempDir(), "tokens.json")}, Dir: dir,
		Warn: func(err error) { stderr.WriteString(err.Error()) }}
	if err := s.Save(&tokenstore.Record{Provider: "ziina", Profile: "default", AccessToken: "a"}); err != nil {
		t.Fatal(err)
	}
	index := filepath.Join(dir, "index.json")
	os.Remove(index)
	os.Mkdir(index, 0o700)
	got := Env{Store: s}.index()
	if len(got) != 1 || got[0].Status != Warn || !strings.Contains(got[0].Detail, "could not be saved") ||
		!strings.Contains(got[0].Detail, "1 stored login") || got[0].Fix == "" {
		t.Errorf("index check: %+v", got)
	}
	if stderr.Len() != 0 {
		t.Errorf("the store also warned on stderr: %q", stderr.String())
	}
}
