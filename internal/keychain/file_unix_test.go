//go:build !windows

package keychain

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/zauth-cli/zauth/internal/exitcode"
)

// TestFilePlantedFIFO: a FIFO at the token file's path fails the read at
// once (exit 5) instead of hanging every command that looks in the file,
// `zauth token` and `zauth status` among them.
func TestFilePlantedFIFO(t *testing.T) {
	f := &File{Path: filepath.Join(t.TempDir(), "tokens.json")}
	if err := syscall.Mkfifo(f.Path, 0o600); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { _, err := f.Get("k"); done <- err }()
	select {
	case err := <-done:
		if exitcode.Code(err) != exitcode.Storage || !strings.Contains(err.Error(), "not a regular file") {
			t.Errorf("Get from a FIFO = %v (exit %d), want exit 5 naming it", err, exitcode.Code(err))
		}
	case <-time.After(10 * time.Second): // a hang, not a slow read
		// Open the other end so that the blocked read ends with the test.
		if w, err := os.OpenFile(f.Path, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			w.Close()
		}
		t.Fatal("Get blocked on a FIFO planted at the token file's path")
	}
}

// TestFilePlantedLink: a symbolic link at the token file's path is not
// followed: the secrets of the file it points to are not served.
func TestFilePlantedLink(t *testing.T) {
	dir := t.TempDir()
	planted := filepath.Join(dir, "planted.json")
	os.WriteFile(planted, []byte(`{"token:ziina:default":"planted"}`), 0o600)
	f := &File{Path: filepath.Join(dir, "tokens.json")}
	if err := os.Symlink(planted, f.Path); err != nil {
		t.Fatal(err)
	}
	v, err := f.Get("token:ziina:default")
	if v == "planted" || exitcode.Code(err) != exitcode.Storage {
		t.Errorf("Get through a link = %q, %v (exit %d), want exit 5", v, err, exitcode.Code(err))
	}
}
