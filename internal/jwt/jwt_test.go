package jwt

import (
	"encoding/base64"
	"testing"
	"time"
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

func token(claims string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"none"}`)) + "." + enc([]byte(claims)) + ".sig"
}

func TestExpiry(t *testing.T) {
	for _, tc := range []struct {
		tok  string
		want int64 // 0: no expiry
	}{
		{token(`{"exp":1700000000}`), 1700000000},
		{token(`{"exp":1700000000.9}`), 1700000000},
		{token(`{"exp":"1700000000"}`), 0},
		{token(`{"exp":-1}`), 0},
		{token(`{"exp":0}`), 0},
		{token(`{"exp":1e300}`), 0},
		{token(`{"sub":"x"}`), 0},
		{"opaque-token", 0},
		{"a.b.c", 0},
	} {
		got, ok := Expiry(tc.tok)
		if ok != (tc.want != 0) || ok && !got.Equal(time.Unix(tc.want, 0)) {
			t.Errorf("Expiry(%s) = %v, %v; want %d", tc.tok, got, ok, tc.want)
		}
	}
}
