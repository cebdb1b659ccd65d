package provider

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParseScopes(t *testing.T) {
	tests := []struct {
		in   []string
		want []string
	}{
		{[]string{"write_refunds+offline_access"}, []string{"write_refunds", "offline_access"}},
		{[]string{"user,wallet"}, []string{"user", "wallet"}},
		{[]string{"user wallet"}, []string{"user", "wallet"}},
		{[]string{"a", "b", "a"}, []string{"a", "b"}},
		{[]string{"a+b", "c,d", "e f"}, []string{"a", "b", "c", "d", "e", "f"}},
		{[]string{" ,+ "}, nil},
		{nil, nil},
	}
	for _, tt := range tests {
		if got := ParseScopes(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParseScopes(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCheckScopes(t *testing.T) {
	z, _ := Lookup("ziina")
	if err := z.CheckScopes([]string{"write_refunds", "offline_access"}); err != nil {
		t.Fatalf("valid scopes rejected: %v", err)
	}
	err := z.CheckScopes([]string{"write_refunds", "write_refund"})
	var u *UnknownScopeError
	if !errors.As(err, &u) {
		t.Fatalf("want UnknownScopeError, got %v", err)
	}
	if u.Scope != "write_refund" || u.Suggestion != "write_refunds" {
		t.Errorf("got scope %q suggestion %q", u.Scope, u.Suggestion)
	}
	for _, want := range []string{`did you mean "write_refunds"`, "read_account", "offline_access"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if err := z.CheckScopes([]string{"banana"}); err == nil || strings.Contains(err.Error(), "did you mean") {
		t.Errorf("far-off scope should have no suggestion: %v", err)
	}
}

func TestJoinScopes(t *testing.T) {
	z, _ := Lookup("ziina")
	b, _ := Lookup("zbd")
	if got := z.JoinScopes([]string{"a", "b"}); got != "a b" {
		t.Errorf("ziina join = %q", got)
	}
	if got := b.JoinScopes([]string{"user", "wallet"}); got != "user,wallet" {
		t.Errorf("zbd join = %q", got)
	}
}

func TestCheckEndpoint(t *testing.T) {
	for raw, ok := range map[string]bool{
		"https://auth.ziina.com/oidc/auth": true,
		"http://127.0.0.1:9000/x":          true,
		"http://[::1]:9000/x":              true,
		"http://localhost/x":               true,
		"http://auth.ziina.com/oidc/auth":  false,
		"ftp://x/y":                        false,
		"/relative":                        false,
		// RFC 6749 §3.1, §3.2: parameters appended after a fragment
		// would never reach the provider.
		"https://auth.example/authorize#x": false,
		"https://auth.example/authorize#":  false,
		// Shown to the user (providers add), where it would read as
		// another URL.
		"https://auth.example/\u202emoc.live": false,
		"https://auth.example/a\u009b2J":      false,
		"https://auth.example/é":              true,
	} {
		if err := CheckEndpoint(raw); (err == nil) != ok {
			t.Errorf("CheckEndpoint(%q) = %v, want ok=%v", raw, err, ok)
		}
	}
}

func TestLookupReturnsCopy(t *testing.T) {
	a, _ := Lookup("ZBD")
	a.Scopes[0].Name = "changed"
	a.TokenURL = "x"
	b, _ := Lookup("zbd")
	if b.Scopes[0].Name != "user" || b.TokenURL == "x" {
		t.Fatal("Lookup leaked the built-in definition")
	}
}

func FuzzParseScopes(f *testing.F) {
	for _, s := range []string{"a+b", "user,wallet", "a b", "", "++,,", "write_refunds+offline_access"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, sc := range ParseScopes([]string{s}) {
			if sc == "" || strings.ContainsAny(sc, "+, \t\n") {
				t.Fatalf("bad scope %q from %q", sc, s)
			}
		}
	})
}

func TestFromDefinition(t *testing.T) {
	p, err := FromDefinition("acme", map[string]any{
		"auth_url": "https://a.example/auth", "token_url": "https://a.example/token",
		"client_auth": "post", "scopes": map[string]any{"write": "w", "read": "r"}, "iss_on_redirect": true,
	})
	if err != nil {
		t.Fatal(err)
	}
	if p.DisplayName != "acme" || p.ClientAuth != AuthPost || p.TokenBody != BodyForm || p.PKCE != PKCES256 ||
		!p.IssOnRedirect || p.ScopeNames()[0] != "read" || p.Validate() != nil {
		t.Errorf("provider: %+v", p)
	}
	if _, err := FromDefinition("acme", map[string]any{"auth_url": "https://a/x", "token_url": "https://a/t", "client_auth": "magic"}); err == nil || !strings.Contains(err.Error(), "client_auth") {
		t.Errorf("bad client_auth: %v", err)
	}
	// A Provider built in code is checked by Validate the same way.
	bad := Custom("acme")
	bad.AuthURL, bad.TokenURL, bad.APIAuth = "https://a/x", "https://a/t", "usertokn"
	if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), "bearer or usertoken") {
		t.Errorf("bad api_auth: %v", err)
	}
	if _, err := FromDefinition("acme", map[string]any{"scopes": []any{map[string]any{"name": "a b"}}}); err == nil {
		t.Error("accepted a scope name with a space")
	}
	if _, err := FromDefinition("acme", map[string]any{"scopes": 7}); err == nil {
		t.Error("accepted scopes: 7")
	}
}

func TestBuiltinsAreValid(t *testing.T) {
	for _, n := range Names() {
		p, _ := Lookup(n)
		if err := p.Validate(); err != nil || len(p.Scopes) == 0 {
			t.Errorf("%s: %v", n, err)
		}
	}
	// That their fields are builtin.yaml's: TestBuiltinDefinitionsHonoured.
}

// TestConsentRuleDefault: OpenID Connect Core §11 (offline_access needs
// prompt=consent) applies to every OpenID provider unless its definition
// says otherwise; ZBD, not an OpenID provider, keeps its behaviour.
func TestConsentRuleDefault(t *testing.T) {
	base := func(extra map[string]any) map[string]any {
		def := map[string]any{"auth_url": "https://a.example/auth", "token_url": "https://a.example/token"}
		for k, v := range extra {
			def[k] = v
		}
		return def
	}
	for _, c := range []struct {
		def  map[string]any
		want bool
	}{
		{base(map[string]any{"scopes": map[string]any{"openid": "", "offline_access": ""}}), true},
		{base(map[string]any{"scopes": []any{map[string]any{"name": "openid"}}}), true},
		{base(map[string]any{"scopes": map[string]any{"openid": ""}, "consent_for_offline": false}), false},
		{base(map[string]any{"scopes": map[string]any{"read": "", "offline_access": ""}}), false},
		{base(map[string]any{"consent_for_offline": true}), true},
	} {
		p, err := FromDefinition("acme", c.def)
		if err != nil || p.ConsentForOffline != c.want {
			t.Errorf("%v: consent_for_offline %v, want %v (%v)", c.def, p.ConsentForOffline, c.want, err)
		}
	}
	if z, _ := Lookup("zbd"); z.ConsentForOffline {
		t.Error("zbd got the OpenID consent rule")
	}
}
