//go:build !windows

package paths

import (
	"fmt"
	"os"
	"syscall"
)

func checkPrivate(dir string, fi os.FileInfo) error {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && int(st.Uid) != os.Geteuid() {
		return fmt.Errorf("directory %s is owned by uid %d, not by you (uid %d): move it aside and zauth creates a private one", dir, st.Uid, os.Geteuid())
	}
	if perm := fi.Mode().Perm(); perm&0o022 != 0 {
		return fmt.Errorf("directory %s is writable by other users (mode %04o): run `chmod 700 %s`", dir, perm, dir)
	}
	return nil
}
