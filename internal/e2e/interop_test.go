package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zauth-cli/zauth/internal/emulator"
	"github.com/zauth-cli/zauth/internal/testsys"
)

// The interoperability tests run zauth against an authorization server
// nobody on the project wrote: the zitadel/oidc example OpenID Provider
// (internal/interop/oidcop, a module of its own that the Go module proxy
// fetches), set up only through `providers add --issuer` and `client set`,
// with headless Chromium filling the server's own login page.

// The example server's user (its user store names it after the issuer's
// host) and the secret given to its confidential client "web".
const (
	opUser      = "test-user@127.0.0.1"
	opPassword  = "verysecure"
	opWebSecret = "web-secret-S3CRET"
)

// buildOP builds the server once per test binary.
var buildOP = sync.OnceValues(func() (string, error) {
	bin := filepath.Join(filepath.Dir(zauthBin), "oidcop")
	cmd := exec.Command("go", "build", "-buildvcs=false", "-o", bin, ".")
	cmd.Dir = filepath.Join("..", "interop", "oidcop")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build in %s: %v\n%s", cmd.Dir, err, out)
	}
	return bin, nil
})

// oidcOP is one running instance of the server.
type oidcOP struct {
	issuer string
	log    *bytes.Buffer
}

// startOP starts the server with redirect registered for both clients; the
// test's cleanup stops it.
func startOP(t *testing.T, redirect string) *oidcOP {
	t.Helper()
	bin, err := buildOP()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-redirect", redirect, "-web-secret", opWebSecret)
	op := &oidcOP{log: &bytes.Buffer{}}
	cmd.Stderr = op.log
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		if t.Failed() {
			t.Logf("server log:\n%s", op.log)
		}
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if !strings.HasPrefix(line, "issuer ") {
		t.Fatalf("server did not start (%v): %q", err, line)
	}
	op.issuer = strings.TrimSpace(strings.TrimPrefix(line, "issuer "))
	go io.Copy(io.Discard, stdout)
	return op
}

// post sends a form to one of the server's endpoints, as the confidential
// client when withClient is set, and decodes the JSON answer.
func (op *oidcOP) post(t *testing.T, path string, form url.Values, withClient bool) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, op.issuer+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if withClient {
		req.SetBasicAuth("web", opWebSecret)
	}
	return op.do(t, req)
}

func (op *oidcOP) do(t *testing.T, req *http.Request) (int, map[string]any) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

// active asks the server's introspection endpoint, as the confidential
// client, whether it still honours an access token that client was issued.
func (op *oidcOP) active(t *testing.T, token string) bool {
	t.Helper()
	status, out := op.post(t, "oauth/introspect", url.Values{"token": {token}}, true)
	if status != http.StatusOK {
		t.Fatalf("introspection answered %d: %v", status, out)
	}
	return out["active"] == true
}

// userinfo reports the HTTP status of the userinfo endpoint for a token.
func (op *oidcOP) userinfo(t *testing.T, token string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, op.issuer+"userinfo", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	status, _ := op.do(t, req)
	return status
}

// refreshes reports whether the server still accepts a refresh token.
func (op *oidcOP) refreshes(t *testing.T, refreshToken, clientID string) bool {
	t.Helper()
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refreshToken}}
	if clientID != "web" {
		form.Set("client_id", clientID)
	}
	status, _ := op.post(t, "oauth/token", form, clientID == "web")
	return status == http.StatusOK
}

// login runs `zauth login acme --no-browser` with args, has Chromium open
// the printed URL and fill the server's login page, and returns zauth's
// result and the URL Chromium ended on (zauth's listener).
func (op *oidcOP) login(t *testing.T, h *harness, c *chrome, args ...string) (result, string) {
	t.Helper()
	s := h.start(append([]string{"login", "acme", "--no-browser", "--timeout", "60s"}, args...)...)
	c.open(t, s.authURL(t))
	c.fill(t, "#username", opUser)
	c.fill(t, "#password", opPassword)
	c.click(t, `button[type="submit"]`)
	r := s.wait(t)
	return r, c.url(t)
}

// chrome drives headless Chromium through chromedriver (Debian
// chromium-driver) over the WebDriver protocol.
type chrome struct {
	base, session string
}

