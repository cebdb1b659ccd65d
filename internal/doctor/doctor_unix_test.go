//go:build !windows

package doctor

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/zauth-cli/zauth/internal/tokenstore"
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

// TestStateDirLocks: the locks directory zauth refuses (writable by
// others) fails the check too, not only the state directory above it.
func TestStateDirLocks(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "zauth")
	locks := filepath.Join(dir, "locks")
	os.MkdirAll(locks, 0o700)
	os.Chmod(locks, 0o770)
	got := Env{Store: &tokenstore.Store{Dir: dir}}.stateDir()
	if len(got) == 0 || got[len(got)-1].Status != Fail {
		t.Errorf("group-writable locks directory: %+v", got)
	}
}
