// Package paths locates zauth's configuration and state directories.
package paths

import (
	"os"
	"path/filepath"
	"runtime"
)

// ConfigDir is $XDG_CONFIG_HOME/zauth, else ~/.config/zauth (as on Linux and
// macOS, like other developer CLIs), else the OS config dir on Windows.
func ConfigDir() string {
	if d := os.Getenv("XDG_CONFIG_HOME"); d != "" {
		return filepath.Join(d, "zauth")
	}
	if runtime.GOOS == "windows" {
		if d, err := os.UserConfigDir(); err == nil {
			return filepath.Join(d, "zauth")
		}
	}
	return filepath.Join(home(), ".config", "zauth")
}

// ConfigFile is the default config file; ZAUTH_CONFIG overrides it.
func ConfigFile() string {
	if f := os.Getenv("ZAUTH_CONFIG"); f != "" {
		return f
	}
	return filepath.Join(ConfigDir(), "config.yaml")
}

// StateDir holds the non-secret login index, lock files and, only when the
// user opts in, the insecure token file: $XDG_STATE_HOME/zauth, else
// ~/.local/state/zauth, else %LocalAppData%\zauth on Windows.
func StateDir() string {
	if d := os.Getenv("XDG_STATE_HOME"); d != "" {
		return filepath.Join(d, "zauth")
	}
	if runtime.GOOS == "windows" {
		if d, err := os.UserCacheDir(); err == nil { // %LocalAppData%
			return filepath.Join(d, "zauth")
		}
	}
	return filepath.Join(home(), ".local", "state", "zauth")
}

func home() string {
	if h, err := os.UserHomeDir(); err == nil {
		return h
	}
	return "."
}
