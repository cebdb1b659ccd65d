package config

import (
	"strings"
	"testing"
)

func TestProblems(t *testing.T) {
	file := writeFile(t, `
ziina:
  clientid: abc            # typo
  client_id: abc
  redirect_uri: http://example.com/cb
zbd:
  token_url: http://zbd.example.com/token
acme:
  client_id: x
providers:
  acme:
    auth_url: https://login.acme.example/authorize
    token_url: https://login.acme.example/token
    tokne_url: https://login.acme.example/token
zibna:
  client_id: y
`)
	t.Setenv("ZAUTH_HTTP_TIMEOUT", "bogus")
	t.Setenv("ZAUTH_KEYRING_TIMEOUT", "5s")
	t.Setenv("ZAUTH_STORAGE", "disk")
	c, err := Load(file)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range c.Problems() {
		got = append(got, p.Message)
	}
	all := strings.Join(got, "\n")
	for _, want := range []string{
		"unknown key ziina.clientid in the config file; did you mean ziina.client_id?",
		"ziina.redirect_uri: redirect URI \"http://example.com/cb\" is not on a loopback host",
		"zbd.token_url: \"http://zbd.example.com/token\" must use https",
		"unknown key providers.acme.tokne_url in the config file; did you mean providers.acme.token_url?",
		"unknown key zibna.client_id in the config file; did you mean ziina?",
		`ZAUTH_HTTP_TIMEOUT="bogus" is not a valid value`,
		`ZAUTH_STORAGE="disk" is not a valid value`,
	} {
		if !strings.Contains(all, want) {
			t.Errorf("problems lack %q:\n%s", want, all)
		}
	}
	if len(got) != 7 {
		t.Errorf("want 7 problems, got %d:\n%s", len(got), all)
	}
}

func TestNoProblems(t *testing.T) {
	file := writeFile(t, "ziina:\n  client_id: a\n  username: u\n  scopes: [read_account]\n  redirect_uri: http://127.0.0.1:9000/cb\n")
	c, err := Load(file)
	if err != nil {
		t.Fatal(err)
	}
	if p := c.Problems(); len(p) != 0 {
		t.Errorf("clean config: %v", p)
	}
}

func TestClosest(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"clientid", "client_id"}, {"client-id", "client_id"}, {"cleint_id", "client_id"},
		{"redirect_url", "redirect_uri"}, {"scope", "scopes"}, {"colour", ""},
	} {
		if got := closest(tc.in, ProviderKeys()); got != tc.want {
			t.Errorf("closest(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
