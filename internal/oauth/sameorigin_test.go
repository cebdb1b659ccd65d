package oauth

import (
	"net/url"
	"testing"
)

func TestSameOrigin(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		same bool
	}{
		{"https://api.example/x", "https://api.example/y?z", true},
		{"https://API.example:443/x", "https://api.example", true},
		{"http://api.example:80/", "http://api.example", true},
		{"https://api.example", "http://api.example", false},
		{"https://api.example", "https://api.example:8443", false},
		{"http://127.0.0.1:1000", "http://127.0.0.1:1001", false},
		{"http://127.0.0.1:1000", "http://localhost:1000", false},
		{"https://api.example", "https://api.example.evil", false},
	} {
		a, _ := url.Parse(tc.a)
		b, _ := url.Parse(tc.b)
		if SameOrigin(a, b) != tc.same {
			t.Errorf("SameOrigin(%s, %s) = %v", tc.a, tc.b, !tc.same)
		}
	}
}
