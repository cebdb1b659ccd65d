// Package paths locates zauth's configuration and state directories.
//
// The rules, per OS (XDG_CONFIG_HOME and XDG_STATE_HOME win everywhere when
// they hold an absolute path; relative ones are ignored, as the XDG spec
// says, so that a stray value never puts tokens in the current directory):
//
//	            config                      state (index, locks, file store)
//	Linux, BSD  ~/.config/zauth             ~/.local/state/zauth
//	macOS       ~/.config/zauth             ~/.local/state/zauth
//	Windows     %AppData%\zauth             %LocalAppData%\zauth
//
// macOS uses the XDG layout as gh, kubectl and most developer CLIs do there,
// so dotfile managers find the config where they look for the others.
package paths

import (
	"os"
	"os/user"
	"path/filepath"
	"runtime"
	"strings"
)

// ConfigDir is the directory of config.yaml.
func ConfigDir() string { return rules(runtime.GOOS, os.Getenv).configDir() }

// ConfigFile is the default config file; ZAUTH_CONFIG overrides it.
func ConfigFile() string {
	if f := os.Getenv("ZAUTH_CONFIG"); f != "" {
		return f
	}
	return filepath.Join(ConfigDir(), "config.yaml")
}

// StateDir holds the non-secret login index, lock files and, only when the
// user opts in, the insecure token file.
func StateDir() string { return rules(runtime.GOOS, os.Getenv).stateDir() }

// osRules applies one OS's conventions to an environment, so that every
// OS's rules can be tested on any of them.
type osRules struct {
	goos   string
	getenv func(string) string
	// userHome is the home directory from the user database, for when the
	// environment names none.
	userHome func() string
}

func rules(goos string, getenv func(string) string) osRules {
	return osRules{goos, getenv, func() string {
		if u, err := user.Current(); err == nil {
			return u.HomeDir
		}
		return ""
	}}
}

func (r osRules) configDir() string {
	return r.dir("XDG_CONFIG_HOME", "AppData", []string{"AppData", "Roaming"}, []string{".config"})
}

func (r osRules) stateDir() string {
	return r.dir("XDG_STATE_HOME", "LocalAppData", []string{"AppData", "Local"}, []string{".local", "state"})
}

// dir is zauth's directory under $xdg when set (any OS), else under the
// Windows variable win or home/winHome..., else home/unixHome...
func (r osRules) dir(xdg, win string, winHome, unixHome []string) string {
	if d := r.absEnv(xdg); d != "" {
		return r.join(d, "zauth")
	}
	under := unixHome
	if r.goos == "windows" {
		if d := r.absEnv(win); d != "" {
			return r.join(d, "zauth")
		}
		under = winHome
	}
	return r.join(append(append([]string{r.home()}, under...), "zauth")...)
}

// home is what os.UserHomeDir reads on the OS; without it (cron, some
// service managers) the user database's, so that zauth never writes under
// whatever directory it was started in; "." only when both fail.
func (r osRules) home() string {
	name := "HOME"
	switch r.goos {
	case "windows":
		name = "USERPROFILE"
	case "plan9":
		name = "home"
	}
	if h := r.getenv(name); h != "" {
		return h
	}
	if h := r.userHome(); h != "" {
		return h
	}
	return "."
}

// absEnv is the variable's value when it is an absolute path, else "".
func (r osRules) absEnv(name string) string {
	v := r.getenv(name)
	if r.goos == runtime.GOOS {
		if filepath.IsAbs(v) {
			return v
		}
		return ""
	}
	if r.goos == "windows" {
		// C:\x, C:/x or \\server\share.
		if len(v) >= 3 && v[1] == ':' && (v[2] == '\\' || v[2] == '/') || strings.HasPrefix(v, `\\`) {
			return v
		}
		return ""
	}
	if strings.HasPrefix(v, "/") {
		return v
	}
	return ""
}

func (r osRules) join(elem ...string) string {
	if r.goos == runtime.GOOS {
		return filepath.Join(elem...)
	}
	sep := "/"
	if r.goos == "windows" {
		sep = `\`
	}
	elem[0] = strings.TrimRight(elem[0], sep)
	return strings.Join(elem, sep)
}
