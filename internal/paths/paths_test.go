package paths

import (
	"path/filepath"
	"runtime"
	"testing"
)

// TestRulesPerOS checks each OS's locations, whatever OS runs the test.
func TestRulesPerOS(t *testing.T) {
	unix := map[string]string{"HOME": "/home/ann"}
	win := map[string]string{
		"USERPROFILE":  `C:\Users\ann`,
		"AppData":      `C:\Users\ann\AppData\Roaming`,
		"LocalAppData": `C:\Users\ann\AppData\Local`,
	}
	with := func(base map[string]string, kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	cases := []struct {
		name, goos    string
		env           map[string]string
		config, state string
	}{
		{"linux", "linux", unix, "/home/ann/.config/zauth", "/home/ann/.local/state/zauth"},
		{"freebsd", "freebsd", unix, "/home/ann/.config/zauth", "/home/ann/.local/state/zauth"},
		{"macOS keeps the XDG layout", "darwin", with(unix, "HOME", "/Users/ann"), "/Users/ann/.config/zauth", "/Users/ann/.local/state/zauth"},
		{"windows", "windows", win, `C:\Users\ann\AppData\Roaming\zauth`, `C:\Users\ann\AppData\Local\zauth`},
		{"windows without AppData", "windows", map[string]string{"USERPROFILE": `C:\Users\ann`}, `C:\Users\ann\AppData\Roaming\zauth`, `C:\Users\ann\AppData\Local\zauth`},
		{"linux without HOME", "linux", map[string]string{"(user database)": "/home/ann"}, "/home/ann/.config/zauth", "/home/ann/.local/state/zauth"},
		{"windows without USERPROFILE or AppData", "windows", map[string]string{"(user database)": `C:\Users\ann`}, `C:\Users\ann\AppData\Roaming\zauth`, `C:\Users\ann\AppData\Local\zauth`},

		{"linux XDG", "linux", with(unix, "XDG_CONFIG_HOME", "/cfg", "XDG_STATE_HOME", "/st/"), "/cfg/zauth", "/st/zauth"},
		{"macOS XDG", "darwin", with(unix, "XDG_CONFIG_HOME", "/cfg", "XDG_STATE_HOME", "/st"), "/cfg/zauth", "/st/zauth"},
		{"windows XDG", "windows", with(win, "XDG_CONFIG_HOME", `D:\cfg`, "XDG_STATE_HOME", `\\srv\st`), `D:\cfg\zauth`, `\\srv\st\zauth`},

		// Relative values are ignored (XDG spec): they would put the
		// token file and locks in whatever directory zauth runs in.
		{"linux relative XDG", "linux", with(unix, "XDG_CONFIG_HOME", "cfg", "XDG_STATE_HOME", "."), "/home/ann/.config/zauth", "/home/ann/.local/state/zauth"},
		{"macOS relative XDG", "darwin", with(unix, "XDG_CONFIG_HOME", "./cfg", "XDG_STATE_HOME", "st"), "/home/ann/.config/zauth", "/home/ann/.local/state/zauth"},
		{"windows relative XDG and AppData", "windows", with(win, "XDG_CONFIG_HOME", `cfg`, "XDG_STATE_HOME", `D:st`, "AppData", `x`, "LocalAppData", `\y`),
			`C:\Users\ann\AppData\Roaming\zauth`, `C:\Users\ann\AppData\Local\zauth`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := rules(tc.goos, func(k string) string { return tc.env[k] })
			r.userHome = func() string { return tc.env["(user database)"] }
			if got := r.configDir(); got != tc.config {
				t.Errorf("config dir %q, want %q", got, tc.config)
			}
			if got := r.stateDir(); got != tc.state {
				t.Errorf("state dir %q, want %q", got, tc.state)
			}
		})
	}
}

// TestRelativeXDGIgnored goes through the exported functions on this OS.
func TestRelativeXDGIgnored(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("USERPROFILE", home)
	t.Setenv("XDG_CONFIG_HOME", "relative-config")
	t.Setenv("XDG_STATE_HOME", ".")
	t.Setenv("ZAUTH_CONFIG", "")
	for _, dir := range []string{ConfigDir(), StateDir(), ConfigFile()} {
		if !filepath.IsAbs(dir) {
			t.Errorf("%q is relative: zauth would write there from any working directory", dir)
		}
	}
	if runtime.GOOS == "windows" {
		return // %AppData% and %LocalAppData% decide there
	}
	if got, want := StateDir(), filepath.Join(home, ".local", "state", "zauth"); got != want {
		t.Errorf("state dir %q, want %q", got, want)
	}
}

func TestConfigFileOverride(t *testing.T) {
	t.Setenv("ZAUTH_CONFIG", "/etc/zauth.yaml")
	if got := ConfigFile(); got != "/etc/zauth.yaml" {
		t.Errorf("ConfigFile() = %q", got)
	}
	t.Setenv("ZAUTH_CONFIG", "")
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(t.TempDir(), "c"))
	if got, want := ConfigFile(), filepath.Join(ConfigDir(), "config.yaml"); got != want {
		t.Errorf("ConfigFile() = %q, want %q", got, want)
	}
}

// TestNoHomeVariable: without $HOME (cron, some service managers) the
// directories are still absolute, from the user database, never relative
// to wherever zauth was started.
func TestNoHomeVariable(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", "")
	t.Setenv("XDG_STATE_HOME", "")
	t.Setenv("HOME", "")
	t.Setenv("USERPROFILE", "")
	for _, dir := range []string{ConfigDir(), StateDir()} {
		if !filepath.IsAbs(dir) {
			t.Errorf("%q is relative", dir)
		}
	}
}
