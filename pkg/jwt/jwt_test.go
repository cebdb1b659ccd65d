package jwt

import (
	"encoding/base64"
	"testing"
)

func TestDecode(t *testing.T) {
	enc := base64.RawURLEncoding.EncodeToString
	tok := enc([]byte(`{"alg":"RS256","kid":"k1"}`)) + "." + enc([]byte(`{"sub":"u1","exp":1700000000}`)) + ".sig"
	d, ok := Decode(tok)
	if !ok || d.Header["kid"] != "k1" || d.Claims["sub"] != "u1" || d.Claims["exp"] != float64(1700000000) {
		t.Fatalf("Decode = %+v, %v", d, ok)
	}
	for _, bad := range []string{"", "opaque-token", "a.b", "a.b.c", enc([]byte(`[1]`)) + "." + enc([]byte(`{}`)) + ".s"} {
		if _, ok := Decode(bad); ok {
			t.Errorf("Decode(%q) accepted", bad)
		}
	}
}
