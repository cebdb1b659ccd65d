//go:build !windows

package doctor

import (
	"path/filepath"
	"syscall"
	"testing"
)

// TestFileStoreNotRegular: a FIFO at the token file's path, which zauth
// refuses to read, fails the check instead of passing on its 0600 mode.
func TestFileStoreNotRegular(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tokens.json")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Fatal(err)
	}
	if got := fileStore(path); got[len(got)-1].Status != Fail {
		t.Errorf("FIFO token file: %+v", got)
	}
}
