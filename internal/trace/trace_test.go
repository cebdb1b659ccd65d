package trace

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

func TestTransportRedacts(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"access_token":"AT-SECRET","refresh_token":"RT-SECRET","expires_in":3600,"nested":{"id_token":"ID-SECRET"}}`)
	}))
	defer srv.Close()
	var log bytes.Buffer
	c := &http.Client{Transport: &Transport{W: &log}}
	form := url.Values{"grant_type": {"authorization_code"}, "code": {"CODE-SECRET"}, "code_verifier": {"VERIFIER-SECRET"}, "client_secret": {"CS-SECRET"}}
	req, _ := http.NewRequest("POST", srv.URL+"/token?state=STATE-SECRET&x=1", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth("user", "BASIC-SECRET")
	req.Header.Set("apikey", "APIKEY-SECRET")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	if !strings.Contains(string(body), "AT-SECRET") {
		t.Fatal("the caller must still get the whole body")
	}
	out := log.String()
	for _, secret := range []string{"SECRET", "dXNlcjpCQVNJQy1TRUNSRVQ"} {
		if strings.Contains(out, secret) {
			t.Errorf("trace leaks %q:\n%s", secret, out)
		}
	}
	for _, want := range []string{"> POST", "grant_type=authorization_code", "Authorization: Basic [REDACTED]", "< 200 OK", `"expires_in":3600`, "x=1"} {
		if !strings.Contains(out, want) {
			t.Errorf("trace lacks %q:\n%s", want, out)
		}
	}
}

func TestRedactBodyUnknownType(t *testing.T) {
	if got := RedactBody("text/html", []byte("<p>token=abc</p>")); strings.Contains(got, "abc") {
		t.Errorf("RedactBody = %q", got)
	}
}
