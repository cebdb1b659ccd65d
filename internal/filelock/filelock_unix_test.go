//go:build !windows

package filelock

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zauth-cli/zauth/internal/exitcode"
)

// TestSymlinkRefused: a link planted at the lock path must not make zauth
// create or truncate the file it points to.
func TestSymlinkRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.lock")
	victim := filepath.Join(t.TempDir(), "victim")
	if err := os.Symlink(victim, path); err != nil {
		t.Fatal(err)
	}
	for _, existing := range []bool{false, true} {
		if existing {
			if err := os.WriteFile(victim, []byte("keep"), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		l, err := Acquire(context.Background(), path)
		if err == nil {
			l.Release()
			t.Fatal("Acquire followed a symlink")
		}
		if exitcode.Code(err) != exitcode.Storage || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "symbolic link") {
			t.Errorf("error %q (exit %d) does not name the link and the fix", err, exitcode.Code(err))
		}
		data, statErr := os.ReadFile(victim)
		switch {
		case !existing && !errors.Is(statErr, os.ErrNotExist):
			t.Errorf("the link target was created")
		case existing && string(data) != "keep":
			t.Errorf("the link target was changed: %q", data)
		}
	}
}

// TestLooseDirectoryRefused: a lock in a directory others can write is no
// lock (they can replace the file), so Acquire refuses it.
func TestLooseDirectoryRefused(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "locks")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	l, err := Acquire(context.Background(), filepath.Join(dir, "x.lock"))
	if err == nil {
		l.Release()
		t.Fatal("Acquire used a world-writable directory")
	}
	if exitcode.Code(err) != exitcode.Storage || !strings.Contains(err.Error(), "chmod 700 "+dir) {
		t.Errorf("error %q (exit %d)", err, exitcode.Code(err))
	}
}
