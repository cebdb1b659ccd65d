package tokenstore

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"

	"github.com/zauth-cli/zauth/pkg/keychain"
	"github.com/zauth-cli/zauth/pkg/paths"
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
func (s *Store) Secret(provider, name string) (string, error) {
	v, err := s.Backend.Get(SecretKey(provider, name))
	if errors.Is(err, keychain.ErrNotFound) {
		return "", nil
	}
	return v, err
}

// SetSecret stores a client secret.
func (s *Store) SetSecret(provider, name, value string) error {
	return s.Backend.Set(SecretKey(provider, name), value)
}

// DeleteSecrets removes every client secret of a provider.
func (s *Store) DeleteSecrets(provider string) error {
	for _, name := range SecretNames {
		if err := s.Backend.Delete(SecretKey(provider, name)); err != nil {
			return err
		}
	}
	return nil
}

// Open returns the store in the user's state directory: the OS keychain,
// or, only when insecure is set, an unencrypted 0600 file, announced on
// warn every time so that it is never chosen silently.
func Open(insecure bool, warn io.Writer) *Store {
	dir := paths.StateDir()
	var b keychain.Backend = &keychain.Chunked{Backend: keychain.NewOS(), Limit: keychain.DefaultChunkLimit()}
	if insecure {
		f := &keychain.File{Path: filepath.Join(dir, "tokens.json")}
		fmt.Fprintf(warn, "zauth: warning: using insecure storage: secrets are kept unencrypted in %s (0600)\n", f.Path)
		b = &keychain.Chunked{Backend: f} // never splits; reads and removes split items alike
	}
	return &Store{Backend: b, Dir: dir}
}
