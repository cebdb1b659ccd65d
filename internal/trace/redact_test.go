package trace

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestRedactBodyByContent: what a body is decides how it is redacted, not
// what its Content-Type says: a provider that labels a JSON token response
// as a form (or sends no label) must not get its tokens printed.
func TestRedactBodyByContent(t *testing.T) {
	const jsonTok = `{"access_token":"AT-SECRET","refresh_token":"RT-SECRET","token_type":"Bearer","expires_in":3600}`
	const formTok = "access_token=AT-SECRET&refresh_token=RT-SECRET&token_type=bearer&scope=repo"
	cases := []struct {
		name, contentType, body string
		want                    []string // in the output
	}{
		{"JSON labelled as JSON", "application/json", jsonTok, []string{`"expires_in":3600`, `"token_type":"Bearer"`}},
		{"JSON labelled as a form", "application/x-www-form-urlencoded", jsonTok, []string{`"expires_in":3600`}},
		{"JSON labelled as text", "text/plain; charset=utf-8", jsonTok, []string{`"expires_in":3600`}},
		{"JSON without a label", "", jsonTok, []string{`"expires_in":3600`}},
		{"JSON array", "text/plain", `[{"id_token":"ID-SECRET","x":1}]`, []string{`"x":1`}},
		{"form labelled as a form", "application/x-www-form-urlencoded", formTok, []string{"scope=repo", "token_type=bearer"}},
		{"form labelled as JSON", "application/json", formTok, []string{"scope=repo"}},
		{"form labelled as text", "text/plain", formTok, []string{"scope=repo"}},
		{"form without a label", "", formTok, []string{"scope=repo"}},
		{"a bare token", "text/plain", "AT-SECRET.eyJzdWIiOiJ4In0.sig", []string{"[29 bytes of text/plain]"}},
		{"a bare padded token", "application/x-www-form-urlencoded", "QVQtU0VDUkVUAT-SECRET=", []string{"bytes of application/x-www-form-urlencoded]"}},
		{"a doubly padded token", "", "QVQtU0VDUkVUAT-SECRET==", []string{"bytes of unknown type]"}},
		{"a JSON string", "application/json", `"AT-SECRET"`, []string{"[11 bytes of application/json]"}},
		{"text with spaces and equals", "text/html", "<p>token=AT-SECRET</p>", []string{"bytes of text/html]"}},
		{"broken JSON labelled as JSON", "application/json", `{"access_token":"AT-SECRET"`, []string{"bytes of application/json]"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := RedactBody(tc.contentType, []byte(tc.body))
			if strings.Contains(got, "SECRET") {
				t.Errorf("RedactBody leaks: %s", got)
			}
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("RedactBody = %s, want it to contain %s", got, w)
				}
			}
		})
	}
}

// TestHeaderRedaction: any header that looks like it carries a credential
// is redacted, including the ones a user passes to `zauth api -H`.
func TestHeaderRedaction(t *testing.T) {
	h := http.Header{}
	for _, k := range []string{
		"Authorization", "Proxy-Authorization", "X-Api-Key", "Apikey", "X-Auth-Token", "X-CSRF-Token",
		"X-Client-Secret", "Cookie", "Set-Cookie", "X-Session-Id", "X-Password", "X-Amz-Signature",
		"Private-Token", "Ocp-Apim-Subscription-Key",
	} {
		h.Set(k, "S3CRET-"+k)
	}
	h.Set("Proxy-Authorization", "Basic S3CRET")
	h.Set("Authorization", "Bearer S3CRET")
	h.Set("Accept", "application/json")
	h.Set("User-Agent", "zauth/dev")
	var b strings.Builder
	writeHeaders(&b, ">", h)
	out := b.String()
	if strings.Contains(out, "S3CRET") {
		t.Errorf("headers leak:\n%s", out)
	}
	for _, w := range []string{"> Accept: application/json", "> User-Agent: zauth/dev", "> Authorization: Bearer [REDACTED]",
		"> Proxy-Authorization: Basic [REDACTED]", "> X-Api-Key: [REDACTED]"} {
		if !strings.Contains(out, w) {
			t.Errorf("headers lack %q:\n%s", w, out)
		}
	}
}

// TestTransportLeavesTheRequestAlone: a RoundTripper must not modify the
// request it is given; the trace reads the body through GetBody, or sends
// a copy, and the server still gets the whole body.
func TestTransportLeavesTheRequestAlone(t *testing.T) {
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got = append(got, string(b))
	}))
	defer srv.Close()
	for _, withGetBody := range []bool{true, false} {
		var log bytes.Buffer
		tr := &Transport{W: &log}
		req, _ := http.NewRequest("POST", srv.URL, strings.NewReader("grant_type=x&code=CODE-SECRET"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if !withGetBody {
			req.GetBody = nil
			req.Body = io.NopCloser(strings.NewReader("grant_type=x&code=CODE-SECRET"))
		}
		body, getBody := req.Body, req.GetBody
		resp, err := tr.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if req.Body != body || (getBody == nil) != (req.GetBody == nil) {
			t.Errorf("GetBody %v: RoundTrip replaced the request's body", withGetBody)
		}
		if !strings.Contains(log.String(), "grant_type=x") || strings.Contains(log.String(), "CODE-SECRET") {
			t.Errorf("trace:\n%s", log.String())
		}
	}
	if len(got) != 2 || got[0] != "grant_type=x&code=CODE-SECRET" || got[1] != got[0] {
		t.Errorf("server got %q", got)
	}
}
