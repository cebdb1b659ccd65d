package discovery

import (
	"slices"
	"testing"
)

func TestCandidates(t *testing.T) {
	got, err := Candidates("https://auth.example.com/oidc/")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"https://auth.example.com/.well-known/oauth-authorization-server/oidc",
		"https://auth.example.com/oidc/.well-known/oauth-authorization-server",
		"https://auth.example.com/.well-known/openid-configuration/oidc",
		"https://auth.example.com/oidc/.well-known/openid-configuration",
		"https://auth.example.com/.well-known/oauth-authorization-server",
		"https://auth.example.com/.well-known/openid-configuration",
	}
	if !slices.Equal(got, want) {
		t.Errorf("Candidates = %q", got)
	}
	if got, _ := Candidates("https://login.example.com"); len(got) != 2 {
		t.Errorf("no path: %q", got)
	}
	if _, err := Candidates("not a url"); err == nil {
		t.Error("accepted a relative issuer")
	}
}

func TestDefinition(t *testing.T) {
	m := &Metadata{Issuer: "https://i", AuthorizationEndpoint: "https://i/a", TokenEndpoint: "https://i/t",
		TokenEndpointAuthMethods: []string{"client_secret_post", "private_key_jwt"}, ScopesSupported: []string{"openid", "read"}}
	d := m.Definition()
	if d["client_auth"] != "post" || d["pkce"] != "s256" || d["iss_on_redirect"] != false || len(d["scopes"].(map[string]string)) != 2 {
		t.Errorf("Definition = %v", d)
	}
	if _, ok := d["revocation_url"]; ok {
		t.Error("absent endpoint written")
	}
	m.TokenEndpointAuthMethods = nil
	if d := m.Definition(); d["client_auth"] != "basic" {
		t.Errorf("default client auth %v", d["client_auth"])
	}
}
