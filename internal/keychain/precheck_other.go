//go:build !linux

package keychain

func precheck() error { return nil }
