package session

import (
	"net/http"
	"testing"

	"github.com/zauth-cli/zauth/internal/exitcode"
	"github.com/zauth-cli/zauth/internal/provider"
	"github.com/zauth-cli/zauth/internal/tokenstore"
)

func TestAuthorizeAPI(t *testing.T) {
	bearer := &provider.Provider{Name: "acme"}
	usertoken := &provider.Provider{Name: "zbd", APIAuth: "usertoken"}
	for _, tc := range []struct {
		p           *provider.Provider
		typ, access string
		code        int
		header      string
	}{
		{bearer, "Bearer", "tok", 0, "Bearer tok"},
		{bearer, "bearer", "tok", 0, "Bearer tok"},
		{bearer, "", "tok", 0, "Bearer tok"},
		{bearer, "DPoP", "tok", exitcode.Usage, ""},
		{bearer, "N_A", "tok", exitcode.Usage, ""},
		{usertoken, "DPoP", "tok", 0, ""},
		{bearer, "Bearer\r\nX-Evil: 1", "tok", exitcode.LoginNeeded, ""},
		{usertoken, "Bearer", "tok\x1b", exitcode.LoginNeeded, ""},
	} {
		req, _ := http.NewRequest("GET", "https://api.example/", nil)
		err := AuthorizeAPI(req, tc.p, &tokenstore.Record{Provider: tc.p.Name, Profile: "default", AccessToken: tc.access, TokenType: tc.typ}, "key")
		if exitcode.Code(err) != tc.code || req.Header.Get("Authorization") != tc.header {
			t.Errorf("%s %q %q: exit %d (%v), Authorization %q", tc.p.Name, tc.typ, tc.access, exitcode.Code(err), err, req.Header.Get("Authorization"))
		}
		if tc.p == usertoken && err == nil && (req.Header.Get("usertoken") != tc.access || req.Header.Get("apikey") != "key") {
			t.Errorf("usertoken headers: %v", req.Header)
		}
	}
}
