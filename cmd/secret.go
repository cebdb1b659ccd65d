package cmd

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"

	"github.com/spf13/cobra"
)

func newSecretCmd(app *App) *cobra.Command {
	c := &cobra.Command{Use: "secret", Short: "Helpers for client secrets",
		Long: `Helpers for client secrets. zauth secret generate prints a strong random secret
to register with a provider that lets you choose one (ZBD); store it with
zauth client set <provider> --secret-stdin.`}
	c.AddCommand(newSecretGenerateCmd(app, nil))
	return c
}

// secretGenerateOptions is what `zauth secret generate` was asked to do.
type secretGenerateOptions struct {
	App *App
}

func newSecretGenerateCmd(app *App, runF func(context.Context, *secretGenerateOptions) error) *cobra.Command {
	opts := &secretGenerateOptions{App: app}
	if runF == nil {
		runF = runSecretGenerate
	}
	return &cobra.Command{
		Use:   "generate",
		Short: "Print 256 random bits as hex, for a new client secret",
		Long: `Print 256 bits from the OS's cryptographic random source, hex-encoded (64
characters): what ZBD advises for client secrets. Nothing is stored.`,
		Example: `  zauth secret generate`,
		Args:    cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return runF(c.Context(), opts)
		},
	}
}

func runSecretGenerate(_ context.Context, opts *secretGenerateOptions) error {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return err
	}
	_, err := fmt.Fprintln(opts.App.Out, hex.EncodeToString(b))
	return err
}
