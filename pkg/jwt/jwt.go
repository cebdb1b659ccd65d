// Package jwt decodes, without verifying, the header and claims of a JSON
// Web Token, for display by `zauth inspect`.
package jwt

import (
	"encoding/base64"
	"encoding/json"
	"strings"
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
