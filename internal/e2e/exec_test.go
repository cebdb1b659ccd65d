//go:build unix

package e2e

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/zauth-cli/zauth/internal/emulator"
	"github.com/zauth-cli/zauth/internal/tokenstore"
)

// execRun is a `zauth exec` running in the background, in a session of its
// own: no controlling terminal, like under docker, systemd or a CI runner.
type execRun struct {
	cmd    *exec.Cmd
	out    *bufio.Reader // the child's stdout
	stderr *os.File      // a file: waiting for zauth never waits for a pipe
	done   chan struct{}
}

func (h *harness) startExec(t *testing.T, args ...string) *execRun {
	t.Helper()
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr, err := os.CreateTemp(t.TempDir(), "stderr")
	if err != nil {
		t.Fatal(err)
	}
	r := &execRun{cmd: exec.Command(zauthBin, append([]string{"exec"}, args...)...), out: bufio.NewReader(pr), stderr: stderr, done: make(chan struct{})}
	r.cmd.Env = h.env
	r.cmd.Stdout, r.cmd.Stderr = pw, stderr
	r.cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { r.cmd.Wait(); close(r.done) }()
	pw.Close() // the child has its copy
	t.Cleanup(func() { r.cmd.Process.Kill(); <-r.done; pr.Close(); stderr.Close() })
	return r
}

func (r *execRun) errText() string {
	b, _ := os.ReadFile(r.stderr.Name())
	return string(b)
}

// line reads the child's next line of output.
func (r *execRun) line(t *testing.T) string {
	t.Helper()
	got := make(chan string, 1)
	go func() { s, _ := r.out.ReadString('\n'); got <- strings.TrimSpace(s) }()
	select {
	case s := <-got:
		return s
	case <-time.After(30 * time.Second):
		t.Fatal("no output from the child")
		return ""
	}
}

// wait waits (boundedly) for zauth to end and returns its exit code.
func (r *execRun) wait(t *testing.T) int {
	t.Helper()
	select {
	case <-r.done:
	case <-time.After(30 * time.Second):
		t.Fatalf("zauth did not end after its child was signalled\nstderr: %s", r.errText())
	}
	return r.cmd.ProcessState.ExitCode()
}

func seededExec(t *testing.T) *harness {
	h := newHarness(t, emulator.Ziina, emulator.Options{})
	h.seed(tokenstore.Record{AccessToken: "exec-token-S3CRET", Expiry: time.Now().Add(time.Hour)})
	return h
}

// TestExecForwardsSignals: SIGTERM (docker stop, systemd), SIGINT (a CI
// runner cancelling) and SIGHUP sent to zauth reach the child; zauth waits
// for it and exits with its status, printing nothing of its own: a child
// that exits 1 after the signal gives 1, not "interrupted" (130).
func TestExecForwardsSignals(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP} {
		name := map[syscall.Signal]string{syscall.SIGTERM: "TERM", syscall.SIGINT: "INT", syscall.SIGHUP: "HUP"}[sig]
		t.Run(name, func(t *testing.T) {
			h := seededExec(t)
			r := h.startExec(t, "ziina", "--", "sh", "-c",
				`sleep 60 >/dev/null 2>&1 & trap 'echo got-`+name+`; kill $!; exit 1' `+name+`; echo ready; wait`)
			if l := r.line(t); l != "ready" {
				t.Fatalf("child: %q", l)
			}
			r.cmd.Process.Signal(sig)
			if code := r.wait(t); code != 1 {
				t.Errorf("exit %d, want the child's 1", code)
			}
			if l := r.line(t); l != "got-"+name {
				t.Errorf("the child said %q, want got-%s", l, name)
			}
			if s := r.errText(); s != "" {
				t.Errorf("zauth printed: %s", s)
			}
		})
	}
}

