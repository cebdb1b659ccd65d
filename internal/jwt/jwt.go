// Package jwt decodes, without verifying, the header and claims of a JSON
// Web Token, for display by `zauth inspect` and as a hint of its expiry.
package jwt

import (
	"encoding/base64"
	"encoding/json"
	"math"
	"strings"
	"time"
)

// Decoded is an unverified JWT.
type Decoded struct {
	Header map[string]any `json:"header"`
	Claims map[string]any `json:"claims"`
}

// Decode returns the header and claims of a compact JWS, or false if s does
// not look like one. The signature is neither checked nor returned.
func Decode(s string) (*Decoded, bool) {
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		return nil, false
	}
	var d Decoded
	if !part(parts[0], &d.Header) || !part(parts[1], &d.Claims) {
		return nil, false
	}
	return &d, true
}

func part(seg string, into *map[string]any) bool {
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(seg, "="))
	if err != nil {
		return false
	}
	return json.Unmarshal(b, into) == nil && *into != nil
}

// Expiry returns a JWT's exp claim, unverified, or false when s is not a
// JWT or its exp is not a positive number of seconds. Use it only as a hint
// of when to refresh, and bound it: the token's issuer chose it.
func Expiry(s string) (time.Time, bool) {
	d, ok := Decode(s)
	if !ok {
		return time.Time{}, false
	}
	exp, ok := d.Claims["exp"].(float64)
	if !ok || exp <= 0 || exp > math.MaxInt32*4 { // beyond year 2514 is not seconds
		return time.Time{}, false
	}
	return time.Unix(int64(exp), 0), true
}
