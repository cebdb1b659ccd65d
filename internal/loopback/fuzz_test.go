package loopback

import (
	"net/url"
	"strings"
	"testing"
)

func FuzzParseCallback(f *testing.F) {
	for _, s := range []string{
		"code=c&state=s&iss=https%3A%2F%2Fauth.example.test",
		"error=access_denied&error_description=no&state=s&iss=https%3A%2F%2Fauth.example.test",
		"error=x&error_description=%E2%80%AE%1B%5B2J%FF&error_uri=https%3A%2F%2Fe&state=s&iss=https%3A%2F%2Fauth.example.test",
		"state=s", "code=c", "", "state=s&state=t&code=a&code=b", "%zz", "state=s&code=c&iss=",
	} {
		f.Add(s, "s", "https://auth.example.test")
	}
	f.Add("code=c&state=s", "s", "")
	f.Add("code=c&state=", "", "")
	f.Fuzz(func(t *testing.T, raw, state, issuer string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		code, err := ParseCallback(q, Expect{State: state, Issuer: issuer})
		if (code == "") == (err == nil) {
			t.Fatalf("code %q with err %v", code, err)
		}
		if code == "" {
			_ = err.Error() // must not panic
			return
		}
		if state == "" || len(q["state"]) != 1 || q.Get("state") != state {
			t.Fatalf("accepted state %q, expected %q", q["state"], state)
		}
		if issuer != "" && q.Get("iss") != issuer {
			t.Fatalf("accepted iss %q, expected %q", q["iss"], issuer)
		}
		if q.Get("error") != "" || code != q.Get("code") {
			t.Fatalf("code %q from %q", code, raw)
		}
	})
}

func FuzzPastedURL(f *testing.F) {
	for _, s := range []string{
		"http://127.0.0.1:8976/callback?code=c&state=s",
		"http://remote:1/callback?code=c&state=s",
		"  http://127.0.0.1:8976/callback?code=c&state=s#frag  ",
		"callback?code=c", "http://127.0.0.1:8976/other?code=c", "", " \t", "http://[::1",
		"https://127.0.0.1:8976/callback?", "javascript://x/callback?code=c",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		q, err := ParsePasted(line, "http://127.0.0.1:8976/callback")
		if (q == nil) == (err == nil) {
			t.Fatalf("values %v with err %v", q, err)
		}
		if err != nil {
			// One fixed note: it never echoes what was pasted.
			if err.Error() != notRedirectURL("http://127.0.0.1:8976/callback").Error() {
				t.Fatalf("note %q", err)
			}
			return
		}
		u, _ := url.Parse(strings.TrimSpace(line))
		if u.Path != "/callback" || (u.Scheme != "http" && u.Scheme != "https") {
			t.Fatalf("accepted %q", line)
		}
	})
}
