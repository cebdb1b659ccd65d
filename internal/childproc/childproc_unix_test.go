//go:build !windows

package childproc

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"
)

// TestStatus: a child's exit code is passed on; one killed by signal n
// gives 128+n, as in a shell.
func TestStatus(t *testing.T) {
	for script, want := range map[string]int{
		"exit 0": 0, "exit 3": 3, "exit 255": 255,
		"kill -TERM $$": 143, "kill -KILL $$": 137, "kill -INT $$": 130, "kill -HUP $$": 129,
	} {
		code, err := Run(context.Background(), exec.Command("sh", "-c", script))
		if err != nil || code != want {
			t.Errorf("%s: Run = %d, %v; want %d", script, code, err, want)
		}
	}
}

// TestRunForwardsSignals: a SIGTERM or SIGHUP sent to zauth alone (docker
// stop, systemd, a CI runner) reaches the child, whose status decides.
func TestRunForwardsSignals(t *testing.T) {
	for _, tc := range []struct {
		sig  syscall.Signal
		name string
	}{{syscall.SIGTERM, "TERM"}, {syscall.SIGHUP, "HUP"}} {
		pr, pw, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("sh", "-c", `sleep 60 >/dev/null 2>&1 & trap 'echo got-`+tc.name+`; kill $!; exit 7' `+tc.name+`; echo ready; wait`)
		cmd.Stdout = pw
		type res struct {
			code int
			err  error
		}
		done := make(chan res, 1)
		go func() {
			code, err := Run(context.Background(), cmd)
			done <- res{code, err}
		}()
		br := bufio.NewReader(pr)
		if line, _ := br.ReadString('\n'); line != "ready\n" {
			t.Fatalf("child: %q", line)
		}
		syscall.Kill(os.Getpid(), tc.sig) // Run catches it: the test lives on
		select {
		case r := <-done:
			rest, _ := br.ReadString('\n')
			if r.err != nil || r.code != 7 || rest != "got-"+tc.name+"\n" {
				t.Errorf("%s: Run = %d, %v; child said %q", tc.name, r.code, r.err, rest)
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("%s: the child did not end", tc.name)
		}
		pw.Close()
		pr.Close()
	}
}

func TestRunDoesNotStart(t *testing.T) {
	if _, err := Run(context.Background(), exec.Command("/nonexistent/cmd")); err == nil {
		t.Error("no error for a missing command")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	marker := t.TempDir() + "/ran"
	if _, err := Run(ctx, exec.Command("touch", marker)); err == nil {
		t.Error("no error after ctx ended")
	}
	if _, err := os.Stat(marker); err == nil {
		t.Error("the command ran after ctx ended")
	}
}
