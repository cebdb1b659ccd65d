package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/zauth-cli/zauth/internal/config"
)

// Man pages are written directly as roff rather than through markdown:
// the markdown route drops "<provider>" from synopses as if it were HTML,
// and gives every page the same title.

// manPages renders one page per available command, keyed by file name.
func manPages(root *cobra.Command) map[string][]byte {
	pages := map[string][]byte{}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if !c.IsAvailableCommand() && c != root || c.IsAdditionalHelpTopicCommand() {
			return
		}
		name := strings.ReplaceAll(c.CommandPath(), " ", "-")
		pages[name+".1"] = []byte(manPage(c, name))
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	return pages
}

func manPage(c *cobra.Command, name string) string {
	var b strings.Builder
	fmt.Fprintf(&b, ".TH %q \"1\" %q \"zauth\" \"zauth manual\"\n.nh\n.ad l\n", strings.ToUpper(name), manDate.Format("Jan 2006"))
	fmt.Fprintf(&b, ".SH NAME\n%s \\- %s\n", name, roff(c.Short))
	b.WriteString(".SH SYNOPSIS\n")
	if c.Runnable() {
		fmt.Fprintf(&b, "\\fB%s\\fR %s\n", roff(c.CommandPath()), roff(strings.TrimPrefix(c.UseLine(), c.CommandPath()+" ")))
	} else {
		fmt.Fprintf(&b, "\\fB%s\\fR \\fIcommand\\fR [flags]\n", roff(c.CommandPath()))
	}
	b.WriteString(".SH DESCRIPTION\n")
	text(&b, firstNonEmpty(c.Long, c.Short))
	flags(&b, "OPTIONS", c.NonInheritedFlags())
	flags(&b, "OPTIONS INHERITED FROM PARENT COMMANDS", c.InheritedFlags())
	if c.Example != "" {
		b.WriteString(".SH EXAMPLES\n")
		literal(&b, c.Example)
	}
	if c.HasAvailableSubCommands() {
		b.WriteString(".SH COMMANDS\n")
		for _, sub := range c.Commands() {
			if sub.IsAvailableCommand() {
				fmt.Fprintf(&b, ".TP\n\\fB%s\\fR\n%s\n", roff(sub.Name()), roff(sub.Short))
			}
		}
	}
	if c.Runnable() || c == c.Root() {
		b.WriteString(".SH EXIT STATUS\n")
		definitions(&b, exitCodes)
		if strings.Contains(c.Use, " -- ") {
			b.WriteString(".PP\nOtherwise " + roff(c.CommandPath()) + " exits with the command's own status: 127 when it cannot be started, 128+n when it died of signal n.\n")
		}
	}
	if touchesSetup(c) {
		b.WriteString(".SH ENVIRONMENT\n")
		definitions(&b, environment())
		b.WriteString(".SH FILES\n")
		definitions(&b, files)
	}
	b.WriteString(".SH SEE ALSO\n")
	var see []string
	if c.HasParent() {
		see = append(see, strings.ReplaceAll(c.Parent().CommandPath(), " ", "-"))
	}
	for _, sub := range c.Commands() {
		if sub.IsAvailableCommand() {
			see = append(see, strings.ReplaceAll(sub.CommandPath(), " ", "-"))
		}
	}
	for i, s := range see {
		see[i] = "\\fB" + roff(s) + "\\fR(1)"
	}
	b.WriteString(strings.Join(see, ", ") + "\n")
	return b.String()
}

// touchesSetup: commands that read the config file, the environment's
// provider settings or the keychain.
func touchesSetup(c *cobra.Command) bool {
	switch strings.Fields(c.CommandPath() + " x")[1] {
	case "version", "completion", "secret":
		return false
	}
	return true
}

var exitCodes = [][2]string{
	{"0", "success"},
	{"1", "unexpected error"},
	{"2", "usage or configuration error (bad flag, unknown provider or scope, missing client id)"},
	{"3", "login required: no stored token, or it can no longer be refreshed"},
	{"4", "provider or network error (5xx, timeout, malformed response); retrying may help"},
	{"5", "secure storage unavailable or locked"},
	{"130", "interrupted (Ctrl-C)"},
}

// environment is config's table of zauth's variables, then the others
// zauth reads.
func environment() [][2]string {
	var out [][2]string
	for _, e := range config.EnvVars {
		out = append(out, [2]string{e.Name, e.Meaning})
	}
	return append(out,
		[2]string{"BROWSER", "the command that opens the consent page (several separated by :, or ; on Windows)"},
		[2]string{"XDG_CONFIG_HOME, XDG_STATE_HOME", "where the config file and the state directory live"})
}

var files = [][2]string{
	{"$XDG_CONFIG_HOME/zauth/config.yaml", "the config file (default ~/.config/zauth/config.yaml)"},
	{"$XDG_STATE_HOME/zauth/index.json", "the non-secret list of stored logins (default under ~/.local/state/zauth)"},
	{"$XDG_STATE_HOME/zauth/locks/", "lock files that make parallel refreshes happen once"},
	{"$XDG_STATE_HOME/zauth/tokens.json", "tokens and secrets, unencrypted, only with --insecure-storage or ZAUTH_STORAGE=file"},
}

func definitions(b *strings.Builder, defs [][2]string) {
	for _, d := range defs {
		fmt.Fprintf(b, ".TP\n\\fB%s\\fR\n%s\n", roff(d[0]), roff(d[1]))
	}
}

func flags(b *strings.Builder, title string, fs *pflag.FlagSet) {
	if !fs.HasAvailableFlags() {
		return
	}
	fmt.Fprintf(b, ".SH %s\n", title)
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		name := "\\fB\\-\\-" + roff(f.Name) + "\\fR"
		if f.Shorthand != "" {
			name = "\\fB\\-" + roff(f.Shorthand) + "\\fR, " + name
		}
		if varname, _ := pflag.UnquoteUsage(f); varname != "" {
			name += " \\fI" + roff(varname) + "\\fR"
		}
		usage := f.Usage
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "[]" && f.DefValue != "0" {
			usage += fmt.Sprintf(" (default %s)", f.DefValue)
		}
		fmt.Fprintf(b, ".TP\n%s\n%s\n", name, roff(usage))
	})
}

// text renders paragraphs; indented lines are kept as literal blocks.
func text(b *strings.Builder, s string) {
	for i, para := range strings.Split(strings.TrimSpace(s), "\n\n") {
		if i > 0 {
			b.WriteString(".PP\n")
		}
		lines := strings.Split(para, "\n")
		if strings.HasPrefix(lines[0], " ") {
			literal(b, para)
			continue
		}
		for _, l := range lines {
			b.WriteString(roff(l) + "\n")
		}
	}
}

func literal(b *strings.Builder, s string) {
	b.WriteString(".PP\n.RS 4\n.nf\n")
	for _, l := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
		b.WriteString(roff(strings.TrimPrefix(l, "  ")) + "\n")
	}
	b.WriteString(".fi\n.RE\n")
}

// roff escapes text for a roff line: backslashes, hyphen-minus (so that
// flags can be copied), and a leading dot or quote that would start a
// request.
func roff(s string) string {
	s = strings.ReplaceAll(s, `\`, `\e`)
	s = strings.ReplaceAll(s, "-", `\-`)
	if strings.HasPrefix(s, ".") || strings.HasPrefix(s, "'") {
		s = `\&` + s
	}
	return s
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
