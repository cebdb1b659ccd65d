// Package filelock provides an exclusive cross-process lock on a file. The OS
// releases it when the process dies, so a killed zauth never leaves a stale
// lock behind.
//
// The file system is not trusted: a lock in a directory others can write is
// no lock (they can replace the file), and a symbolic link planted at the
// lock path would make zauth create or open a file of the planter's choice.
// Both are refused.
package filelock

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/zauth-cli/zauth/internal/exitcode"
	"github.com/zauth-cli/zauth/internal/paths"
)

// ErrTimeout means the lock was not obtained before the context ended.
var ErrTimeout = errors.New("timed out waiting for the lock")

// errSymlink is what open returns for a lock path that is a link.
var errSymlink = errors.New("symbolic link")

// Lock is a held lock.
type Lock struct{ f *os.File }

// Acquire blocks until it holds the lock on path, or ctx ends. The lock's
// directory must be private to the user (see paths.EnsurePrivateDir; it is
// created 0700 if needed); the file is created 0600 and never followed if
// it is a symbolic link. Unsafe paths are exit-5 errors naming the fix.
func Acquire(ctx context.Context, path string) (*Lock, error) {
	if err := paths.EnsurePrivateDir(filepath.Dir(path)); err != nil {
		return nil, err
	}
	f, err := open(path)
	if errors.Is(err, errSymlink) {
		return nil, exitcode.Newf(exitcode.Storage, "lock file %s is a symbolic link, which zauth does not follow: remove it (`rm %s`)", path, path)
	}
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if st, err := f.Stat(); err != nil || !st.Mode().IsRegular() {
		f.Close()
		return nil, exitcode.Newf(exitcode.Storage, "lock file %s is not a regular file: remove it", path)
	}
	// Poll a non-blocking lock: a blocking flock cannot be cancelled.
	delay := 2 * time.Millisecond
	for {
		ok, err := tryLock(f)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		if ok {
			return &Lock{f: f}, nil
		}
		select {
		case <-ctx.Done():
			f.Close()
			if errors.Is(ctx.Err(), context.Canceled) {
				return nil, ctx.Err()
			}
			return nil, ErrTimeout
		case <-time.After(delay):
		}
		delay = min(delay*2, 50*time.Millisecond)
	}
}

// Release unlocks and closes the lock file. The file stays: removing it
// would race with another process that has it open and is about to lock it.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	unlock(l.f)
	err := l.f.Close()
	l.f = nil
	return err
}
