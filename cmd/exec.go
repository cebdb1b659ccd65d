package cmd

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"time"

	"github.com/spf13/cobra"

	"github.com/zauth-cli/zauth/internal/childproc"
	"github.com/zauth-cli/zauth/internal/exitcode"
)

// execOptions is what `zauth exec` was asked to do.
type execOptions struct {
	App      *App
	Provider string
	Profile  string
	EnvName  string   // --env: a second name for the token; "" for none
	Command  []string // the command and its arguments, after --
}

func newExecCmd(app *App, runF func(context.Context, *execOptions) error) *cobra.Command {
	opts := &execOptions{App: app}
	if runF == nil {
		runF = runExec
	}
	c := &cobra.Command{
		Use:   "exec <provider> [--env NAME] -- <command> [args...]",
		Short: "Run a command with a fresh access token in its environment",
		Long: `Run a command with a fresh access token in its environment, as
ZAUTH_ACCESS_TOKEN and, with --env, under a name of your choice too. The token
never appears in the command's arguments, so it does not show up in process
listings. zauth's own client secrets and API keys (ZAUTH_*_CLIENT_SECRET,
ZAUTH_*_API_KEY) are left out of the command's environment.

SIGINT, SIGTERM and SIGHUP sent to zauth are passed on to the command, and
zauth waits for it: it exits with the command's exit code, 128+N if signal N
ended it (143 for SIGTERM), or 127 if it cannot start.`,
		Example: `  zauth exec ziina -- sh -c 'curl -H "Authorization: Bearer $ZAUTH_ACCESS_TOKEN" https://api-v2.ziina.com/api/account'
  zauth exec zbd --env ZBD_TOKEN -- node script.js`,
		Args:              cobra.MinimumNArgs(2),
		ValidArgsFunction: app.providerArg,
		RunE: func(c *cobra.Command, args []string) error {
			if c.ArgsLenAtDash() != 1 {
				return exitcode.Newf(exitcode.Usage, "put the command after --: zauth exec %s -- COMMAND [ARGS...]", args[0])
			}
			if opts.EnvName != "" && !validEnvName(opts.EnvName) {
				return exitcode.Newf(exitcode.Usage, "--env %q is not a valid environment variable name", opts.EnvName)
			}
			opts.Provider, opts.Command = args[0], args[1:]
			return runF(c.Context(), opts)
		},
	}
	addProfileFlag(app, c, &opts.Profile)
	c.Flags().StringVar(&opts.EnvName, "env", "", "also export the token under this variable name")
	return c
}

func runExec(ctx context.Context, opts *execOptions) error {
	app := opts.App
	t, err := app.Target(opts.Provider, opts.Profile)
	if err != nil {
		return err
	}
	r, err := app.Env().Fresh(ctx, t, time.Minute)
	if err != nil {
		return err
	}
	child := exec.Command(opts.Command[0], opts.Command[1:]...)
	child.Env = append(childproc.Environ(), "ZAUTH_ACCESS_TOKEN="+r.AccessToken)
	if opts.EnvName != "" {
		child.Env = append(child.Env, opts.EnvName+"="+r.AccessToken)
	}
	child.Stdin, child.Stdout, child.Stderr = app.In, app.Out, app.Err
	status, err := childproc.Run(ctx, child)
	switch {
	case ctx.Err() != nil && err != nil:
		return exitcode.New(exitcode.Interrupted, errors.New("interrupted before the command started"))
	case err != nil:
		return &exitcode.Error{Code: 127, Err: err}
	case status != 0:
		return &exitcode.Error{Code: status, Err: fmt.Errorf("the command exited with status %d", status), Quiet: true}
	}
	return nil
}

func validEnvName(s string) bool {
	for i, r := range s {
		if !(r == '_' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return s != ""
}
