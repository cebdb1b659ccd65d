package testsys

import (
	"testing"
	"time"
)

// Within runs op and returns its error, failing the test if op has not
// returned after d. For calls that can wait without limit, such as
// go-keyring's on a keyring whose unlock prompt nobody answers: the test
// fails, saying what hung, instead of the whole run timing out. op is left
// running.
func Within(t testing.TB, d time.Duration, what string, op func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- op() }()
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case err := <-done:
		return err
	case <-timer.C:
		t.Fatalf("%s did not return within %s%s", what, d, KeyringLog())
		return nil
	}
}
