package atomicfile

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestReadRegularRefusesLinkEverywhere: on every OS, Windows included
// (whose opens follow links), a link at the path serves nothing of the
// file it points to.
func TestReadRegularRefusesLinkEverywhere(t *testing.T) {
	dir := t.TempDir()
	victim := filepath.Join(dir, "victim")
	if err := os.WriteFile(victim, []byte("secret"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(victim, link); err != nil {
		t.Skipf("cannot make a symbolic link here (Windows needs Developer Mode or the privilege): %v", err)
	}
	if data, err := ReadRegular(link); !errors.Is(err, ErrNotRegular) || data != nil {
		t.Errorf("ReadRegular(link) = %q, %v; want ErrNotRegular", data, err)
	}
}