func newChrome(t *testing.T) *chrome {
	t.Helper()
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatal("chromium not found: install Debian's chromium package (.ci/run does)")
	}
	driver, err := exec.LookPath("chromedriver")
	if err != nil {
		t.Fatal("chromedriver not found: install Debian's chromium-driver package (.ci/run does)")
	}
	// Not t.TempDir: Chromium's helpers may still write to their profile
	// for a moment after the browser is gone.
	dir, err := os.MkdirTemp("", "zauth-chromedriver")
	if err != nil {
		t.Fatal(err)
	}
	port := testsys.FreePort(t)
	cmd := exec.Command(driver, fmt.Sprintf("--port=%d", port), "--log-path="+filepath.Join(dir, "chromedriver.log"))
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &chrome{base: fmt.Sprintf("http://127.0.0.1:%d", port)}
	t.Cleanup(func() {
		if c.session != "" {
			c.call(t, http.MethodDelete, "", nil) // closes the browser
		}
		cmd.Process.Kill()
		cmd.Wait()
		os.RemoveAll(dir)
	})
	for i := 0; ; i++ {
		resp, err := http.Get(c.base + "/status")
		if err == nil {
			resp.Body.Close()
			break
		}
		if i == 100 {
			t.Fatalf("chromedriver did not start: %v", err)
		}
		sleep()
	}
	var created struct {
		SessionID string `json:"sessionId"`
	}
	c.decode(t, c.call(t, http.MethodPost, "/session", map[string]any{"capabilities": map[string]any{"alwaysMatch": map[string]any{
		"browserName": "chrome",
		"goog:chromeOptions": map[string]any{"binary": chromium, "args": []string{
			"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--password-store=basic",
			"--disable-background-networking", "--disable-component-update", "--disable-sync",
			"--disable-dev-shm-usage", "--user-data-dir=" + filepath.Join(dir, "profile"),
		}},
	}}}), &created)
	if created.SessionID == "" {
		t.Fatal("chromedriver created no session")
	}
	c.session = "/session/" + created.SessionID
	return c
}

// call sends one WebDriver command and returns its "value".
func (c *chrome) call(t *testing.T, method, path string, body any) json.RawMessage {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	target := c.base + path
	if !strings.HasPrefix(path, "/session") || path == "" {
		target = c.base + c.session + path
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, method, target, rd)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("webdriver %s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	var out struct {
		Value json.RawMessage `json:"value"`
	}
	data, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(data, &out); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("webdriver %s %s: HTTP %d %s", method, path, resp.StatusCode, data)
	}
	return out.Value
}

func (c *chrome) decode(t *testing.T, raw json.RawMessage, v any) {
	t.Helper()
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("webdriver answer %s: %v", raw, err)
	}
}

func (c *chrome) open(t *testing.T, u string) {
	t.Helper()
	c.call(t, http.MethodPost, "/url", map[string]string{"url": u})
}

// element finds one element by CSS selector.
func (c *chrome) element(t *testing.T, css string) string {
	t.Helper()
	var ref map[string]string
	c.decode(t, c.call(t, http.MethodPost, "/element", map[string]string{"using": "css selector", "value": css}), &ref)
	for _, id := range ref { // the key is the W3C element identifier
		return id
	}
	t.Fatalf("no element %s", css)
	return ""
}

func (c *chrome) fill(t *testing.T, css, text string) {
	t.Helper()
	c.call(t, http.MethodPost, "/element/"+c.element(t, css)+"/value", map[string]string{"text": text})
}

func (c *chrome) click(t *testing.T, css string) {
	t.Helper()
	c.call(t, http.MethodPost, "/element/"+c.element(t, css)+"/click", map[string]any{})
}

func (c *chrome) url(t *testing.T) string {
	t.Helper()
	var u string
	c.decode(t, c.call(t, http.MethodGet, "/url", nil), &u)
	return u
}

func (c *chrome) source(t *testing.T) string {
	t.Helper()
	var s string
	c.decode(t, c.call(t, http.MethodGet, "/source", nil), &s)
	return s
}

