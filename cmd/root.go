// Package cmd is zauth's command tree. Commands parse flags, resolve
// configuration and print; the work happens in pkg/.
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

	"github.com/zauth-cli/zauth/pkg/exitcode"
)

// Build information, set with -ldflags -X at release time.
var (
	version = "dev"
	commit  = "none"
	date    = "unknown"
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
	app := &App{In: stdin, Out: stdout, Err: stderr}
	root := NewRootCmd(app)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitcode.OK
	}
	code := exitcode.Code(err)
	var e *exitcode.Error
	if !errors.As(err, &e) {
		code = exitcode.Usage // cobra's own errors: unknown flag or command, bad arguments
	}
	// A quiet error passes on a child's exit status, which stands even if
	// zauth got (and forwarded) a signal meanwhile.
	if ctx.Err() != nil && (e == nil || !e.Quiet) && (code == exitcode.Unexpected || errors.Is(err, context.Canceled)) {
		code = exitcode.Interrupted
	}
	if e == nil || !e.Quiet {
		fmt.Fprintln(stderr, "zauth: "+oneLine(err.Error()))
	}
	return code
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// NewRootCmd builds the command tree.
func NewRootCmd(app *App) *cobra.Command {
	root := &cobra.Command{
		Use:   "zauth",
		Short: "OAuth tokens for Ziina and ZBD from the terminal",
		Long: `zauth logs you in to Ziina and ZBD from a terminal: it opens the provider's
consent page in your browser, captures the authorization code on a loopback
listener, exchanges it with PKCE, keeps the tokens in the OS keychain and hands
fresh access tokens to scripts:

  zauth login ziina --scope write_refunds+offline_access
  curl -H "Authorization: Bearer $(zauth token ziina)" https://api-v2.ziina.com/api/account`,
		Example: `  zauth client set ziina --client-id ID --username USER --secret-stdin < password.txt
  zauth login ziina --scope read_account+offline_access
  zauth token ziina --format header
  zauth status`,
		Version:       version,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(app.In)
	root.SetOut(app.Out)
	root.SetErr(app.Err)
	root.SetVersionTemplate("zauth {{.Version}}\n")
	root.SetUsageTemplate(root.UsageTemplate() + "\n" + exitCodesHelp + "\n")
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return exitcode.New(exitcode.Usage, fmt.Errorf("%w (see `%s --help`)", err, c.CommandPath()))
	})
	root.CompletionOptions.HiddenDefaultCmd = false

	pf := root.PersistentFlags()
	pf.StringVar(&app.ConfigFile, "config", "", "config file (default $XDG_CONFIG_HOME/zauth/config.yaml; env ZAUTH_CONFIG)")
	pf.BoolVarP(&app.Verbose, "verbose", "v", false, "trace HTTP exchanges with the provider on stderr, secrets redacted (env ZAUTH_DEBUG=1)")
	pf.BoolVar(&app.InsecureStorage, "insecure-storage", false, "keep tokens in a 0600 file instead of the OS keychain (env ZAUTH_STORAGE=file)")

	root.AddCommand(
		newLoginCmd(app),
		newTokenCmd(app),
		newRefreshCmd(app),
		newInspectCmd(app),
		newStatusCmd(app),
		newLogoutCmd(app),
		newScopesCmd(app),
		newProvidersCmd(app),
		newClientCmd(app),
		newSecretCmd(app),
		newAPICmd(app),
		newExecCmd(app),
		newVersionCmd(app),
	)
	return root
}

func newVersionCmd(app *App) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit and build date",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			fmt.Fprintf(app.Out, "zauth %s (commit %s, built %s)\n", version, commit, date)
			return nil
		},
	}
}
