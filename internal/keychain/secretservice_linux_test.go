package keychain

import (
	"slices"
	"testing"
)

// TestSecretServiceDirect: the two direct Secret Service paths (the fast
// read of `zauth token`, the listing) see what go-keyring stored, and say
// "absent" plainly rather than falling back.
func TestSecretServiceDirect(t *testing.T) {
	k := RequireOSKeychain(t)
	for _, key := range []string{"token:acme:a", "token:acme:b"} {
		if err := k.Set(key, "value of "+key); err != nil {
			t.Fatal(err)
		}
	}
	if v, found, ok := fastGet(k.Service, "token:acme:b"); !ok || !found || v != "value of token:acme:b" {
		t.Errorf("fastGet = %q found=%v ok=%v", v, found, ok)
	}
	if v, found, ok := fastGet(k.Service, "token:acme:none"); !ok || found || v != "" {
		t.Errorf("fastGet of an absent key = %q found=%v ok=%v", v, found, ok)
	}
	keys, err := k.Keys()
	if err != nil || !slices.Equal(keys, []string{"token:acme:a", "token:acme:b"}) {
		t.Errorf("Keys = %v, %v", keys, err)
	}
}
