package paths

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/zauth-cli/zauth/internal/exitcode"
)

// EnsurePrivateDir makes sure only the current user can change dir: it is
// created 0700 (with any missing parents) if absent, and refused if it is
// not a directory, is writable by group or others, or (on Unix) belongs to
// someone else. When dir lies inside the state directory, every directory
// from the state directory down to dir is checked, since whoever can write
// a parent can swap the child for their own. Errors exit 5 and name the fix.
func EnsurePrivateDir(dir string) error {
	chain := []string{dir}
	if state := StateDir(); dir != state && within(state, dir) {
		for d := filepath.Dir(dir); ; d = filepath.Dir(d) {
			chain = append(chain, d)
			if d == state || d == filepath.Dir(d) {
				break
			}
		}
	}
	created := false
	for i := len(chain) - 1; i >= 0; i-- {
		d := chain[i]
		fi, err := os.Stat(d)
		if errors.Is(err, fs.ErrNotExist) && !created {
			// MkdirAll's 0700 is narrowed by the umask, never widened.
			if err := os.MkdirAll(dir, 0o700); err != nil {
				return exitcode.Newf(exitcode.Storage, "cannot create %s: %v", dir, err)
			}
			created = true
			i++ // stat it again: another process may have made it first
			continue
		}
		if err != nil {
			return exitcode.Newf(exitcode.Storage, "cannot use %s: %v", d, err)
		}
		if !fi.IsDir() {
			return exitcode.Newf(exitcode.Storage, "%s is not a directory: move it aside and run zauth again", d)
		}
		if err := checkPrivate(d, fi); err != nil {
			return exitcode.New(exitcode.Storage, err)
		}
	}
	return nil
}

// CheckPrivateDir applies EnsurePrivateDir's rules to an existing dir
// without creating anything, for reports (doctor): nil when zauth would
// use it as it is.
func CheckPrivateDir(dir string) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return errors.New(dir + " is not a directory")
	}
	return checkPrivate(dir, fi)
}

// within reports whether path lies inside dir.
func within(dir, path string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}
