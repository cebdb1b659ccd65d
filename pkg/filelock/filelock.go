// Package filelock provides an exclusive cross-process lock on a file. The OS
// releases it when the process dies, so a killed zauth never leaves a stale
// lock behind.
package filelock

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// ErrTimeout means the lock was not obtained before the context ended.
var ErrTimeout = errors.New("timed out waiting for the lock")

// Lock is a held lock.
type Lock struct{ f *os.File }

// Acquire blocks until it holds the lock on path (created 0600 in a 0700
// directory if needed), or ctx ends.
func Acquire(ctx context.Context, path string) (*Lock, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
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
