// Command testbrowser is a scripted browser for end-to-end tests: zauth runs
// it as $BROWSER with the authorization URL. It loads the consent page,
// submits its form (approve, or deny with ZAUTH_TESTBROWSER_DECISION=deny)
// and follows the redirects back to zauth's listener.
//
// ZAUTH_TESTBROWSER_MODE=none makes it do nothing (a browser that never
// comes back); ZAUTH_TESTBROWSER_LOG names a file for a trace of the visited
// URLs, with codes redacted.
package main

import (
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"time"

	"github.com/zauth-cli/zauth/internal/emulator"
	"github.com/zauth-cli/zauth/pkg/trace"
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

func run(authURL string) error {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		logf("redirect %s", trace.RedactURL(req.URL))
		return nil
	}}
	logf("GET %s", trace.RedactURL(mustParse(authURL)))
	resp, err := c.Get(authURL)
	if err != nil {
		return err
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
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
	logf("POST %s decision=%s", action, decision)
	resp, err = c.PostForm(action, fields)
	if err != nil {
		return err
	}
	resp.Body.Close()
	logf("final %s %s", resp.Status, trace.RedactURL(resp.Request.URL))
	if resp.StatusCode/100 != 2 && decision == "approve" {
		return fmt.Errorf("final page: %s", resp.Status)
	}
	return nil
}

func mustParse(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		return &url.URL{}
	}
	return u
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
