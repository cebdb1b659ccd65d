package keychain

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/zauth-cli/zauth/internal/atomicfile"
	"github.com/zauth-cli/zauth/internal/exitcode"
	"github.com/zauth-cli/zauth/internal/filelock"
	"github.com/zauth-cli/zauth/internal/paths"
)

// File keeps secrets in a JSON file, 0600 in a 0700 directory, for hosts
// without an OS keychain. It is chosen only on explicit request
// (--insecure-storage or ZAUTH_STORAGE=file).
type File struct {
	Path string
}

func (f *File) Name() string { return "insecure file " + f.Path }

func (f *File) Get(key string) (string, error) {
	m, err := f.read()
	if err != nil {
		return "", err
	}
	v, ok := m[key]
	if !ok {
		return "", ErrNotFound
	}
	return v, nil
}

func (f *File) Set(key, value string) error {
	return f.update(func(m map[string]string) { m[key] = value })
}

func (f *File) Delete(key string) error {
	return f.update(func(m map[string]string) { delete(m, key) })
}

// update is a locked read-modify-write, so concurrent processes writing
// different keys do not lose each other's changes.
func (f *File) update(change func(map[string]string)) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	lock, err := filelock.Acquire(ctx, f.Path+".lock")
	if err != nil {
		return exitcode.New(exitcode.Storage, fmt.Errorf("cannot lock %s: %w", f.Path, err))
	}
	defer lock.Release()
	m, err := f.read()
	if err != nil {
		return err
	}
	change(m)
	data, _ := json.MarshalIndent(m, "", "  ")
	if err := atomicfile.Write(f.Path, data, 0o600); err != nil {
		return exitcode.New(exitcode.Storage, fmt.Errorf("cannot write %s: %w", f.Path, err))
	}
	return nil
}

// read reads the file, trusting it only in a directory no one else can
// change: elsewhere, what is at its path may be another user's plant.
func (f *File) read() (map[string]string, error) {
	m := map[string]string{}
	if err := paths.CheckPrivateDir(filepath.Dir(f.Path)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, exitcode.New(exitcode.Storage, err)
	}
	data, err := atomicfile.ReadRegular(f.Path)
	if errors.Is(err, os.ErrNotExist) {
		return m, nil
	}
	if errors.Is(err, atomicfile.ErrNotRegular) {
		return nil, exitcode.Newf(exitcode.Storage, "%s is not a regular file (zauth follows no link there)", f.Path).
			WithHint("move it aside and log in again")
	}
	if err != nil {
		return nil, exitcode.New(exitcode.Storage, fmt.Errorf("cannot read %s: %w", f.Path, err))
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, exitcode.New(exitcode.Storage, fmt.Errorf("%s is corrupt: %v", f.Path, err)).
			WithHint("move it aside and log in again")
	}
	if m == nil { // JSON null: valid, and holds nothing
		m = map[string]string{}
	}
	return m, nil
}
