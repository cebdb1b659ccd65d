package zauth

import (
	"errors"

	"github.com/zauth-cli/zauth/internal/exitcode"
)

// The kinds of failure, for errors.Is. The errors Client returns wrap
// their cause: errors.As still finds it (an *oauth2.RetrieveError, for
// one), and their text is the cause's.
var (
	// ErrLoginRequired: there is no stored login, or it can no longer be
	// refreshed (no refresh token, or the provider refused it). A person
	// must run `zauth login`.
	ErrLoginRequired = errors.New("zauth: login required")
	// ErrProvider: the provider or the network failed or answered
	// something unusable; retrying later may help.
	ErrProvider = errors.New("zauth: provider or network error")
	// ErrStorage: the keychain or the token file could not be used
	// (locked, unreachable, damaged).
	ErrStorage = errors.New("zauth: token storage error")
	// ErrConfig: the configuration is wrong: an unknown provider, a bad
	// profile name, a broken config file, a missing client id or secret.
	ErrConfig = errors.New("zauth: configuration error")
)

// kindError is a classified error: its kind for errors.Is, its cause for
// everything else.
type kindError struct {
	kind error
	err  error
}

func (e *kindError) Error() string        { return e.err.Error() }
func (e *kindError) Unwrap() error        { return e.err }
func (e *kindError) Is(target error) bool { return target == e.kind }

// classify gives err its kind from the exit code the lower layers chose
// for it; an error of no known kind (a cancelled context) is returned as
// it is.
func classify(err error) error {
	kind, ok := map[int]error{
		exitcode.LoginNeeded: ErrLoginRequired,
		exitcode.Provider:    ErrProvider,
		exitcode.Storage:     ErrStorage,
		exitcode.Usage:       ErrConfig,
	}[exitcode.Code(err)]
	if !ok {
		return err
	}
	return &kindError{kind: kind, err: err}
}
