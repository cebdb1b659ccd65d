package e2e

import (
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"github.com/zauth-cli/zauth/internal/testsys"
)

// The tests read and write the Secret Service straight through go-keyring,
// as another program would. go-keyring waits without limit on an unlock
// prompt, so each call is bounded: a keyring that stops answering fails the
// test that found it instead of hanging the run.
const keyringWait = 30 * time.Second

func keyringGet(t testing.TB, service, key string) (string, error) {
	t.Helper()
	var v string
	err := testsys.Within(t, keyringWait, "go-keyring's read of "+key, func() (err error) {
		v, err = keyring.Get(service, key)
		return err
	})
	return v, err
}

func keyringSet(t testing.TB, service, key, value string) {
	t.Helper()
	if err := testsys.Within(t, keyringWait, "go-keyring's write of "+key, func() error {
		return keyring.Set(service, key, value)
	}); err != nil {
		t.Fatalf("keyring: %v%s", err, testsys.KeyringLog())
	}
}

// keyringWipe deletes every item of the service.
func keyringWipe(t testing.TB, service string) {
	t.Helper()
	if err := testsys.Within(t, keyringWait, "go-keyring's delete of the items of "+service, func() error {
		return keyring.DeleteAll(service)
	}); err != nil {
		t.Errorf("keyring: %v%s", err, testsys.KeyringLog())
	}
}
