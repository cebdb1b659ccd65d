package keychain

import (
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"
)

// listingMap is an in-memory backend that can list its keys.
type listingMap map[string]string

func (m listingMap) Name() string { return "map" }
func (m listingMap) Get(k string) (string, error) {
	v, ok := m[k]
	if !ok {
		return "", ErrNotFound
	}
	return v, nil
}
func (m listingMap) Set(k, v string) error   { m[k] = v; return nil }
func (m listingMap) Delete(k string) error   { delete(m, k); return nil }
func (m listingMap) Keys() ([]string, error) { return slices.Sorted(maps.Keys(m)), nil }

// TestChunkedDeleteDamaged: Delete removes a split item and every chunk of
// it however it is damaged, and nothing of another item.
func TestChunkedDeleteDamaged(t *testing.T) {
	for name, damage := range map[string]func(m listingMap, parts []string){
		"malformed header":        func(m listingMap, _ []string) { m["k"] = chunkPrefix + "2:zz" },
		"missing chunk":           func(m listingMap, p []string) { delete(m, p[1]) },
		"tampered chunk":          func(m listingMap, p []string) { m[p[0]] = "x" },
		"header gone":             func(m listingMap, _ []string) { delete(m, "k") },
		"plain value over chunks": func(m listingMap, _ []string) { m["k"] = "{" },
	} {
		t.Run(name, func(t *testing.T) {
			m := listingMap{}
			c := &Chunked{Backend: m, Limit: 100}
			c.Set("k", strings.Repeat("a", 350))
			c.Set("k#other", strings.Repeat("b", 250)) // another item whose name starts alike
			var parts []string
			for k := range m {
				if isPart("k", k) {
					parts = append(parts, k)
				}
			}
			slices.Sort(parts)
			if len(parts) != 4 {
				t.Fatalf("parts %v", parts)
			}
			damage(m, parts)
			if err := c.Delete("k"); err != nil {
				t.Fatal(err)
			}
			for k := range m {
				if k == "k" || isPart("k", k) {
					t.Errorf("left %s", k)
				}
			}
			if v, err := c.Get("k#other"); err != nil || v != strings.Repeat("b", 250) {
				t.Errorf("another item was harmed: %v", err)
			}
			if keys, _ := c.Keys(); !slices.Equal(keys, []string{"k#other"}) {
				t.Errorf("Keys = %v", keys)
			}
		})
	}
}

// TestChunkedSetOverDamagedHeader: a new value written over a damaged
// header leaves none of the old chunks behind.
func TestChunkedSetOverDamagedHeader(t *testing.T) {
	m := listingMap{}
	c := &Chunked{Backend: m, Limit: 100}
	c.Set("k", strings.Repeat("a", 350))
	m["k"] = chunkPrefix + "x"
	if _, err := c.Get("k"); !errors.As(err, new(*DamagedError)) {
		t.Fatalf("Get = %v, want a DamagedError", err)
	}
	c.Set("k", strings.Repeat("c", 150))
	if len(m) != 3 {
		t.Errorf("items %v, want the header and 2 new chunks", slices.Sorted(maps.Keys(m)))
	}
	if v, _ := c.Get("k"); v != strings.Repeat("c", 150) {
		t.Error("new value not read back")
	}
}

func TestIsPart(t *testing.T) {
	for k, want := range map[string]bool{
		"k#0123abcd#1": true, "k#0123abcd#12": true, "k#0123abcd#0": false, "k#0123abcd#01": false,
		"k#0123ABCD#1": false, "k#0123abc#1": false, "k#0123abcd#": false, "k#0123abcd#1#2": false,
		"kk#0123abcd#1": false, "k#other": false, "k": false,
	} {
		if isPart("k", k) != want {
			t.Errorf("isPart(k, %q) = %v", k, !want)
		}
	}
}

// TestKeysSecretService lists what go-keyring stored, chunks included.
func TestKeysSecretService(t *testing.T) {
	requireSecretService(t)
	k := NewOS()
	k.Service = "zauth-test-keys"
	c := &Chunked{Backend: k, Limit: 1000}
	defer c.Delete("token:x:default")
	c.Set("token:x:default", strings.Repeat("v", 2500))
	raw, err := k.Keys()
	if err != nil || len(raw) != 4 {
		t.Fatalf("Keys = %v, %v; want the header and 3 chunks", raw, err)
	}
	if keys, err := c.Keys(); err != nil || !slices.Equal(keys, []string{"token:x:default"}) {
		t.Errorf("Chunked.Keys = %v, %v", keys, err)
	}
	k.Set(raw[1], "tampered")
	if err := c.Delete("token:x:default"); err != nil {
		t.Fatal(err)
	}
	if left, _ := k.Keys(); len(left) != 0 {
		t.Errorf("left %v", left)
	}
}
