//go:build !windows

package atomicfile

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestReadRegularRefusesPlants: a link at the path is not followed and a
// FIFO not waited on; both are ErrNotRegular. A regular file reads, a
// missing one is os.ErrNotExist.
func TestReadRegularRefusesPlants(t *testing.T) {
	dir := t.TempDir()
	victim := filepath.Join(dir, "victim")
	os.WriteFile(victim, []byte("secret"), 0o600)
	link, fifo := filepath.Join(dir, "link"), filepath.Join(dir, "fifo")
	if err := os.Symlink(victim, link); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{link, fifo, dir} {
		if data, err := ReadRegular(p); !errors.Is(err, ErrNotRegular) || data != nil {
			t.Errorf("ReadRegular(%s) = %q, %v; want ErrNotRegular", filepath.Base(p), data, err)
		}
	}
	if data, err := ReadRegular(victim); string(data) != "secret" || err != nil {
		t.Errorf("ReadRegular of a regular file = %q, %v", data, err)
	}
	if _, err := ReadRegular(filepath.Join(dir, "absent")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("ReadRegular of a missing file: %v", err)
	}
}
