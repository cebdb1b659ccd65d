package keychain

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/zalando/go-keyring"

	"github.com/zauth-cli/zauth/internal/exitcode"
	"github.com/zauth-cli/zauth/internal/testsys"
)

// limited is a backend that refuses values over a size, like Windows
// Credential Manager.
type limited struct {
	mu    sync.Mutex
	m     map[string]string
	limit int
}

func (l *limited) Name() string { return "limited" }
func (l *limited) Get(k string) (string, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	v, ok := l.m[k]
	if !ok {
		return "", ErrNotFound
	}
	return v, nil
}
func (l *limited) Set(k, v string) error {
	if len(v) > l.limit {
		return keyring.ErrSetDataTooBig
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.m[k] = v
	return nil
}
func (l *limited) Delete(k string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.m, k)
	return nil
}

func bigValue(t *testing.T, n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)[:n]
}

func exerciseChunked(t *testing.T, c *Chunked, count func() int) {
	t.Helper()
	big := bigValue(t, 12_000)
	if err := c.Set("token:x:default", big); err != nil {
		t.Fatal(err)
	}
	if got, err := c.Get("token:x:default"); err != nil || got != big {
		t.Fatalf("read back %d bytes, %v", len(got), err)
	}
	// Replacing with a small value removes the old parts.
	if err := c.Set("token:x:default", "small"); err != nil {
		t.Fatal(err)
	}
	if got, _ := c.Get("token:x:default"); got != "small" {
		t.Fatalf("got %q", got)
	}
	if count != nil && count() != 1 {
		t.Errorf("%d items left after shrinking, want 1", count())
	}
	big2 := bigValue(t, 10_240)
	c.Set("token:x:default", big2)
	if err := c.Delete("token:x:default"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Get("token:x:default"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("after delete: %v", err)
	}
	if count != nil && count() != 0 {
		t.Errorf("%d items left after delete", count())
	}
}

func TestChunkedLimitedBackend(t *testing.T) {
	l := &limited{m: map[string]string{}, limit: 2560}
	if err := l.Set("k", bigValue(t, 3000)); err == nil {
		t.Fatal("the limited backend should refuse big values")
	}
	exerciseChunked(t, &Chunked{Backend: l, Limit: 2000}, func() int { return len(l.m) })
}

func TestChunkedDamage(t *testing.T) {
	l := &limited{m: map[string]string{}, limit: 2560}
	c := &Chunked{Backend: l, Limit: 2000}
	big := bigValue(t, 5000)
	c.Set("k", big)
	var part string
	for k := range l.m {
		if strings.HasSuffix(k, "#2") {
			part = k
		}
	}
	l.m[part] = "tampered"
	if _, err := c.Get("k"); exitcode.Code(err) != exitcode.Storage || !strings.Contains(err.Error(), "checksum") {
		t.Errorf("tampered chunk: %v", err)
	}
	delete(l.m, part)
	if _, err := c.Get("k"); err == nil || !strings.Contains(err.Error(), "chunk 2 of 3 is missing") {
		t.Errorf("missing chunk: %v", err)
	}
	l.m["k"] = chunkPrefix + "x:y"
	if _, err := c.Get("k"); err == nil || !strings.Contains(err.Error(), "malformed") {
		t.Errorf("bad header: %v", err)
	}
}

// TestChunkedSecretService stores a 10 kB+ record in the real Secret Service,
// split as it would be on Windows.
func TestChunkedSecretService(t *testing.T) {
	requireSecretService(t)
	k := NewOS()
	k.Service = "zauth-test-chunked"
	exerciseChunked(t, &Chunked{Backend: k, Limit: 2000}, nil)
	exerciseChunked(t, &Chunked{Backend: k, Limit: 0}, nil)
}

func TestOSBackend(t *testing.T) {
	k := RequireOSKeychain(t)
	if _, err := k.Get("absent"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get absent: %v", err)
	}
	if err := k.Set("a", "1"); err != nil {
		t.Fatal(err)
	}
	if v, err := k.Get("a"); err != nil || v != "1" {
		t.Fatalf("Get = %q %v", v, err)
	}
	if err := k.Delete("a"); err != nil {
		t.Fatal(err)
	}
	if err := k.Delete("a"); err != nil {
		t.Fatalf("Delete absent: %v", err)
	}
}

func TestFileBackend(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	f := &File{Path: filepath.Join(dir, "tokens.json")}
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() { defer wg.Done(); f.Set(string(rune('a'+i)), "v") }()
	}
	wg.Wait()
	for i := range 20 {
		if _, err := f.Get(string(rune('a' + i))); err != nil {
			t.Fatalf("concurrent writes lost key %c: %v", 'a'+i, err)
		}
	}
	if runtime.GOOS != "windows" { // no Unix modes there (as in atomicfile's test)
		st, _ := os.Stat(f.Path)
		dst, _ := os.Stat(dir)
		if st.Mode().Perm() != 0o600 || dst.Mode().Perm() != 0o700 {
			t.Errorf("modes %v %v", st.Mode(), dst.Mode())
		}
	}
	os.WriteFile(f.Path, []byte("{"), 0o600)
	if _, err := f.Get("a"); exitcode.Code(err) != exitcode.Storage {
		t.Errorf("corrupt file: %v", err)
	}
}

// requireSecretService is RequireOSKeychain for tests of the Linux backend.
func requireSecretService(t *testing.T) {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("tests the Secret Service, Linux's keychain")
	}
	RequireOSKeychain(t)
}

// TestFastGetMatchesGoKeyring: the lean read path finds what go-keyring
// stored, and says "absent" only when it is.
func TestFastGetMatchesGoKeyring(t *testing.T) {
	requireSecretService(t)
	set := func() error { return keyring.Set("zauth-test-fast", "k1", "value-1") }
	if err := testsys.Within(t, DefaultTimeout, "go-keyring's write", set); err != nil {
		t.Fatal(err)
	}
	defer testsys.Within(t, DefaultTimeout, "go-keyring's delete", func() error { return keyring.Delete("zauth-test-fast", "k1") })
	v, found, ok := fastGet("zauth-test-fast", "k1")
	if !ok || !found || v != "value-1" {
		t.Fatalf("fastGet = %q found=%v ok=%v", v, found, ok)
	}
	if _, found, ok := fastGet("zauth-test-fast", "absent"); !ok || found {
		t.Fatalf("fastGet absent: found=%v ok=%v", found, ok)
	}
}
