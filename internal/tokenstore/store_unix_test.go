//go:build !windows

package tokenstore

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/zauth-cli/zauth/internal/filelock"
)

// TestStaleMarkerPlantedIsSafe: whatever is planted at the marker's path
// (a link, a FIFO) is neither followed nor blocks zauth: it only forces a
// rebuild, which removes it.
func TestStaleMarkerPlantedIsSafe(t *testing.T) {
	for _, plant := range []string{"link", "fifo"} {
		t.Run(plant, func(t *testing.T) {
			s := newStore(t)
			defer func(d time.Duration) { indexLockWait = d }(indexLockWait)
			indexLockWait = 50 * time.Millisecond
			s.Save(&Record{Provider: "ziina", Profile: "a", AccessToken: "x"})
			victim := filepath.Join(t.TempDir(), "victim")
			os.WriteFile(victim, []byte("keep"), 0o600)
			marker := filepath.Join(s.Dir, "index.stale")
			if plant == "link" {
				os.Symlink(victim, marker)
			} else if err := syscall.Mkfifo(marker, 0o600); err != nil {
				t.Skip(err)
			}
			held, _ := filelock.Acquire(context.Background(), filepath.Join(s.Dir, "index.lock"))
			s.Save(&Record{Provider: "ziina", Profile: "b", AccessToken: "y"}) // cannot lock: marks
			held.Release()
			if got, _ := os.ReadFile(victim); string(got) != "keep" {
				t.Errorf("the link's target was written: %q", got)
			}
			if idx, err := s.List(); err != nil || len(idx) != 2 {
				t.Errorf("List = %v, %v", profiles(idx), err)
			}
			if _, err := os.Lstat(marker); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("the rebuild left the marker: %v", err)
			}
		})
	}
}
