// Package cmd is zauth's command tree. Commands parse flags, resolve
// configuration and print; the work happens in internal/.
//
// Each command is an xOptions struct, newXCmd(app, runF), whose cobra
// part only fills the options from flags and arguments (and rejects
// contradictory ones), and runX(ctx, opts), which does the work. Tests
// pass a runF that keeps the options to test parsing alone, or call runX
// with options built by hand.
package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/zauth-cli/zauth/internal/exitcode"
)

const exitCodesHelp = `Exit codes:
  0    success
  1    unexpected error
  2    usage or configuration error (bad flag, unknown provider or scope, missing client id)
  3    login required: no stored token, or it can no longer be refreshed
  4    provider or network error (5xx, timeout, malformed response); retrying may help
  5    secure storage unavailable or locked
  130  interrupted (Ctrl-C)`

// Execute runs zauth with the process's arguments and returns the exit code.
func Execute() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
}

// Run runs zauth with args and the given streams; tests call it directly.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return RunApp(ctx, &App{In: stdin, Out: stdout, Err: stderr}, args)
}

// RunApp runs zauth with args on app, whose seams may be set (see App).
func RunApp(ctx context.Context, app *App, args []string) int {
	return runTree(ctx, app, NewRootCmd(app), args)
}

// runTree runs args on root, a tree built for app, and returns the exit code.
func runTree(ctx context.Context, app *App, root *cobra.Command, args []string) int {
	stderr := app.Err
	root.SetArgs(args)
	var err error
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	completing := len(args) > 0 && (args[0] == cobra.ShellCompRequestCmd || args[0] == cobra.ShellCompNoDescRequestCmd)
	app.noConfigWarnings = completing
	if _, _, ferr := root.Find(args); ferr != nil && !completing {
		err = unknownCommand(root, args) // the only error Find returns
	} else if c, cerr := root.ExecuteContextC(ctx); cerr != nil {
		err = cobraFlagCheck(c, cerr)
	}
	if err == nil {
		return exitcode.OK
	}
	// Unclassified errors are unexpected (1): usage errors are marked as
	// such where they are found, cobra's included (see usage.go).
	code := exitCode(err)
	var e *exitcode.Error
	errors.As(err, &e)
	// A quiet error passes on a child's exit status, which stands even if
	// zauth got (and forwarded) a signal meanwhile.
	if ctx.Err() != nil && (e == nil || !e.Quiet) && (code == exitcode.Unexpected || errors.Is(err, context.Canceled)) {
		code = exitcode.Interrupted
	}
	if e == nil || !e.Quiet {
		msg := errorText(err, app.provider)
		if !strings.HasPrefix(msg, "zauth ") { // usage errors name their command
			msg = "zauth: " + msg
		}
		fmt.Fprintln(stderr, msg)
	}
	return code
}

// NewRootCmd builds the command tree.
func NewRootCmd(app *App) *cobra.Command {
	return newRoot(app,
		newLoginCmd(app, nil),
		newTokenCmd(app, nil),
		newRefreshCmd(app, nil),
		newInspectCmd(app, nil),
		newStatusCmd(app, nil),
		newLogoutCmd(app, nil),
		newScopesCmd(app, nil),
		newProvidersCmd(app, nil),
		newClientCmd(app),
		newSecretCmd(app),
		newAPICmd(app, nil),
		newExecCmd(app, nil),
		newDoctorCmd(app, nil),
		newVersionCmd(app, nil),
		newExitCodesTopic(),
	)
}

// newRoot is the root command over cmds, with what every command gets:
// the global flags, argument and flag errors in zauth's words, --jq on
// JSON output and help that shows the defaults in effect.
func newRoot(app *App, cmds ...*cobra.Command) *cobra.Command {
	root := &cobra.Command{
		Use:   "zauth",
		Short: "OAuth tokens for Ziina and ZBD from the terminal",
		Long: `zauth logs you in to Ziina and ZBD from a terminal: it opens the provider's
consent page in your browser, captures the authorization code on a loopback
listener, exchanges it with PKCE, keeps the tokens in the OS keychain and hands
fresh access tokens to scripts:

  zauth login ziina --scope read_account+offline_access
  curl -H "Authorization: Bearer $(zauth token ziina)" https://api-v2.ziina.com/api/account

` + exitCodesHelp + `

See ` + "`zauth help exit-codes`" + ` for what each code means in practice.`,
		Example: `  zauth client set ziina --client-id ID --username USER --secret-stdin < password.txt
  zauth login ziina --scope read_account+offline_access
  zauth token ziina --format header
  zauth status`,
		Version:       buildVersion().Version,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(app.In)
	root.SetOut(app.Out)
	root.SetErr(app.Err)
	root.SetVersionTemplate("zauth {{.Version}}\n")
	root.SetFlagErrorFunc(flagError)
	root.CompletionOptions.HiddenDefaultCmd = false

	pf := root.PersistentFlags()
	pf.StringVar(&app.ConfigFile, "config", "", "config file (default $XDG_CONFIG_HOME/zauth/config.yaml; env ZAUTH_CONFIG)")
	pf.BoolVarP(&app.Verbose, "verbose", "v", false, "trace HTTP exchanges with the provider on stderr, secrets redacted (env ZAUTH_DEBUG=1)")
	pf.BoolVar(&app.InsecureStorage, "insecure-storage", false, "keep tokens in a 0600 file instead of the OS keychain (env ZAUTH_STORAGE=file)")

	root.AddCommand(cmds...)
	useBashCompletion(root)
	friendlyArgs(root)
	addJQ(app, root)
	effectiveDefaults(app, root)
	return root
}

// newExitCodesTopic is `zauth help exit-codes`: a help topic, not a
// command, so cobra lists it under "Additional help topics".
func newExitCodesTopic() *cobra.Command {
	return &cobra.Command{
		Use:   "exit-codes",
		Short: "What zauth's exit codes mean, for scripts",
		Long: exitCodesHelp + `

Errors are one line on stderr, naming the command to run next where there is
one; stdout carries only the data asked for. zauth exec exits with its
command's code (127 when it cannot start, 128+n when it died of signal n).`,
	}
}
