//go:build !windows

package paths

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/zauth-cli/zauth/internal/exitcode"
)

func TestEnsurePrivateDirCreates(t *testing.T) {
	defer syscall.Umask(syscall.Umask(0)) // 0700 must not depend on the umask
	dir := filepath.Join(t.TempDir(), "a", "b")
	if err := EnsurePrivateDir(dir); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{dir, filepath.Dir(dir)} {
		if st, err := os.Stat(d); err != nil || st.Mode().Perm() != 0o700 {
			t.Errorf("%s: %v %v, want 0700", d, st.Mode(), err)
		}
	}
	if err := EnsurePrivateDir(dir); err != nil {
		t.Errorf("second call: %v", err)
	}
}

func TestEnsurePrivateDirRefusesLoose(t *testing.T) {
	for _, mode := range []os.FileMode{0o777, 0o770, 0o722, 0o1777} {
		dir := filepath.Join(t.TempDir(), "zauth")
		if err := os.Mkdir(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(dir, mode); err != nil {
			t.Fatal(err)
		}
		err := EnsurePrivateDir(dir)
		if err == nil {
			t.Errorf("mode %v accepted", mode)
			continue
		}
		if exitcode.Code(err) != exitcode.Storage || !strings.Contains(err.Error(), "`chmod 700 "+dir+"`") || strings.Contains(err.Error(), "\n") {
			t.Errorf("mode %v: %q (exit %d)", mode, err, exitcode.Code(err))
		}
	}
}

func TestEnsurePrivateDirRefusesForeign(t *testing.T) {
	dir := "/" // owned by root
	if os.Geteuid() == 0 {
		dir = filepath.Join(t.TempDir(), "zauth")
		if err := os.Mkdir(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.Chown(dir, 65534, 65534); err != nil {
			t.Fatal(err)
		}
	}
	err := EnsurePrivateDir(dir)
	if exitcode.Code(err) != exitcode.Storage || !strings.Contains(err.Error(), "owned by") {
		t.Errorf("a directory of another user: %v", err)
	}
}

func TestEnsurePrivateDirNotADirectory(t *testing.T) {
	file := filepath.Join(t.TempDir(), "zauth")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := EnsurePrivateDir(file); exitcode.Code(err) != exitcode.Storage || !strings.Contains(err.Error(), "not a directory") {
		t.Errorf("a file: %v", err)
	}
}

// TestEnsurePrivateDirChecksStateDir: a private locks/ directory inside a
// world-writable state directory is not private: others can rename it away.
func TestEnsurePrivateDirChecksStateDir(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	state := StateDir()
	locks := filepath.Join(state, "locks")
	if err := os.MkdirAll(locks, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(state, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := EnsurePrivateDir(locks); err == nil || !strings.Contains(err.Error(), "chmod 700 "+state+"`") {
		t.Errorf("locks/ in a world-writable state dir: %v", err)
	}
}
