package emulator

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	redirect = "http://127.0.0.1:8765/callback"
	verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk-0123456789"
)

// noFollow stops at the emulator's redirects: the redirect URI is not served.
var noFollow = &http.Client{
	Timeout:       5 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

func ziina(t *testing.T, opts Options) *Server {
	t.Helper()
	opts.ClientID, opts.Username, opts.Password = "ziina-client", "ziina-user", "p@ss:word"
	opts.RedirectURIs = []string{redirect}
	s := New(Ziina, opts)
	t.Cleanup(s.Close)
	return s
}

func zbd(t *testing.T, opts Options) *Server {
	t.Helper()
	opts.ClientID, opts.ClientSecret, opts.APIKey = "zbd-client", "zbd-secret", "zbd-apikey"
	opts.RedirectURIs = []string{redirect}
	s := New(ZBD, opts)
	t.Cleanup(s.Close)
	return s
}

// authQuery is a valid authorization request for s, PKCE included.
func authQuery(s *Server, scope string) url.Values {
	id := "ziina-client"
	if s.kind == ZBD {
		id = "zbd-client"
	}
	return url.Values{"client_id": {id}, "redirect_uri": {redirect}, "response_type": {"code"},
		"scope": {scope}, "state": {"st-123"}, "code_challenge": {s256(verifier)}, "code_challenge_method": {"S256"}}
}

// authorize loads the consent page, submits decision and returns the query
// of the redirect back to the client.
func authorize(t *testing.T, s *Server, q url.Values, decision string) url.Values {
	t.Helper()
	resp, err := noFollow.Get(s.AuthURL() + "?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	page := body(t, resp)
	if resp.StatusCode != 200 {
		return redirectQuery(t, resp, page)
	}
	action, fields, err := ParseForm(resp.Request.URL.String(), page)
	if err != nil {
		t.Fatalf("%v:\n%s", err, page)
	}
	fields.Set("decision", decision)
	resp, err = noFollow.PostForm(action, fields)
	if err != nil {
		t.Fatal(err)
	}
	return redirectQuery(t, resp, body(t, resp))
}

func redirectQuery(t *testing.T, resp *http.Response, page string) url.Values {
	t.Helper()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("status %d, want a 303 redirect:\n%s", resp.StatusCode, page)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	if base := loc.Scheme + "://" + loc.Host + loc.Path; base != redirect {
		t.Fatalf("redirected to %s, want %s", base, redirect)
	}
	return loc.Query()
}

func body(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// ziinaToken posts a form to Ziina's token endpoint; user "" sends no Basic.
func ziinaToken(t *testing.T, s *Server, user, pass string, form url.Values) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest("POST", s.TokenURL(), strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if user != "" {
		// RFC 6749 §2.3.1: form-encode before Basic, as x/oauth2 does.
		req.SetBasicAuth(url.QueryEscape(user), url.QueryEscape(pass))
	}
	return do(t, req)
}

func zbdToken(t *testing.T, s *Server, params map[string]string) (int, map[string]any) {
	t.Helper()
	b, _ := json.Marshal(params)
	req, _ := http.NewRequest("POST", s.TokenURL(), bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	return do(t, req)
}

func do(t *testing.T, req *http.Request) (int, map[string]any) {
	t.Helper()
	resp, err := noFollow.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	raw := body(t, resp)
	var m map[string]any
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		t.Fatalf("status %d, body not JSON: %q", resp.StatusCode, raw)
	}
	return resp.StatusCode, m
}

func wantError(t *testing.T, status int, m map[string]any, wantStatus int, code string) {
	t.Helper()
	if status != wantStatus || m["error"] != code || m["error_description"] == "" {
		t.Errorf("got %d %v, want %d error=%s with a description", status, m, wantStatus, code)
	}
}

func codeForm(code string) url.Values {
	return url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirect}, "code_verifier": {verifier}}
}

func TestZiinaCodeFlow(t *testing.T) {
	s := ziina(t, Options{})
	q := authQuery(s, "read_account offline_access")
	q.Set("prompt", "consent")
	back := authorize(t, s, q, "approve")
	if back.Get("state") != "st-123" || back.Get("iss") != s.Issuer || s.Issuer != s.URL || back.Get("code") == "" {
		t.Fatalf("redirect query %v", back)
	}
	if got := s.LastAuthRequest().Get("prompt"); got != "consent" {
		t.Errorf("LastAuthRequest prompt = %q", got)
	}
	status, tok := ziinaToken(t, s, "ziina-user", "p@ss:word", codeForm(back.Get("code")))
	if status != 200 || tok["token_type"] != "Bearer" || tok["expires_in"] != 3600.0 ||
		tok["scope"] != "read_account offline_access" || tok["refresh_token"] == nil {
		t.Fatalf("token response %d %v", status, tok)
	}
	if at := tok["access_token"].(string); len(at) < 43 || strings.Count(at, ".") != 0 {
		t.Errorf("access token %q is not a 32-byte opaque value", at)
	}
	// Codes are single use.
	status, m := ziinaToken(t, s, "ziina-user", "p@ss:word", codeForm(back.Get("code")))
	wantError(t, status, m, 400, "invalid_grant")
	if s.TokenRequests() != 2 || s.RefreshRequests() != 0 {
		t.Errorf("TokenRequests %d RefreshRequests %d", s.TokenRequests(), s.RefreshRequests())
	}

	req, _ := http.NewRequest("GET", s.APIURL()+"/account", nil)
	req.Header.Set("Authorization", "Bearer "+tok["access_token"].(string))
	status, acct := do(t, req)
	if status != 200 || acct["account_type"] != "business" || acct["status"] != "active" || acct["account_id"] == "" {
		t.Errorf("account %d %v", status, acct)
	}
	for _, k := range []string{"account_id", "account_type", "status", "ziiname", "display_name", "profile_picture_url"} {
		if _, ok := acct[k]; !ok {
			t.Errorf("account lacks %s", k)
		}
	}
}

func TestZiinaOfflineAccessNeedsPromptConsent(t *testing.T) {
	s := ziina(t, Options{})
	back := authorize(t, s, authQuery(s, "read_account offline_access"), "approve")
	status, tok := ziinaToken(t, s, "ziina-user", "p@ss:word", codeForm(back.Get("code")))
	if status != 200 || tok["refresh_token"] != nil || tok["scope"] != "read_account" {
		t.Errorf("without prompt=consent: %d %v", status, tok)
	}
}

func TestZiinaPKCEIsOptionalButChecked(t *testing.T) {
	s := ziina(t, Options{})
	q := authQuery(s, "read_account")
	q.Del("code_challenge")
	q.Del("code_challenge_method")
	back := authorize(t, s, q, "approve")
	form := codeForm(back.Get("code"))
	form.Del("code_verifier")
	if status, m := ziinaToken(t, s, "ziina-user", "p@ss:word", form); status != 200 {
		t.Errorf("without PKCE: %d %v", status, m)
	}

	back = authorize(t, s, authQuery(s, "read_account"), "approve")
	form = codeForm(back.Get("code"))
	form.Set("code_verifier", verifier+"x")
	status, m := ziinaToken(t, s, "ziina-user", "p@ss:word", form)
	wantError(t, status, m, 400, "invalid_grant")
	form.Del("code_verifier")
	status, m = ziinaToken(t, s, "ziina-user", "p@ss:word", form)
	wantError(t, status, m, 400, "invalid_grant")
}

func TestZiinaTokenEndpointRejects(t *testing.T) {
	s := ziina(t, Options{})
	code := func() string { return authorize(t, s, authQuery(s, "read_account"), "approve").Get("code") }

	c := code()
	status, m := ziinaToken(t, s, "", "", codeForm(c))
	wantError(t, status, m, 401, "invalid_client")
	status, m = ziinaToken(t, s, "ziina-user", "wrong", codeForm(c))
	wantError(t, status, m, 401, "invalid_client")
	status, m = ziinaToken(t, s, "ziina-client", "p@ss:word", codeForm(c))
	wantError(t, status, m, 401, "invalid_client")

	form := codeForm(c)
	form.Set("redirect_uri", "http://127.0.0.1:8765/other")
	status, m = ziinaToken(t, s, "ziina-user", "p@ss:word", form)
	wantError(t, status, m, 400, "invalid_grant")

	b, _ := json.Marshal(map[string]string{"grant_type": "authorization_code", "code": code(), "redirect_uri": redirect, "code_verifier": verifier})
	req, _ := http.NewRequest("POST", s.TokenURL(), bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	req.SetBasicAuth("ziina-user", url.QueryEscape("p@ss:word"))
	status, m = do(t, req)
	wantError(t, status, m, 400, "invalid_request")

	form = codeForm(code())
	form.Set("grant_type", "password")
	status, m = ziinaToken(t, s, "ziina-user", "p@ss:word", form)
	wantError(t, status, m, 400, "unsupported_grant_type")
}

func TestCodeExpiresAfterCodeTTL(t *testing.T) {
	s := ziina(t, Options{CodeTTL: 30 * time.Second})
	now := time.Now()
	var mu sync.Mutex
	s.SetNow(func() time.Time { mu.Lock(); defer mu.Unlock(); return now })
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }

	c := authorize(t, s, authQuery(s, "read_account"), "approve").Get("code")
	advance(29 * time.Second)
	if status, m := ziinaToken(t, s, "ziina-user", "p@ss:word", codeForm(c)); status != 200 {
		t.Errorf("code within its lifetime: %d %v", status, m)
	}
	c = authorize(t, s, authQuery(s, "read_account"), "approve").Get("code")
	advance(31 * time.Second)
	status, m := ziinaToken(t, s, "ziina-user", "p@ss:word", codeForm(c))
	wantError(t, status, m, 400, "invalid_grant")
}

func TestAuthorizeErrors(t *testing.T) {
	s := ziina(t, Options{})
	// Before the redirect URI is trusted: the provider's own 400 page.
	for name, edit := range map[string]func(url.Values){
		"unknown client":   func(q url.Values) { q.Set("client_id", "nope") },
		"unregistered uri": func(q url.Values) { q.Set("redirect_uri", redirect+"/") },
		"missing uri":      func(q url.Values) { q.Del("redirect_uri") },
	} {
		q := authQuery(s, "read_account")
		edit(q)
		resp, err := noFollow.Get(s.AuthURL() + "?" + q.Encode())
		if err != nil {
			t.Fatal(err)
		}
		page := body(t, resp)
		if resp.StatusCode != 400 || resp.Header.Get("Location") != "" ||
			!strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || strings.Contains(page, "<form") {
			t.Errorf("%s: %d %q %s", name, resp.StatusCode, resp.Header.Get("Location"), page)
		}
	}
	// After: an error redirect with state and iss.
	for name, tc := range map[string]struct {
		edit func(url.Values)
		want string
	}{
		"response_type": {func(q url.Values) { q.Set("response_type", "token") }, "unsupported_response_type"},
		"plain PKCE":    {func(q url.Values) { q.Set("code_challenge_method", "plain") }, "invalid_request"},
		"no method":     {func(q url.Values) { q.Del("code_challenge_method") }, "invalid_request"},
		"unknown scope": {func(q url.Values) { q.Set("scope", "read_account read_everything") }, "invalid_scope"},
	} {
		q := authQuery(s, "read_account")
		tc.edit(q)
		back := authorize(t, s, q, "approve")
		if back.Get("error") != tc.want || back.Get("error_description") == "" || back.Get("state") != "st-123" ||
			back.Get("iss") != s.Issuer || back.Has("code") {
			t.Errorf("%s: %v", name, back)
		}
	}
	back := authorize(t, s, authQuery(s, "read_account"), "deny")
	if back.Get("error") != "access_denied" || back.Get("state") != "st-123" || back.Get("iss") != s.Issuer || back.Has("code") {
		t.Errorf("deny: %v", back)
	}
	// An interaction is answered once.
	resp, err := noFollow.PostForm(s.AuthURL()+"/decision", url.Values{"interaction": {"forged"}, "decision": {"approve"}})
	if err != nil {
		t.Fatal(err)
	}
	if body(t, resp); resp.StatusCode != 400 {
		t.Errorf("forged interaction: %d", resp.StatusCode)
	}
}

func TestRefreshRotation(t *testing.T) {
	s := ziina(t, Options{})
	refresh := func(rt string) (int, map[string]any) {
		return ziinaToken(t, s, "ziina-user", "p@ss:word", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}})
	}
	_, rt := s.IssueToken([]string{"read_account", "offline_access"}, true, time.Minute)
	status, tok := refresh(rt)
	if status != 200 || tok["refresh_token"] == nil || tok["refresh_token"] == rt || tok["scope"] != "read_account offline_access" {
		t.Fatalf("refresh: %d %v", status, tok)
	}
	status, m := refresh(rt)
	wantError(t, status, m, 400, "invalid_grant")
	status, m = ziinaToken(t, s, "", "", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok["refresh_token"].(string)}})
	wantError(t, status, m, 401, "invalid_client")
	if status, m := refresh(tok["refresh_token"].(string)); status != 200 {
		t.Errorf("rotated refresh token: %d %v", status, m)
	}
	if n := s.RefreshRequests(); n != 4 {
		t.Errorf("RefreshRequests = %d, want 4 (failures count)", n)
	}

	no := false
	s = ziina(t, Options{RotateRefresh: &no})
	_, rt = s.IssueToken([]string{"read_account", "offline_access"}, true, time.Minute)
	for range 2 {
		if status, tok := refresh(rt); status != 200 || tok["refresh_token"] != nil {
			t.Errorf("without rotation: %d %v", status, tok)
		}
	}
	s.RevokeAllRefreshTokens()
	status, m = refresh(rt)
	wantError(t, status, m, 400, "invalid_grant")
}

