package loopback

import (
	"net/url"
	"strings"
	"testing"
)

func FuzzParseCallback(f *testing.F) {
	for _, s := range []string{
		"code=c&state=s&iss=https%3A%2F%2Fauth.example.test",
		"error=access_denied&error_description=no&state=s",
		"state=s", "code=c", "", "state=s&state=t&code=a&code=b", "%zz",
	} {
		f.Add(s)
	}
	exp := Expect{State: "s", Issuer: "https://auth.example.test"}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		code, err := ParseCallback(q, exp)
		if (code == "") == (err == nil) {
			t.Fatalf("code %q with err %v", code, err)
		}
		if code != "" && q.Get("state") != "s" {
			t.Fatal("accepted a callback with the wrong state")
		}
	})
}

func FuzzPastedURL(f *testing.F) {
	for _, s := range []string{
		"http://127.0.0.1:8976/callback?code=c&state=s",
		"http://remote:1/callback?code=c&state=s",
		"callback?code=c", "http://127.0.0.1:8976/other?code=c", "", " \t", "http://[::1",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		q, err := ParsePasted(line, "http://127.0.0.1:8976/callback")
		if (q == nil) == (err == nil) {
			t.Fatalf("values %v with err %v", q, err)
		}
		if err == nil {
			u, _ := url.Parse(strings.TrimSpace(line))
			if u.Path != "/callback" {
				t.Fatalf("accepted path %q", u.Path)
			}
		}
	})
}
