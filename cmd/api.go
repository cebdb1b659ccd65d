package cmd

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/zauth-cli/zauth/internal/exitcode"
	"github.com/zauth-cli/zauth/internal/jq"
	"github.com/zauth-cli/zauth/internal/oauth"
	"github.com/zauth-cli/zauth/internal/session"
	"github.com/zauth-cli/zauth/internal/textsafe"
)

// apiOptions is what `zauth api` was asked to do.
type apiOptions struct {
	App      *App
	Provider string
	Path     string
	Profile  string
	Method   string  // upper case; "" for the default
	Data     *string // -d: DATA, @FILE or @-; nil without -d
	Header   http.Header
	Include  bool
	JQ       *jqOut // the --jq filter for a JSON body; nil without --jq
}

func newAPICmd(app *App, runF func(context.Context, *apiOptions) error) *cobra.Command {
	opts := &apiOptions{App: app}
	if runF == nil {
		runF = runAPI
	}
	var (
		data    string
		headers []string
	)
	c := &cobra.Command{
		Use:   "api <provider> <path>",
		Short: "Make an authenticated request to the provider's API",
		Long: `Send a request to the provider's API (its api_url, or a full URL on the same
host) with a fresh token, and print the response body on stdout. On 401 zauth
refreshes the token once and retries. A non-2xx answer exits 4 with the body on
stderr. ZBD requests carry the usertoken and apikey headers ZBD expects.

Redirects are followed only to the scheme, host and port of the provider's
api_url; a redirect anywhere else is refused (exit 4) and the token is not sent
there. Only Bearer tokens are sent (exit 2 for another token type).

-d sends a body (default method POST): the data itself, @FILE, or @- for
stdin. Its Content-Type defaults to application/json when the data is JSON.

--jq filters a JSON response body with a jq expression, as on the commands
that print JSON: string results print raw, one a line.`,
		Example: `  zauth api ziina /account
  zauth api zbd /v1/oauth2/wallet --jq .data.balance
  zauth api ziina -X POST /payment_intent -d '{"amount":1000,"currency_code":"AED","test":true}'`,
		Args:              cobra.ExactArgs(2),
		ValidArgsFunction: app.providerArg,
		RunE: func(c *cobra.Command, args []string) error {
			prog, err := compileJQ(c) // before anything is sent
			if err != nil {
				return err
			}
			if prog != nil {
				opts.JQ = &jqOut{Writer: app.Out, cmd: c, prog: prog}
			}
			opts.Provider, opts.Path = args[0], args[1]
			opts.Method = strings.ToUpper(opts.Method)
			opts.Header = http.Header{}
			for _, h := range headers {
				k, v, ok := strings.Cut(h, ":")
				if !ok || strings.TrimSpace(k) == "" {
					return exitcode.Newf(exitcode.Usage, "header %q is not 'Name: value'", h)
				}
				opts.Header.Add(strings.TrimSpace(k), strings.TrimSpace(v))
			}
			if c.Flags().Changed("data") {
				opts.Data = &data
			}
			return runF(c.Context(), opts)
		},
	}
	addProfileFlag(app, c, &opts.Profile)
	c.Flags().StringVarP(&opts.Method, "method", "X", "", "HTTP method (default GET, or POST with -d)")
	c.Flags().StringVarP(&data, "data", "d", "", "request body: DATA, @FILE or @- for stdin")
	c.Flags().StringArrayVarP(&headers, "header", "H", nil, "extra header 'Name: value' (repeatable)")
	c.Flags().BoolVarP(&opts.Include, "include", "i", false, "print the status line and response headers first")
	c.Flags().String("jq", "", "filter the JSON response body with a jq `expression`; strings print raw")
	return c
}

func runAPI(ctx context.Context, opts *apiOptions) error {
	app := opts.App
	t, err := app.Target(opts.Provider, opts.Profile)
	if err != nil {
		return err
	}
	ar := session.APIRequest{Method: opts.Method, Path: opts.Path, Header: opts.Header.Clone()}
	if opts.Data != nil {
		if ar.Body, err = readData(app, *opts.Data); err != nil {
			return err
		}
		if ar.Method == "" {
			ar.Method = http.MethodPost
		}
		if ar.Header.Get("Content-Type") == "" {
			ctype := "application/x-www-form-urlencoded"
			if json.Valid(ar.Body) {
				ctype = "application/json"
			}
			ar.Header.Set("Content-Type", ctype)
		}
	}
	if ar.Method == "" {
		ar.Method = http.MethodGet
	}
	if ar.APIKey, err = app.apiKey(t.Provider); err != nil {
		return err
	}
	resp, err := app.Env().API(ctx, t, ar)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	ok := resp.StatusCode/100 == 2
	if opts.Include {
		fmt.Fprintf(app.Out, "%s %s\n", resp.Proto, textsafe.Line(resp.Status))
		names := make([]string, 0, len(resp.Header))
		for k := range resp.Header {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			fmt.Fprintf(app.Out, "%s: %s\n", textsafe.Line(k), textsafe.Line(strings.Join(resp.Header[k], ", ")))
		}
		fmt.Fprintln(app.Out)
	}
	if ok && opts.JQ != nil {
		// The body is the provider's: its size is capped before decoding.
		body, err := io.ReadAll(io.LimitReader(resp.Body, jq.MaxInput+1))
		if err != nil {
			return exitcode.Newf(exitcode.Provider, "%s %s: reading the response: %v", ar.Method, opts.Path, err)
		}
		if len(body) > jq.MaxInput {
			return exitcode.Newf(exitcode.Provider, "%s %s: the response is over %d MiB, too large for --jq; leave out --jq and pipe the body into jq", ar.Method, opts.Path, jq.MaxInput>>20)
		}
		// Checked here, decoded once by the program: a decoded body is
		// some 20 times its size, and two copies of it would double that.
		var doc json.RawMessage
		if err := json.NewDecoder(bytes.NewReader(body)).Decode(&doc); err != nil {
			return exitcode.Newf(exitcode.Provider, "%s %s: the response is not JSON, so --jq cannot filter it: %v", ar.Method, opts.Path, err)
		}
		return writeJSON(opts.JQ, doc)
	}
	if ok {
		if isTerminal(app.Out) { // a person reads it: cleaned as it arrives
			return textsafe.Copy(app.Out, resp.Body)
		}
		_, err = io.Copy(app.Out, resp.Body) // piped: byte for byte
		return err
	}
	// The error body goes to a terminal: cleaned of escape sequences.
	body, _ := io.ReadAll(io.LimitReader(resp.Body, oauth.MaxBody))
	text := textsafe.Text(string(body))
	io.WriteString(app.Err, text)
	if text != "" && !strings.HasSuffix(text, "\n") {
		fmt.Fprintln(app.Err)
	}
	return exitcode.Newf(exitcode.Provider, "%s %s answered %s", ar.Method, opts.Path, textsafe.Line(resp.Status))
}

func readData(app *App, data string) ([]byte, error) {
	name, isFile := strings.CutPrefix(data, "@")
	switch {
	case !isFile:
		return []byte(data), nil
	case name == "-":
		return io.ReadAll(app.In)
	}
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, exitcode.Newf(exitcode.Usage, "-d @%s: %v", name, err)
	}
	return b, nil
}