func TestConcurrentRefresh(t *testing.T) {
	s := zbd(t, Options{})
	_, rt := s.IssueToken([]string{"user"}, true, time.Minute)
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok := 0
	for range 20 {
		wg.Go(func() {
			status, _ := zbdToken(t, s, map[string]string{"client_id": "zbd-client", "client_secret": "zbd-secret",
				"grant_type": "refresh_token", "redirect_uri": redirect, "refresh_token": rt})
			mu.Lock()
			defer mu.Unlock()
			if status == 200 {
				ok++
			}
		})
	}
	wg.Wait()
	if ok != 1 || s.RefreshRequests() != 20 || s.TokenRequests() != 20 {
		t.Errorf("%d refreshes succeeded, RefreshRequests %d, TokenRequests %d", ok, s.RefreshRequests(), s.TokenRequests())
	}
}

func TestZBDCodeFlow(t *testing.T) {
	for _, camel := range []bool{false, true} {
		s := zbd(t, Options{CamelCase: camel})
		back := authorize(t, s, authQuery(s, "user,wallet"), "approve")
		if back.Get("state") != "st-123" || back.Has("iss") || back.Get("code") == "" || s.Issuer != "" {
			t.Fatalf("redirect query %v", back)
		}
		params := map[string]string{"client_id": "zbd-client", "client_secret": "zbd-secret", "grant_type": "authorization_code",
			"redirect_uri": redirect, "code": back.Get("code"), "code_verifier": verifier}
		status, tok := zbdToken(t, s, params)
		access, refresh := "access_token", "refresh_token"
		if camel {
			access, refresh = "accessToken", "refreshToken"
			if tok["tokenType"] != "Bearer" || tok["expiresIn"] != 3600.0 || tok["access_token"] != nil {
				t.Errorf("camelCase response %v", tok)
			}
		} else if tok["token_type"] != "Bearer" || tok["expires_in"] != 3600.0 || tok["refresh_token_expires_in"] == nil {
			t.Errorf("snake_case response %v", tok)
		}
		if status != 200 || tok[access] == nil || tok[refresh] == nil || tok["scope"] != "user,wallet" {
			t.Fatalf("camel=%v token response %d %v", camel, status, tok)
		}
		status, tok = zbdToken(t, s, map[string]string{"client_id": "zbd-client", "client_secret": "zbd-secret",
			"grant_type": "refresh_token", "redirect_uri": redirect, "refresh_token": tok[refresh].(string)})
		if status != 200 || tok[access] == nil || tok[refresh] == nil {
			t.Errorf("camel=%v refresh %d %v", camel, status, tok)
		}
	}
}

