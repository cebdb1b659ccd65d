//go:build !linux

package keychain

func precheck() error { return nil }

func fastGet(service, key string) (value string, found, ok bool) { return "", false, false }
