// Package keychain stores secret strings by key: in the OS keychain (macOS
// Keychain, Windows Credential Manager, Secret Service on Linux) through
// go-keyring, with a timeout on every call so that a locked or hung keyring
// cannot hang a script.
package keychain

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/zalando/go-keyring"

	"github.com/zauth-cli/zauth/internal/exitcode"
	"github.com/zauth-cli/zauth/internal/textsafe"
)

// ErrNotFound means no secret is stored under the key.
var ErrNotFound = errors.New("not found")

// Backend is a secret store keyed by string.
type Backend interface {
	Get(key string) (string, error) // ErrNotFound when absent
	Set(key, value string) error
	Delete(key string) error // nil when absent
	Name() string
}

// DefaultService is the keychain service name all zauth items live under.
const DefaultService = "zauth"

// DefaultTimeout bounds each keychain call. Unlock prompts on a desktop can
// take a while, so it is generous; scripts can lower it.
const DefaultTimeout = 20 * time.Second

// OS is the OS keychain backend.
type OS struct {
	Service string
	Timeout time.Duration
}

// NewOS returns the OS keychain backend. ZAUTH_KEYRING_SERVICE changes the
// service name (to keep test or sandbox items apart); ZAUTH_KEYRING_TIMEOUT
// the per-call timeout.
func NewOS() *OS {
	k := &OS{Service: DefaultService, Timeout: DefaultTimeout}
	if s := os.Getenv("ZAUTH_KEYRING_SERVICE"); s != "" {
		k.Service = s
	}
	if d, err := time.ParseDuration(os.Getenv("ZAUTH_KEYRING_TIMEOUT")); err == nil && d > 0 {
		k.Timeout = d
	}
	return k
}

func (k *OS) Name() string { return "OS keychain" }

func (k *OS) Get(key string) (string, error) {
	var v string
	err := k.call("read", func() error {
		if val, found, ok := fastGet(k.Service, key); ok {
			if !found {
				return keyring.ErrNotFound
			}
			v = val
			return nil
		}
		var err error
		v, err = keyring.Get(k.Service, key)
		return err
	})
	return v, err
}

func (k *OS) Set(key, value string) error {
	return k.call("write", func() error { return keyring.Set(k.Service, key, value) })
}

func (k *OS) Delete(key string) error {
	err := k.call("delete", func() error { return keyring.Delete(k.Service, key) })
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	return err
}

// call runs op with the timeout. On timeout the goroutine is abandoned: the
// process is about to exit with an error anyway.
func (k *OS) call(what string, op func() error) error {
	if err := precheck(); err != nil {
		return unavailable(err)
	}
	done := make(chan error, 1)
	go func() { done <- op() }()
	timer := time.NewTimer(k.Timeout)
	defer timer.Stop()
	select {
	case err := <-done:
		return k.mapErr(what, err)
	case <-timer.C:
		return exitcode.New(exitcode.Storage, &StateError{State: TimedOut,
			Err: fmt.Errorf("the OS keychain did not answer a %s within %s (is it locked, or waiting for an unlock prompt?)", what, k.Timeout)})
	}
}

func (k *OS) mapErr(what string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, keyring.ErrNotFound):
		return ErrNotFound
	case IsLockedError(err):
		return locked(fmt.Errorf("cannot %s the OS keychain: it is locked", what))
	}
	return unavailable(fmt.Errorf("cannot %s the OS keychain: %s", what, textsafe.Line(err.Error())))
}

// IsLockedError reports whether a keychain error says the keychain is
// locked (and an unlock was refused or could not be asked for): the
// Secret Service's IsLocked error, go-keyring's failed unlock, macOS's
// "User interaction is not allowed".
func IsLockedError(err error) bool {
	msg := err.Error()
	for _, s := range []string{"failed to unlock", "IsLocked", "is locked", "User interaction is not allowed"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// State says why the OS keychain could not be used; the command line
// turns it into advice.
type State int

const (
	Unavailable State = iota // no keychain service to talk to
	Locked                   // locked, and an unlock was refused or impossible
	TimedOut                 // no answer in time (often an unanswered unlock prompt)
)

// StateError is a keychain that cannot be used right now (exit 5).
type StateError struct {
	State State
	Err   error
}

func (e *StateError) Error() string { return e.Err.Error() }
func (e *StateError) Unwrap() error { return e.Err }

// locked wraps err as exit 5: the keychain is locked.
func locked(err error) *exitcode.Error {
	return exitcode.New(exitcode.Storage, &StateError{State: Locked, Err: err})
}

// SessionBusError says why the platform's keychain service cannot be
// reached at all (on Linux: no D-Bus session bus), or nil.
func SessionBusError() error { return precheck() }

// unavailable wraps err as exit 5: there is no keychain to talk to.
func unavailable(err error) *exitcode.Error {
	return exitcode.New(exitcode.Storage, &StateError{State: Unavailable, Err: err})
}
