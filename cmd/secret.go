package cmd

import (
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
	c.AddCommand(&cobra.Command{
		Use:   "generate",
		Short: "Print 256 random bits as hex, for a new client secret",
		Long: `Print 256 bits from the OS's cryptographic random source, hex-encoded (64
characters): what ZBD advises for client secrets. Nothing is stored.`,
		Example: `  zauth secret generate`,
		Args:    cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			b := make([]byte, 32)
			if _, err := rand.Read(b); err != nil {
				return err
			}
			_, err := fmt.Fprintln(app.Out, hex.EncodeToString(b))
			return err
		},
	})
	return c
}
