package keychain

import (
	"errors"
	"maps"
	"slices"
)

// Lister is a Backend that can list its keys: enough to remove the chunks
// of a damaged item and to rebuild the login index from what is stored.
type Lister interface {
	Keys() ([]string, error)
}

// Keys lists the keys in the file.
func (f *File) Keys() ([]string, error) {
	m, err := f.read()
	if err != nil {
		return nil, err
	}
	return slices.Sorted(maps.Keys(m)), nil
}

// Keys lists the keys stored under the service, where the OS keychain can
// search by attribute (the Secret Service); elsewhere errors.ErrUnsupported.
func (k *OS) Keys() ([]string, error) {
	if !canList {
		return nil, errors.ErrUnsupported
	}
	var keys []string
	err := k.call("search", func() error {
		var err error
		keys, err = listKeys(k.Service)
		return err
	})
	slices.Sort(keys)
	return keys, err
}
