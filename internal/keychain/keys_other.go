//go:build !linux

package keychain

import "errors"

// go-keyring offers no search on macOS and Windows.
const canList = false

func listKeys(service string) ([]string, error) { return nil, errors.ErrUnsupported }
