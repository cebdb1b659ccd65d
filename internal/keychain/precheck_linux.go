package keychain

import (
	"errors"
	"os"
	"path/filepath"
)

// precheck fails fast when there is no D-Bus session bus. Without one,
// go-keyring's D-Bus library would autolaunch a private bus (and with it a
// keyring daemon that stays behind and cannot be unlocked): a slow, confusing
// failure on SSH and headless hosts.
func precheck() error {
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") != "" {
		return nil
	}
	if dir := os.Getenv("XDG_RUNTIME_DIR"); dir != "" {
		if _, err := os.Stat(filepath.Join(dir, "bus")); err == nil {
			return nil
		}
	}
	return errors.New("there is no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is unset), so no Secret Service to keep secrets in")
}
