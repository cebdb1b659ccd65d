package keychain

import (
	"os"
	"path/filepath"
	"testing"
)

// TestFileNullIsEmpty: a token file holding JSON null (valid JSON, no
// object) holds no secret: writing to it stores the secret instead of
// crashing on a nil map.
func TestFileNullIsEmpty(t *testing.T) {
	f := &File{Path: filepath.Join(t.TempDir(), "tokens.json")}
	if err := os.WriteFile(f.Path, []byte("null"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Get("k"); err != ErrNotFound {
		t.Errorf("Get from a null file = %v, want ErrNotFound", err)
	}
	if err := f.Set("k", "v"); err != nil {
		t.Fatal(err)
	}
	if v, err := f.Get("k"); v != "v" || err != nil {
		t.Errorf("Get after Set = %q, %v", v, err)
	}
}
