package cmd

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/zauth-cli/zauth/internal/provider"
)

// scopesOptions is what `zauth scopes` was asked to do.
type scopesOptions struct {
	App      *App
	Provider string // "": every provider
	JSON     bool
}

func newScopesCmd(app *App, runF func(context.Context, *scopesOptions) error) *cobra.Command {
	opts := &scopesOptions{App: app}
	if runF == nil {
		runF = runScopes
	}
	c := &cobra.Command{
		Use:   "scopes [<provider>]",
		Short: "List the scopes each provider offers",
		Long: `List the scopes a provider offers, each with what it grants and the narrower
scopes it covers; without a provider, every provider's. These are the names
zauth login --scope accepts (they also complete on the command line).`,
		Example: `  zauth scopes ziina
  zauth scopes zbd --jq '.[].scopes[].name'`,
		Args:              cobra.MaximumNArgs(1),
		ValidArgsFunction: app.providerArg,
		RunE: func(c *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Provider = args[0]
			}
			return runF(c.Context(), opts)
		},
	}
	c.Flags().BoolVar(&opts.JSON, "json", false, "print JSON")
	return c
}

func runScopes(ctx context.Context, opts *scopesOptions) error {
	app := opts.App
	names := app.providerNames()
	if opts.Provider != "" {
		names = []string{opts.Provider}
	}
	type entry struct {
		Provider string           `json:"provider"`
		Scopes   []provider.Scope `json:"scopes"`
	}
	var out []entry
	for _, n := range names {
		p, err := app.Provider(n)
		if err != nil {
			return err
		}
		out = append(out, entry{p.Name, p.Scopes})
	}
	if opts.JSON {
		return writeJSON(app.Out, out)
	}
	w := tabwriter.NewWriter(app.Out, 0, 0, 2, ' ', 0)
	for i, e := range out {
		if len(out) > 1 {
			if i > 0 {
				fmt.Fprintln(w)
			}
			fmt.Fprintf(w, "%s:\n", e.Provider)
		}
		for _, s := range e.Scopes {
			fmt.Fprintf(w, "  %s\t%s\n", s.Name, s.Description)
			if len(s.Covers) > 0 {
				fmt.Fprintf(w, "  \t  covers: %s\n", strings.Join(s.Covers, ", "))
			}
		}
	}
	return w.Flush()
}

// scopeCompletion completes --scope values from the provider's catalogue,
// also after a '+' or ',' (write_refunds+<TAB>).
func scopeCompletion(app *App) func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
	return func(c *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if len(args) == 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		p, err := app.Provider(args[0])
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		prefix, partial := "", toComplete
		if i := strings.LastIndexAny(toComplete, "+,"); i >= 0 {
			prefix, partial = toComplete[:i+1], toComplete[i+1:]
		}
		have := provider.ParseScopes([]string{prefix})
		var out []cobra.Completion
		for _, s := range p.Scopes {
			if strings.HasPrefix(s.Name, partial) && !slices.Contains(have, s.Name) {
				out = append(out, cobra.CompletionWithDesc(prefix+s.Name, s.Description))
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
	}
}