// TestInteropConfidentialClient: a confidential client (client_secret_basic)
// of a third-party OpenID Provider, from discovery to revocation.
func TestInteropConfidentialClient(t *testing.T) {
	h := isolated(t, emulator.Generic)
	op := startOP(t, h.redirect)
	c := newChrome(t)

	h.mustRun("", "providers", "add", "acme", "--issuer", op.issuer)
	h.setenv("ZAUTH_ACME_API_URL=" + op.issuer)
	h.mustRun(opWebSecret+"\n", "client", "set", "acme", "--client-id", "web", "--secret-stdin")

	r, landed := op.login(t, h, c, "--scope", "openid+profile+offline_access")
	if r.code != 0 {
		t.Fatalf("login: exit %d\n%s", r.code, r.stderr)
	}
	if !strings.HasPrefix(landed, h.redirect+"?") || !strings.Contains(c.source(t), "Logged in to acme") {
		t.Errorf("the browser ended on %s:\n%s", landed, c.source(t))
	}
	// OpenID Connect Core §11: offline_access yields a refresh token only
	// with prompt=consent, which the server enforces.
	rec, ok := h.record("default")
	if !ok || rec.RefreshToken == "" || !strings.Contains(r.stderr, "refreshable") || strings.Contains(r.stderr, "not refreshable") {
		t.Fatalf("login gave no refresh token: %+v\n%s", rec, r.stderr)
	}
	if tok := h.mustRun("", "token", "acme").stdout; tok != rec.AccessToken+"\n" {
		t.Errorf("token printed %q", tok)
	}
	if !op.active(t, rec.AccessToken) {
		t.Error("the server does not know the access token zauth stored")
	}

	h.mustRun("", "refresh", "acme")
	fresh, _ := h.record("default")
	if fresh.AccessToken == rec.AccessToken || fresh.RefreshToken == rec.RefreshToken || !op.active(t, fresh.AccessToken) {
		t.Errorf("refresh did not store the server's new (rotated) tokens")
	}

	r = h.mustRun("", "inspect", "acme", "--remote", "--json")
	var doc struct {
		Remote map[string]map[string]any `json:"remote"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Remote["userinfo"]["sub"] != "id1" || doc.Remote["introspection"]["active"] != true {
		t.Errorf("inspect --remote:\n%s", r.stdout)
	}

	if out := h.mustRun("", "api", "acme", "/userinfo").stdout; !strings.Contains(out, `"preferred_username":"`+opUser+`"`) &&
		!strings.Contains(out, `"preferred_username": "`+opUser+`"`) {
		t.Errorf("api /userinfo printed:\n%s", out)
	}
	if out := h.mustRun("", "exec", "acme", "--", "sh", "-c", `printf %s "$ZAUTH_ACCESS_TOKEN"`).stdout; out != fresh.AccessToken {
		t.Errorf("exec passed %q, want the stored token", out)
	}

	// A wrong client secret: the server refuses it, zauth says so and keeps
	// the stored login.
	h.mustRun("wrong-"+opWebSecret+"\n", "client", "set", "acme", "--client-id", "web", "--secret-stdin")
	before := h.rawRecord("default")
	h.run("", "refresh", "acme").expect(t, 2, "invalid_client", "zauth client show acme")
	if h.rawRecord("default") != before {
		t.Error("a refused refresh changed the stored login")
	}
	h.mustRun(opWebSecret+"\n", "client", "set", "acme", "--client-id", "web", "--secret-stdin")

	h.run("", "logout", "acme").expect(t, 0, "the tokens were revoked")
	if op.active(t, fresh.AccessToken) || op.refreshes(t, fresh.RefreshToken, "web") {
		t.Error("after logout the server still honours the tokens")
	}
	if _, ok := h.record("default"); ok {
		t.Error("logout left the record")
	}
}

// TestInteropPublicClient: a public (native) client of the same server,
// defined by discovery alone, on a loopback port chosen at login.
func TestInteropPublicClient(t *testing.T) {
	h := isolated(t, emulator.Generic)
	op := startOP(t, h.redirect)
	c := newChrome(t)

	// The server lists both client_secret_basic and none: with no secret
	// stored, zauth logs in as a public client.
	h.mustRun("", "providers", "add", "acme", "--issuer", op.issuer)
	h.mustRun("", "client", "set", "acme", "--client-id", "native")

	// RFC 8252 §7.3: the server accepts any loopback port for a native
	// client, so zauth may pick a free one.
	r, landed := op.login(t, h, c, "--port", "0", "--scope", "openid+offline_access")
	if r.code != 0 {
		t.Fatalf("login: exit %d\n%s", r.code, r.stderr)
	}
	u, err := url.Parse(landed)
	if err != nil || u.Hostname() != "127.0.0.1" || u.Port() == "" || u.Port() == "0" || "http://"+u.Host+u.Path == h.redirect {
		t.Errorf("the browser ended on %s, want the listener on a port picked at login", landed)
	}
	rec, ok := h.record("default")
	if !ok || rec.RefreshToken == "" {
		t.Fatalf("login gave no refresh token: %+v\n%s", rec, r.stderr)
	}

	h.mustRun("", "refresh", "acme")
	fresh, _ := h.record("default")
	if fresh.AccessToken == rec.AccessToken || op.userinfo(t, fresh.AccessToken) != http.StatusOK {
		t.Error("refresh as a public client did not store a working token")
	}

	// RFC 7662 §2.1: introspection needs client authentication, which a
	// public client does not have; userinfo still answers.
	r = h.run("", "inspect", "acme", "--remote")
	if r.code != 0 || !strings.Contains(r.stdout, `"sub": "id1"`) || !strings.Contains(r.stdout, "introspection: skipped") {
		t.Errorf("inspect --remote: exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
	}

	// --public makes the client type explicit: client_auth none.
	h.run("", "providers", "add", "acme", "--issuer", op.issuer, "--public").expect(t, 0, "client_auth: none")
	h.mustRun("", "refresh", "acme")
	fresh, _ = h.record("default")

	h.run("", "logout", "acme").expect(t, 0, "the tokens were revoked")
	if op.userinfo(t, fresh.AccessToken) == http.StatusOK || op.refreshes(t, fresh.RefreshToken, "native") {
		t.Error("after logout the server still honours the tokens")
	}
}
