// Command testbrowser is a scripted browser for end-to-end tests: zauth runs
// it as $BROWSER with the authorization URL. It loads the consent page,
// submits its first form (approve, or deny with ZAUTH_TESTBROWSER_DECISION=deny)
// and follows the redirects back to zauth's listener. It exits 0 when the
// page it ends on is 2xx, or on any answer after a deny: the listener's
// error page is then the expected outcome.
//
// ZAUTH_TESTBROWSER_MODE=none makes it do nothing (a browser that never
// comes back); ZAUTH_TESTBROWSER_LOG names a file for a trace of the visited
// URLs and statuses, with codes and tokens redacted.
package main

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/zauth-cli/zauth/internal/emulator"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: testbrowser URL")
		os.Exit(2)
	}
	if os.Getenv("ZAUTH_TESTBROWSER_MODE") == "none" {
		return
	}
	if err := run(os.Args[1]); err != nil {
		logf("error: %v", err)
		os.Exit(1)
	}
}

var methodRE = regexp.MustCompile(`(?is)<form[^>]*\smethod="([^"]*)"`)

func run(authURL string) error {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		logf("%d -> %s", req.Response.StatusCode, redact(req.URL))
		return nil
	}}
	u, err := url.Parse(authURL)
	if err != nil {
		return err
	}
	logf("GET %s", redact(u))
	resp, err := c.Get(authURL)
	if err != nil {
		return safe(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	logf("%s %s", resp.Status, redact(resp.Request.URL))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("consent page: %s", resp.Status)
	}
	action, fields, err := emulator.ParseForm(resp.Request.URL.String(), string(page))
	if err != nil {
		return err
	}
	decision := "approve"
	if os.Getenv("ZAUTH_TESTBROWSER_DECISION") == "deny" {
		decision = "deny"
	}
	fields.Set("decision", decision)
	if m := methodRE.FindStringSubmatch(string(page)); m != nil && strings.EqualFold(m[1], "get") {
		a, perr := url.Parse(action)
		if perr != nil {
			return perr
		}
		a.RawQuery = fields.Encode()
		logf("GET %s decision=%s", redact(a), decision)
		resp, err = c.Get(a.String())
	} else {
		logf("POST %s decision=%s", action, decision)
		resp, err = c.PostForm(action, fields)
	}
	if err != nil {
		return safe(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	logf("final %s %s", resp.Status, redact(resp.Request.URL))
	if resp.StatusCode/100 != 2 && decision == "approve" {
		return fmt.Errorf("final page: %s", resp.Status)
	}
	return nil
}

// secretParams are the query parameters never written to the log.
var secretParams = []string{"code", "state", "access_token", "refresh_token", "id_token", "code_verifier"}

func redact(u *url.URL) string {
	c := *u
	q := c.Query()
	for _, k := range secretParams {
		if q.Has(k) {
			q.Set(k, "REDACTED")
		}
	}
	if c.RawQuery != "" {
		c.RawQuery = q.Encode()
	}
	return c.String()
}

// safe drops the URL a *url.Error carries: after a redirect to the listener
// it holds the authorization code.
func safe(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		u, perr := url.Parse(ue.URL)
		if perr != nil {
			return fmt.Errorf("%s: %v", ue.Op, ue.Err)
		}
		return fmt.Errorf("%s %s: %v", ue.Op, redact(u), ue.Err)
	}
	return err
}

func logf(format string, args ...any) {
	path := os.Getenv("ZAUTH_TESTBROWSER_LOG")
	if path == "" {
		return
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return
	}
	defer f.Close()
	fmt.Fprintf(f, format+"\n", args...)
}
