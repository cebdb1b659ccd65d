//go:build !windows

package cmd

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"
)

// TestSecondInterruptEndsStuckZauth: the first Ctrl-C cancels the run,
// which zauth answers by cleaning up. Should it be stuck instead (a
// keychain call has no timeout of its own), a second Ctrl-C ends it at once.
func TestSecondInterruptEndsStuckZauth(t *testing.T) {
	if os.Getenv("ZAUTH_TEST_STUCK") == "1" {
		ctx, stop := signalContext()
		defer stop()
		fmt.Println("ready")
		<-ctx.Done()
		fmt.Println("cancelled")
		time.Sleep(time.Minute) // stuck: no longer watching the context
		os.Exit(0)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestSecondInterruptEndsStuckZauth$")
	cmd.Env = append(os.Environ(), "ZAUTH_TEST_STUCK=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	lines := bufio.NewScanner(out)
	expect := func(want string) {
		t.Helper()
		if !lines.Scan() || lines.Text() != want {
			t.Fatalf("helper printed %q, want %q", lines.Text(), want)
		}
	}
	expect("ready")
	cmd.Process.Signal(syscall.SIGINT)
	expect("cancelled")
	cmd.Process.Signal(syscall.SIGINT)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGINT {
			t.Errorf("after the second Ctrl-C: %v, want death by SIGINT", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a second Ctrl-C did not end a stuck zauth")
	}
}
