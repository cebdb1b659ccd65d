package cmd

import (
	"cmp"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/zauth-cli/zauth/internal/config"
	"github.com/zauth-cli/zauth/internal/exitcode"
	"github.com/zauth-cli/zauth/internal/paths"
	"github.com/zauth-cli/zauth/internal/provider"
)

// usageError marks a mistake in how zauth was called: exit 2, one line
// naming the command and, where the command has one, an example of
// the right way. Only errors marked this way exit 2; anything cobra or a
// lower layer returns unmarked is unexpected (exit 1).
func usageError(c *cobra.Command, msg string) error {
	if ex := firstExample(c); ex != "" {
		msg += fmt.Sprintf(", for example `%s`", ex)
	} else {
		msg += fmt.Sprintf(" (see `%s --help`)", c.CommandPath())
	}
	return exitcode.Newf(exitcode.Usage, "%s: %s", c.CommandPath(), msg)
}

// firstExample is the first line of a command's examples that runs the
// command itself (not a pipeline around it); for a command that takes
// just a provider, the command with one.
func firstExample(c *cobra.Command) string {
	for _, line := range strings.Split(c.Example, "\n") {
		line = strings.TrimSpace(line)
		if (line == c.CommandPath() || strings.HasPrefix(line, c.CommandPath()+" ")) && !strings.ContainsAny(line, "|<>") {
			return line
		}
	}
	if names := argNames(c); len(names) == 1 && names[0] == "<provider>" {
		return c.CommandPath() + " ziina"
	}
	return ""
}

// argNames are the required positional arguments a command's Use line
// names, such as "<provider>" and "<path>".
func argNames(c *cobra.Command) []string {
	names, _ := useArgs(c)
	return names
}

// useArgs reads c's Use line: the required arguments ("<provider>"), and
// how many it takes at most, optional ones ("[<provider>]") included.
func useArgs(c *cobra.Command) (required []string, most int) {
	for _, f := range strings.Fields(c.Use)[1:] {
		switch {
		case strings.HasPrefix(f, "<") && strings.HasSuffix(f, ">"):
			required = append(required, f)
			most++
		case strings.HasPrefix(f, "[<") && strings.HasSuffix(f, ">]"):
			most++
		}
	}
	return required, most
}

// friendlyArgs wraps every command's argument check so that its errors
// say what is missing or extra, in the words of the command's Use line.
func friendlyArgs(c *cobra.Command) {
	for _, sub := range c.Commands() {
		friendlyArgs(sub)
	}
	check := c.Args
	if check == nil {
		return
	}
	c.Args = func(c *cobra.Command, args []string) error {
		if check(c, args) == nil {
			return nil
		}
		names, most := useArgs(c)
		all := args
		if dash := c.ArgsLenAtDash(); dash >= 0 {
			args = args[:dash] // what follows -- may belong to another program (exec)
		}
		switch {
		case len(args) < len(names):
			missing := names[len(args):]
			for i, n := range missing {
				missing[i] = "a " + strings.Trim(n, "<>")
			}
			return usageError(c, "name "+strings.Join(missing, " and "))
		case len(all) == 0: // not reached: a check fails with no arguments only for missing ones
			return usageError(c, "wrong number of arguments")
		case most == 0:
			return usageError(c, fmt.Sprintf("takes no arguments, but got %q", all[0]))
		default:
			return usageError(c, fmt.Sprintf("unexpected argument %q", all[min(most, len(all)-1)]))
		}
	}
}

// flagError rewrites cobra's flag errors ("unknown shorthand flag: 'c' in
// -c") as one line naming the command.
func flagError(c *cobra.Command, err error) error {
	msg := err.Error()
	if strings.Contains(c.Use, " -- ") {
		// zauth exec ziina sh -c ...: the other program's flags look like ours.
		msg += "; put the command to run after `--`"
	}
	return usageError(c, msg)
}

// unknownCommand explains an unknown subcommand of root, with cobra's
// suggestions as commands to run.
func unknownCommand(root *cobra.Command, args []string) error {
	name := ""
	for _, a := range args {
		if !strings.HasPrefix(a, "-") {
			name = a
			break
		}
	}
	msg := fmt.Sprintf("unknown command %q", name)
	if s := root.SuggestionsFor(name); len(s) > 0 {
		msg += fmt.Sprintf("; did you mean `zauth %s`?", strings.Join(s, "` or `zauth "))
	} else {
		msg += "; see `zauth --help` for the commands"
	}
	return exitcode.New(exitcode.Usage, fmt.Errorf("%s", msg))
}

// cobraFlagCheck marks the flag checks cobra makes after parsing (required
// flags, flag groups), which bypass the flag error function, as usage
// errors. Other errors pass unchanged.
func cobraFlagCheck(c *cobra.Command, err error) error {
	var e *exitcode.Error
	if errors.As(err, &e) {
		return err
	}
	msg := err.Error()
	for _, prefix := range []string{"required flag(s) ", "if any flags in the group ", "at least one of the flags in the group "} {
		if strings.HasPrefix(msg, prefix) {
			return usageError(c, msg)
		}
	}
	return err
}

// effectiveDefaults makes help show the defaults in effect where they
// depend on the configuration: the config file's path always, and, when
// a provider is named (`zauth login ziina --help`), that provider's
// configured redirect URI and scopes. Help without a provider, and the
// generated docs, keep the generic wording, so they do not depend on the
// machine they are made on.
func effectiveDefaults(app *App, root *cobra.Command) {
	help := root.HelpFunc()
	root.SetHelpFunc(func(c *cobra.Command, args []string) {
		if f := c.Root().PersistentFlags().Lookup("config"); f != nil && strings.HasSuffix(f.Usage, ")") {
			f.Usage = strings.TrimSuffix(f.Usage, ")") + "; in effect: " + cmp.Or(app.ConfigFile, paths.ConfigFile()) + ")"
		}
		if args := c.Flags().Args(); len(args) > 0 && strings.Contains(c.Use, "<provider>") {
			app.noConfigWarnings = true // help is not the place; doctor is
			if p, err := app.Provider(args[0]); err == nil {
				c.Flags().VisitAll(func(f *pflag.Flag) { providerDefault(app.cfg, p, f) })
			}
		}
		help(c, args)
	})
}

// providerDefault replaces a flag's generic "(default: ...)" with the value
// the configuration gives for p.
func providerDefault(cfg *config.Config, p *provider.Provider, f *pflag.Flag) {
	i := strings.LastIndex(f.Usage, "(default: ")
	if i < 0 || !strings.HasSuffix(f.Usage, ")") {
		return
	}
	var v string
	switch f.Name {
	case "redirect-uri":
		v, _ = cfg.RedirectURI(p)
	case "scope":
		v = "the previous login's; none configured"
		if s := cfg.DefaultScopes(p); len(s) > 0 {
			v = "the previous login's, else " + strings.Join(s, "+")
		}
	}
	if v != "" {
		f.Usage = f.Usage[:i] + fmt.Sprintf("(default for %s: %s)", p.Name, v)
	}
}