// TestExecSignalEndsChild: a child that does not catch SIGTERM dies of it,
// and zauth exits 128+15 like a shell would.
func TestExecSignalEndsChild(t *testing.T) {
	h := seededExec(t)
	r := h.startExec(t, "ziina", "--", "sh", "-c", "echo ready; exec sleep 60")
	if l := r.line(t); l != "ready" {
		t.Fatalf("child: %q", l)
	}
	r.cmd.Process.Signal(syscall.SIGTERM)
	if code := r.wait(t); code != 143 {
		t.Errorf("exit %d, want 143\nstderr: %s", code, r.errText())
	}
}

// TestExecChildKilledBySignal: 128+n for a child that a signal killed.
func TestExecChildKilledBySignal(t *testing.T) {
	h := seededExec(t)
	for script, want := range map[string]int{"kill -KILL $$": 137, "kill -TERM $$": 143, "exit 5": 5} {
		r := h.run("", "exec", "ziina", "--", "sh", "-c", script)
		if r.code != want || r.stderr != "" {
			t.Errorf("%s: exit %d, want %d; stderr %q", script, r.code, want, r.stderr)
		}
	}
}

// secretEnv are zauth's own secrets, in the environment for zauth alone.
var secretEnv = []string{
	"ZAUTH_ZIINA_CLIENT_SECRET=" + ziinaPass,
	"ZAUTH_ZBD_CLIENT_SECRET=" + zbdSecret,
	"ZAUTH_ZBD_API_KEY=" + zbdAPIKey,
	"ZAUTH_ACME_CLIENT_SECRET=" + acmeSecret,
	"ZAUTH_MY-IDP_API_KEY=idp-key-S3CRET",
}

func checkNoSecretEnv(t *testing.T, env string) {
	t.Helper()
	for _, kv := range secretEnv {
		name, value, _ := strings.Cut(kv, "=")
		if strings.Contains(env, name) || strings.Contains(env, value) {
			t.Errorf("the child's environment has %s", name)
		}
	}
}

// TestExecScrubsZauthSecrets: the child gets the access token, not the
// client secrets or API keys zauth itself was given.
func TestExecScrubsZauthSecrets(t *testing.T) {
	h := seededExec(t)
	h.setenv(secretEnv...)
	h.setenv(outerToken) // zauth exec run inside another one
	r := h.mustRun("", "exec", "ziina", "--", "env")
	for _, want := range []string{"ZAUTH_ACCESS_TOKEN=exec-token-S3CRET", "ZAUTH_ZIINA_REDIRECT_URI="} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("the child's environment lacks %s", want)
		}
	}
	checkNoSecretEnv(t, r.stdout)
	if strings.Contains(r.stdout, outerToken) {
		t.Error("the child's environment has the outer zauth exec's token")
	}
}

// outerToken is what a zauth started by `zauth exec` finds in its
// environment: the token exec gave its command.
const outerToken = "ZAUTH_ACCESS_TOKEN=outer-token-S3CRET"

// TestBrowserOpenerGetsNoSecrets: the $BROWSER command (and the browser it
// starts) does not inherit zauth's client secrets either, nor the access
// token of a zauth exec that ran zauth login.
func TestBrowserOpenerGetsNoSecrets(t *testing.T) {
	h := newHarness(t, emulator.Ziina, emulator.Options{})
	h.mustRun("", "client", "set", "ziina", "--client-id", clientID, "--username", ziinaUser)
	h.setenv(secretEnv...) // the Ziina password comes from the environment
	h.setenv(outerToken)   // as for a login run by a command of zauth exec
	dump := filepath.Join(h.dir, "browser.env")
	script := filepath.Join(h.dir, "browser.sh")
	body := fmt.Sprintf("#!/bin/sh\nenv > %s\nexec %s \"$@\"\n", dump, browserBin)
	if err := os.WriteFile(script, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	h.setenv("BROWSER=" + script)
	h.mustRun("", "login", "ziina", "--scope", "read_account")
	env, err := os.ReadFile(dump)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(env), "ZAUTH_TESTBROWSER_LOG=") {
		t.Fatalf("the browser's environment dump looks wrong:\n%s", env)
	}
	checkNoSecretEnv(t, string(env))
	if strings.Contains(string(env), "ZAUTH_ACCESS_TOKEN") {
		t.Error("the browser's environment has the access token zauth exec gave the command that ran zauth login")
	}
}