func TestZBDRejects(t *testing.T) {
	s := zbd(t, Options{})
	// PKCE is required: an error redirect, without iss.
	q := authQuery(s, "user")
	q.Del("code_challenge")
	q.Del("code_challenge_method")
	if back := authorize(t, s, q, "approve"); back.Get("error") != "invalid_request" || back.Has("iss") || back.Get("state") != "st-123" {
		t.Errorf("without PKCE: %v", back)
	}
	// Space-separated scopes are accepted too.
	code := func() string { return authorize(t, s, authQuery(s, "user wallet"), "approve").Get("code") }
	good := func() map[string]string {
		return map[string]string{"client_id": "zbd-client", "client_secret": "zbd-secret", "grant_type": "authorization_code",
			"redirect_uri": redirect, "code": code(), "code_verifier": verifier}
	}
	for name, tc := range map[string]struct {
		edit   func(map[string]string)
		status int
		err    string
	}{
		"wrong secret":    {func(p map[string]string) { p["client_secret"] = "guess" }, 401, "invalid_client"},
		"wrong client":    {func(p map[string]string) { p["client_id"] = "other" }, 401, "invalid_client"},
		"wrong redirect":  {func(p map[string]string) { p["redirect_uri"] = redirect + "2" }, 400, "invalid_grant"},
		"no verifier":     {func(p map[string]string) { delete(p, "code_verifier") }, 400, "invalid_grant"},
		"wrong verifier":  {func(p map[string]string) { p["code_verifier"] = verifier[1:] }, 400, "invalid_grant"},
		"unknown code":    {func(p map[string]string) { p["code"] = "nope" }, 400, "invalid_grant"},
		"unknown refresh": {func(p map[string]string) { p["grant_type"], p["refresh_token"] = "refresh_token", "nope" }, 400, "invalid_grant"},
	} {
		p := good()
		tc.edit(p)
		status, m := zbdToken(t, s, p)
		if status != tc.status || m["error"] != tc.err {
			t.Errorf("%s: %d %v", name, status, m)
		}
	}
	// A form body is refused.
	form := url.Values{}
	for k, v := range good() {
		form.Set(k, v)
	}
	req, _ := http.NewRequest("POST", s.TokenURL(), strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	status, m := do(t, req)
	wantError(t, status, m, 400, "invalid_request")
	// A refresh must repeat the redirect URI.
	_, rt := s.IssueToken([]string{"user"}, true, time.Minute)
	status, m = zbdToken(t, s, map[string]string{"client_id": "zbd-client", "client_secret": "zbd-secret",
		"grant_type": "refresh_token", "redirect_uri": "http://127.0.0.1:1/x", "refresh_token": rt})
	wantError(t, status, m, 400, "invalid_grant")
}

func TestZBDDataEndpoints(t *testing.T) {
	s := zbd(t, Options{})
	userOnly, _ := s.IssueToken([]string{"user"}, false, time.Minute)
	get := func(path, apikey, usertoken string) (int, map[string]any) {
		req, _ := http.NewRequest("GET", s.APIURL()+path, nil)
		req.Header.Set("apikey", apikey)
		req.Header.Set("usertoken", usertoken)
		return do(t, req)
	}
	status, m := get("/v1/oauth2/user", "zbd-apikey", userOnly)
	data, _ := m["data"].(map[string]any)
	if status != 200 || m["success"] != true || data["gamertag"] == nil || data["lightningAddress"] == nil {
		t.Errorf("user: %d %v", status, m)
	}
	if status, m := get("/v1/oauth2/wallet", "zbd-apikey", userOnly); status != 403 {
		t.Errorf("wallet without the wallet scope: %d %v", status, m)
	}
	both, _ := s.IssueToken([]string{"user", "wallet"}, false, time.Minute)
	status, m = get("/v1/oauth2/wallet", "zbd-apikey", both)
	if data, _ := m["data"].(map[string]any); status != 200 || data["balance"] != "98251000" {
		t.Errorf("wallet: %d %v", status, m)
	}
	if status, _ := get("/v1/oauth2/user", "wrong", both); status != 401 {
		t.Errorf("wrong apikey: %d", status)
	}
	if status, _ := get("/v1/oauth2/user", "zbd-apikey", "unknown"); status != 401 {
		t.Errorf("unknown usertoken: %d", status)
	}
	expired, _ := s.IssueToken([]string{"user"}, false, -time.Second)
	if status, _ := get("/v1/oauth2/user", "zbd-apikey", expired); status != 401 {
		t.Errorf("expired usertoken: %d", status)
	}
}

func TestZiinaAccountAuth(t *testing.T) {
	s := ziina(t, Options{})
	get := func(auth string) int {
		req, _ := http.NewRequest("GET", s.APIURL()+"/account", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		status, _ := do(t, req)
		return status
	}
	good, _ := s.IssueToken([]string{"read_account"}, false, time.Minute)
	narrow, _ := s.IssueToken([]string{"write_refunds"}, false, time.Minute)
	short, _ := s.IssueToken([]string{"read_account"}, false, 10*time.Second)
	if got := get("Bearer " + good); got != 200 {
		t.Errorf("good token: %d", got)
	}
	if got := get("Bearer " + narrow); got != 403 {
		t.Errorf("without read_account: %d", got)
	}
	if got := get(""); got != 401 {
		t.Errorf("no token: %d", got)
	}
	if got := get("Basic " + good); got != 401 {
		t.Errorf("not a bearer: %d", got)
	}
	s.SetNow(func() time.Time { return time.Now().Add(time.Minute) })
	if got := get("Bearer " + short); got != 401 {
		t.Errorf("expired token: %d", got)
	}
}

func TestZiinaDiscovery(t *testing.T) {
	s := ziina(t, Options{})
	resp, err := http.Get(s.URL + "/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	if body(t, resp); resp.StatusCode != 404 {
		t.Errorf("root discovery: %d", resp.StatusCode)
	}
	req, _ := http.NewRequest("GET", s.URL+"/oidc/.well-known/openid-configuration", nil)
	status, doc := do(t, req)
	if status != 200 || doc["issuer"] != s.Issuer || doc["authorization_endpoint"] != s.AuthURL() ||
		doc["token_endpoint"] != s.TokenURL() || doc["userinfo_endpoint"] != s.URL+"/oidc/me" ||
		doc["jwks_uri"] != s.URL+"/oidc/jwks" || doc["authorization_response_iss_parameter_supported"] != true {
		t.Errorf("discovery %d %v", status, doc)
	}
	if m, _ := doc["code_challenge_methods_supported"].([]any); len(m) != 1 || m[0] != "S256" {
		t.Errorf("code_challenge_methods_supported %v", doc["code_challenge_methods_supported"])
	}
	if _, ok := doc["revocation_endpoint"]; ok {
		t.Error("Ziina lists no revocation endpoint")
	}
}

func TestJWTAccessTokens(t *testing.T) {
	s := ziina(t, Options{JWTAccessTokens: true})
	at, rt := s.IssueToken([]string{"read_account", "offline_access"}, true, time.Hour)
	parts := strings.Split(at, ".")
	if len(parts) != 3 || strings.Contains(rt, ".") {
		t.Fatalf("access %q refresh %q", at, rt)
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var claims map[string]any
	if err := json.Unmarshal(raw, &claims); err != nil {
		t.Fatal(err)
	}
	exp, _ := claims["exp"].(float64)
	iat, _ := claims["iat"].(float64)
	if claims["iss"] != s.Issuer || claims["sub"] == nil || claims["scope"] != "read_account offline_access" || exp-iat != 3600 {
		t.Errorf("claims %v", claims)
	}
	req, _ := http.NewRequest("GET", s.APIURL()+"/account", nil)
	req.Header.Set("Authorization", "Bearer "+at)
	if status, _ := do(t, req); status != 200 {
		t.Errorf("the JWT is not accepted by the API: %d", status)
	}
}

func TestTokenFaults(t *testing.T) {
	s := ziina(t, Options{})
	_, rt := s.IssueToken([]string{"offline_access"}, true, time.Minute)
	post := func(c *http.Client) (*http.Response, error) {
		req, _ := http.NewRequest("POST", s.TokenURL(), strings.NewReader(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth("ziina-user", url.QueryEscape("p@ss:word"))
		return c.Do(req)
	}

	s.InjectTokenFault(Fault{Status: 503, Body: "<html>down</html>", ContentType: "text/html", Times: 2})
	for range 2 {
		resp, err := post(noFollow)
		if err != nil {
			t.Fatal(err)
		}
		if b := body(t, resp); resp.StatusCode != 503 || b != "<html>down</html>" || resp.Header.Get("Content-Type") != "text/html" {
			t.Errorf("fault: %d %q %q", resp.StatusCode, resp.Header.Get("Content-Type"), b)
		}
	}
	// A delay alone answers normally, late.
	s.InjectTokenFault(Fault{Delay: 50 * time.Millisecond})
	start := time.Now()
	resp, err := post(noFollow)
	if err != nil {
		t.Fatal(err)
	}
	if body(t, resp); resp.StatusCode != 200 || time.Since(start) < 50*time.Millisecond {
		t.Errorf("delayed: %d after %v", resp.StatusCode, time.Since(start))
	}
	// A hang lasts until the client gives up.
	s.InjectTokenFault(Fault{Hang: true})
	_, err = post(&http.Client{Timeout: 100 * time.Millisecond})
	var ue *url.Error
	if !errors.As(err, &ue) || !ue.Timeout() {
		t.Errorf("hang: %v", err)
	}
	if s.TokenRequests() != 4 {
		t.Errorf("TokenRequests = %d", s.TokenRequests())
	}
}

func TestCloseReleasesHang(t *testing.T) {
	s := New(Ziina, Options{ClientID: "c", RedirectURIs: []string{redirect}})
	s.InjectTokenFault(Fault{Hang: true})
	errc := make(chan error, 1)
	go func() {
		req, _ := http.NewRequestWithContext(context.Background(), "POST", s.TokenURL(), strings.NewReader("grant_type=refresh_token"))
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		errc <- err
	}()
	for s.TokenRequests() == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	done := make(chan struct{})
	go func() { s.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("Close blocked on a hanging request")
	}
	<-errc
	s.Close() // twice is fine
}

func TestAutoSubmitConsentPage(t *testing.T) {
	s := ziina(t, Options{AutoSubmit: true})
	resp, err := http.Get(s.AuthURL() + "?" + authQuery(s, "read_account").Encode())
	if err != nil {
		t.Fatal(err)
	}
	page := body(t, resp)
	_, fields, err := ParseForm(resp.Request.URL.String(), page)
	if err != nil || !strings.Contains(page, "<script>") || fields.Get("decision") != "approve" || fields.Get("interaction") == "" {
		t.Errorf("auto-submit page (%v): %v\n%s", err, fields, page)
	}
}

func TestParseForm(t *testing.T) {
	page := `<html><form class="x" method="post" action="/a/decision?x=1&amp;y=2">
<input type="hidden" name="interaction" value="a&amp;b">
<input type="text" name="visible" value="no">
<input name="late" type="hidden" value="v">
</form><form action="/second"><input type="hidden" name="other" value="1"></form>`
	action, fields, err := ParseForm("http://127.0.0.1:1/a/auth?q=1", page)
	if err != nil || action != "http://127.0.0.1:1/a/decision?x=1&y=2" || fields.Get("interaction") != "a&b" ||
		fields.Has("visible") || fields.Get("late") != "v" {
		t.Errorf("ParseForm = %q %v %v", action, fields, err)
	}
	if _, _, err := ParseForm("http://127.0.0.1:1/", "<p>no form</p>"); err == nil {
		t.Error("a page without a form parsed")
	}
}

func TestGenericServer(t *testing.T) {
	s := New(Generic, Options{ClientID: "gen", ClientSecret: "gen-secret", RedirectURIs: []string{redirect}})
	t.Cleanup(s.Close)
	for _, p := range []string{"/.well-known/oauth-authorization-server", "/.well-known/openid-configuration"} {
		req, _ := http.NewRequest("GET", s.URL+p, nil)
		if status, doc := do(t, req); status != 200 || doc["issuer"] != s.URL || doc["revocation_endpoint"] != s.URL+"/revoke" {
			t.Errorf("%s: %d %v", p, status, doc)
		}
	}
	q := authQuery(s, "openid offline_access")
	q.Set("client_id", "gen")
	back := authorize(t, s, q, "approve")
	if back.Get("iss") != s.Issuer {
		t.Errorf("redirect query %v", back)
	}
	// client_secret_post
	form := codeForm(back.Get("code"))
	form.Set("client_id", "gen")
	form.Set("client_secret", "gen-secret")
	req, _ := http.NewRequest("POST", s.TokenURL(), strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	status, tok := do(t, req)
	if status != 200 || tok["refresh_token"] == nil {
		t.Fatalf("token: %d %v", status, tok)
	}
	at := tok["access_token"].(string)
	// client_secret_basic
	call := func(path string, v url.Values) (int, map[string]any) {
		req, _ := http.NewRequest("POST", s.URL+path, strings.NewReader(v.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth("gen", "gen-secret")
		return do(t, req)
	}
	if status, m := call("/introspect", url.Values{"token": {at}}); status != 200 || m["active"] != true {
		t.Errorf("introspect: %d %v", status, m)
	}
	req, _ = http.NewRequest("GET", s.URL+"/userinfo", nil)
	req.Header.Set("Authorization", "Bearer "+at)
	if status, m := do(t, req); status != 200 || m["sub"] == nil {
		t.Errorf("userinfo: %d %v", status, m)
	}
	req, _ = http.NewRequest("POST", s.URL+"/revoke", strings.NewReader(url.Values{"token": {at}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth("gen", "gen-secret")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if body(t, resp); resp.StatusCode != 200 || s.RevokedTokens() != 1 {
		t.Errorf("revoke: %d, RevokedTokens %d", resp.StatusCode, s.RevokedTokens())
	}
	if status, m := call("/introspect", url.Values{"token": {at}}); status != 200 || m["active"] != false {
		t.Errorf("introspect after revocation: %d %v", status, m)
	}
	if status, m := call("/introspect", url.Values{"token": {at}, "client_secret": {"x"}}); status != 200 {
		t.Errorf("Basic wins over a body secret: %d %v", status, m)
	}
}
