package discovery

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/zauth-cli/zauth/internal/provider"
	"github.com/zauth-cli/zauth/internal/textsafe"
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
	d, _ := m.Definition(false)
	if d["client_auth"] != "post" || d["pkce"] != "s256" || d["iss_on_redirect"] != false || len(d["scopes"].(map[string]string)) != 2 {
		t.Errorf("Definition = %v", d)
	}
	if _, ok := d["revocation_url"]; ok {
		t.Error("absent endpoint written")
	}
	m.TokenEndpointAuthMethods = nil
	if d, _ := m.Definition(false); d["client_auth"] != "basic" {
		t.Errorf("default client auth %v", d["client_auth"])
	}
}

// TestDefinitionPublicClients: a server that lists both client_secret_basic
// and none gets basic plus the public fallback; --public picks none.
func TestDefinitionPublicClients(t *testing.T) {
	m := &Metadata{Issuer: "https://i", AuthorizationEndpoint: "https://i/a", TokenEndpoint: "https://i/t",
		TokenEndpointAuthMethods: []string{"none", "client_secret_basic", "client_secret_post"}}
	d, choices := m.Definition(false)
	if d["client_auth"] != "basic" || d["public_without_secret"] != true {
		t.Errorf("both listed: %v", d)
	}
	if choices[0].What != "client auth" || !strings.Contains(choices[0].Why, "public clients") || !strings.Contains(choices[0].Change, "--public") {
		t.Errorf("client auth choice: %+v", choices[0])
	}
	if d, _ := m.Definition(true); d["client_auth"] != "none" || d["public_without_secret"] != nil {
		t.Errorf("--public: %v", d)
	}
	m.TokenEndpointAuthMethods = []string{"client_secret_basic"}
	if d, _ := m.Definition(false); d["public_without_secret"] != nil {
		t.Errorf("public fallback without none listed: %v", d)
	}
	if _, choices := m.Definition(true); !strings.Contains(choices[0].Why, "may refuse") {
		t.Errorf("--public on a server without none: %+v", choices[0])
	}
}

// TestDefinitionConsentRule: OpenID providers get consent_for_offline; the
// definition writes the key only when the value is not the one the
// definition gets anyway (on when openid is among the scopes), and the
// written YAML reads back as the same provider.
func TestDefinitionConsentRule(t *testing.T) {
	for _, c := range []struct {
		m       Metadata
		want    bool
		written any // the key's value in the definition; nil: left out
	}{
		{Metadata{DiscoveryURL: "https://i/.well-known/openid-configuration"}, true, true},
		{Metadata{DiscoveryURL: "https://i/.well-known/openid-configuration/tenant", ScopesSupported: []string{"read"}}, true, true},
		{Metadata{DiscoveryURL: "https://i/.well-known/openid-configuration", ScopesSupported: []string{"openid", "offline_access"}}, true, nil},
		{Metadata{DiscoveryURL: "https://i/.well-known/oauth-authorization-server", ScopesSupported: []string{"openid", "offline_access"}}, true, nil},
		{Metadata{DiscoveryURL: "https://i/.well-known/oauth-authorization-server", ScopesSupported: []string{"read", "offline_access"}}, false, nil},
	} {
		c.m.AuthorizationEndpoint, c.m.TokenEndpoint, c.m.Issuer = "https://i/auth", "https://i/token", "https://i"
		d, choices := c.m.Definition(false)
		if d["consent_for_offline"] != c.written || (choices[3].Value == "on") != c.want || choices[3].Change != "key consent_for_offline" {
			t.Errorf("%+v: %v %+v", c.m, d["consent_for_offline"], choices[3])
		}
		p, err := provider.FromDefinition("acme", d)
		if err != nil || p.ConsentForOffline != c.want {
			t.Fatalf("%+v: FromDefinition: %v %v", c.m, p, err)
		}
		b, err := yaml.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		var back map[string]any
		if err := yaml.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		q, err := provider.FromDefinition("acme", back)
		if err != nil || !reflect.DeepEqual(p, q) {
			t.Errorf("%+v: the YAML\n%s\nreads back as %+v, want %+v (%v)", c.m, b, q, p, err)
		}
	}
}

// TestDefinitionHostileDocument: providers add shows the block it writes
// and its choices before writing them, so a discovery document must not
// reach the terminal (or the config file) with bidi overrides or C1
// controls: an endpoint that reads as another, a scope that hides the
// lines around it. yaml.v3 writes U+202E as it is.
func TestDefinitionHostileDocument(t *testing.T) {
	base := Metadata{Issuer: "https://i", AuthorizationEndpoint: "https://i/a", TokenEndpoint: "https://i/t",
		DiscoveryURL: "https://i/.well-known/oauth-authorization-server"}
	for name, m := range map[string]Metadata{
		"endpoint": func(m Metadata) Metadata { m.AuthorizationEndpoint = "https://i/\u202emoc.live//:sptth"; return m }(base),
		"C1":       func(m Metadata) Metadata { m.UserinfoEndpoint = "https://i/u\u009b2J"; return m }(base),
		"scope":    func(m Metadata) Metadata { m.ScopesSupported = []string{"read", "wr\u202eite"}; return m }(base),
	} {
		d, _ := m.Definition(false)
		p, err := provider.FromDefinition("acme", d)
		if err == nil {
			err = p.Validate()
		}
		if err == nil {
			t.Errorf("%s: a definition with invisible characters is accepted: %v", name, d)
		}
	}
	m := base
	m.TokenEndpointAuthMethods = []string{"private_key_jwt\u202e", "tls\x1b]0;x\x07"}
	_, choices := m.Definition(false)
	for _, ch := range choices {
		if textsafe.Line(ch.Why) != ch.Why {
			t.Errorf("choice %s: %q", ch.What, ch.Why)
		}
	}
}
