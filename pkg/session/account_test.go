package session

import (
	"strings"
	"testing"

	"github.com/zauth-cli/zauth/pkg/provider"
	"github.com/zauth-cli/zauth/pkg/tokenstore"
)

func TestLoginCommand(t *testing.T) {
	def := "http://127.0.0.1:8976/callback"
	zbd := Target{Provider: &provider.Provider{Name: "zbd"}, Profile: "default", RedirectURI: def}
	work := zbd
	work.Profile = "work"
	for _, tc := range []struct {
		t    Target
		r    *tokenstore.Record
		want string
	}{
		{zbd, nil, "`zauth login zbd`"},
		{work, &tokenstore.Record{RequestedScopes: []string{"user", "wallet"}, RedirectURI: def}, "`zauth login zbd --profile work --scope user,wallet`"},
		{zbd, &tokenstore.Record{RequestedScopes: []string{"user"}, RedirectURI: "http://127.0.0.1:9123/callback"}, "`zauth login zbd --scope user --port 9123`"},
		{zbd, &tokenstore.Record{RequestedScopes: []string{}, RedirectURI: "http://localhost:9123/cb"}, "`zauth login zbd --scope '' --redirect-uri http://localhost:9123/cb`"},
		{zbd, &tokenstore.Record{RequestedScopes: []string{"a b;rm", "c"}}, "`zauth login zbd --scope 'a b;rm,c'`"},
	} {
		if got := LoginCommand(tc.t, tc.r); got != tc.want {
			t.Errorf("LoginCommand = %s, want %s", got, tc.want)
		}
	}
}

func TestFirstField(t *testing.T) {
	m := map[string]any{"data": map[string]any{"gamertag": "", "id": float64(42)}, "name": "x\x1b[31m"}
	if got := firstField(m, []string{"data.gamertag", "data.id"}); got != "42" {
		t.Errorf("firstField = %q", got)
	}
	if got := firstField(m, []string{"missing", "name"}); got == "" || strings.ContainsRune(got, 0x1b) {
		t.Errorf("firstField = %q: want the name without the escape", got)
	}
}
