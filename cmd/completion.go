package cmd

import (
	"bytes"
	"io"
	"strings"

	"github.com/spf13/cobra"
)

// GenBashCompletion writes cobra's bash completion script, adjusted so
// that candidates containing a comma complete: bash 5.2's printf %q
// escapes commas, after which "user,wallet" no longer starts with what the
// user typed ("user,"), and --scope user,<TAB> offered nothing.
func GenBashCompletion(root *cobra.Command, w io.Writer, descriptions bool) error {
	var b bytes.Buffer
	if err := root.GenBashCompletionV2(&b, descriptions); err != nil {
		return err
	}
	name := "__" + root.Name()
	script := strings.NewReplacer(
		`$(printf "%q" `, `$(`+name+`_quote `,
		`< <(printf "%q\n" `, `< <(`+name+`_quote_lines `,
		`printf -v comp "%q" "${compline%%$tab*}" &>/dev/null ||`, `printf -v comp "%q" "${compline%%$tab*}" &>/dev/null && comp=${comp//\\,/,} ||`,
	).Replace(b.String())
	helpers := `
# Like printf %q, but commas stay as they are: they are not special to the
# shell, and scopes are joined with them.
` + name + `_quote() { local q; printf -v q '%q' "$1"; printf '%s' "${q//\\,/,}"; }
` + name + `_quote_lines() { local s q; for s in "$@"; do printf -v q '%q' "$s"; printf '%s\n' "${q//\\,/,}"; done; }
`
	// The helpers go right after the header comment.
	i := strings.Index(script, "\n\n")
	_, err := io.WriteString(w, script[:i+1]+helpers+script[i+1:])
	return err
}

// useBashCompletion makes `zauth completion bash` print the adjusted script.
func useBashCompletion(root *cobra.Command) {
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.Name() != "completion" {
			continue
		}
		for _, sh := range c.Commands() {
			if sh.Name() == "bash" {
				sh.RunE = func(c *cobra.Command, _ []string) error {
					noDesc, _ := c.Flags().GetBool("no-descriptions")
					return GenBashCompletion(root, c.OutOrStdout(), !noDesc)
				}
				sh.Run = nil
			}
		}
	}
}
