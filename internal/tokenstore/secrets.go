package tokenstore

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"

	"github.com/zauth-cli/zauth/internal/keychain"
	"github.com/zauth-cli/zauth/internal/paths"
)

// Names of the client secrets kept next to the logins.
const (
	ClientSecret = "client_secret" // Ziina: the password
	APIKey       = "api_key"       // ZBD: the project API key
)

// SecretNames lists every client secret name.
var SecretNames = []string{ClientSecret, APIKey}

// SecretKey is the keychain key of a client secret.
func SecretKey(provider, name string) string { return "client:" + provider + ":" + name }

// Secret returns a stored client secret, or "" when none is stored.
// A secret kept in the other storage place is found too, like a login.
func (s *Store) Secret(provider, name string) (string, error) {
	v, err := s.LookupSecret(provider, name)
	return v.Value, err
}

// StoredSecret is a client secret and the place it was found in.
type StoredSecret struct {
	Value   string
	Storage string // Keychain or File; "" when none is stored
	Place   string // the place's name for people ("OS keychain", "insecure file PATH")
}

// LookupSecret is Secret, saying where the secret was found: either place
// may hold it, whichever one this store writes to.
func (s *Store) LookupSecret(provider, name string) (StoredSecret, error) {
	var primaryErr error
	for i, p := range s.places() {
		v, err := p.b.Get(SecretKey(provider, name))
		if err == nil {
			return StoredSecret{Value: v, Storage: p.name, Place: p.b.Name()}, nil
		}
		if i == 0 && !errors.Is(err, keychain.ErrNotFound) {
			primaryErr = err // the other place's trouble is not the user's (see Load)
		}
	}
	return StoredSecret{}, primaryErr
}

// SetSecret stores a client secret.
func (s *Store) SetSecret(provider, name, value string) error {
	return s.Backend.Set(SecretKey(provider, name), value)
}

// DeleteSecrets removes every client secret of a provider, from both
// places: Secret finds them in either.
func (s *Store) DeleteSecrets(provider string) error {
	for _, name := range SecretNames {
		if err := s.deleteEverywhere(SecretKey(provider, name)); err != nil {
			return err
		}
	}
	return nil
}

// Open returns the store in the user's state directory: the OS keychain,
// or, only when insecure is set, an unencrypted 0600 file, announced on
// warn every time so that it is never chosen silently. The store's other
// warnings (see Store.Warn) are printed there too, a line each.
//
// The other place is searched too: a login kept in the file is found by
// every command without the flag, and logout removes it; only writing a
// new login there needs the opt-in.
func Open(insecure bool, warn io.Writer) *Store {
	dir := paths.StateDir()
	var kc keychain.Backend = &keychain.Chunked{Backend: keychain.NewOS(), Limit: keychain.DefaultChunkLimit()}
	f := &keychain.File{Path: filepath.Join(dir, "tokens.json")}
	file := &keychain.Chunked{Backend: f} // never splits; reads and removes split items alike
	say := func(err error) { fmt.Fprintf(warn, "zauth: warning: %v\n", err) }
	if insecure {
		fmt.Fprintf(warn, "zauth: warning: using insecure storage: secrets are kept unencrypted in %s (0600)\n", f.Path)
		return &Store{Backend: file, Storage: File, Alt: kc, Dir: dir, Warn: say}
	}
	return &Store{Backend: kc, Storage: Keychain, Alt: file, Dir: dir, Warn: say}
}
