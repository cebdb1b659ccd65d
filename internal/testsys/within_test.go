package testsys

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestWithinReturnsTheError(t *testing.T) {
	want := errors.New("boom")
	if err := Within(t, time.Second, "op", func() error { return want }); err != want {
		t.Errorf("Within = %v, want %v", err, want)
	}
}

// fatalRecorder notes a Fatalf instead of ending the goroutine, so that
// the timeout path can be observed from a test.
type fatalRecorder struct {
	testing.TB
	msg string
}

func (f *fatalRecorder) Helper() {}
func (f *fatalRecorder) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
}

func TestWithinFailsWhatHangs(t *testing.T) {
	rec := &fatalRecorder{TB: t}
	block := make(chan struct{})
	defer close(block)
	Within(rec, 10*time.Millisecond, "the keyring read", func() error { <-block; return nil })
	if !strings.HasPrefix(rec.msg, "the keyring read did not return within 10ms") {
		t.Errorf("a call that never returned: %q", rec.msg)
	}
}
