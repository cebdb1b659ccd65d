// Package childproc runs other programs on zauth's behalf: `zauth exec`'s
// command and the browser opener. They never see zauth's own secrets in
// their environment, and Run makes zauth a transparent stand-in for its
// child: the signals zauth gets go to the child, and the child's fate is
// zauth's exit status.
package childproc

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"os/signal"
	"strings"

	"github.com/zauth-cli/zauth/internal/config"
)

// Environ returns the process's environment without secrets, for a child
// process.
func Environ() []string {
	return Scrub(os.Environ())
}

// Scrub returns env (NAME=value entries) without the variables
// config.EnvVars marks Secret (ZAUTH_<PROVIDER>_CLIENT_SECRET,
// ZAUTH_<PROVIDER>_API_KEY, ZAUTH_ACCESS_TOKEN), in any case (Windows
// names ignore it).
func Scrub(env []string) []string {
	out := make([]string, 0, len(env))
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		if !config.SecretEnv(name) {
			out = append(out, kv)
		}
	}
	return out
}

// Run starts cmd and waits for it, forwarding SIGINT, SIGTERM and SIGHUP
// to it (on Windows, where a console's Ctrl-C reaches every process on
// it, zauth only keeps waiting). It returns the status zauth should exit
// with: the child's exit code, or 128+n when signal n killed it, as a
// shell reports it.
//
// The error is non-nil only when cmd did not run: it could not start, or
// ctx had ended (zauth was interrupted) before it could.
func Run(ctx context.Context, cmd *exec.Cmd) (int, error) {
	// Catch the signals before checking ctx: one arriving in between would
	// otherwise be lost, and the child would run on uninterrupted.
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, forwarded...)
	defer signal.Stop(sigs)
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	for {
		select {
		case sig := <-sigs:
			forward(cmd.Process, sig)
		case err := <-done:
			var exit *exec.ExitError
			if err != nil && !errors.As(err, &exit) {
				return 1, err // waiting failed: the child's status is unknown
			}
			return status(cmd.ProcessState), nil
		}
	}
}
