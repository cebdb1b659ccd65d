package browseropen

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

const target = "https://x.test/a?b=c&d=e%20f"

// fakeBrowser writes a script that records its argv, one per line, in a
// file and then lingers like a browser would.
func fakeBrowser(t *testing.T, dir, name string) (script, out string) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("uses a shell script as the browser")
	}
	out = filepath.Join(dir, name+".args")
	script = filepath.Join(dir, name)
	body := "#!/bin/sh\nPATH=/usr/bin:/bin\nprintf '%s\\n' \"$@\" > " + out + ".tmp && mv " + out + ".tmp " + out + "\nsleep 1\n"
	if err := os.WriteFile(script, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	return script, out
}

func readArgs(t *testing.T, out string) string {
	t.Helper()
	for range 150 {
		if b, err := os.ReadFile(out); err == nil {
			return string(b)
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("the browser did not run")
	return ""
}

func TestBrowserEnv(t *testing.T) {
	dir := t.TempDir()
	script, out := fakeBrowser(t, dir, "browser")
	cases := []struct {
		name, env, want string
		note            bool // a note on stderr about a skipped entry
	}{
		{"URL appended", script, target + "\n", false},
		{"first that starts wins", "/nonexistent/browser:" + script, target + "\n", true},
		{"empty entries skipped", "::" + script + ":", target + "\n", false},
		{"%s substituted", script + "  --new-window %s --x", "--new-window\n" + target + "\n--x\n", false},
		{"%s inside an argument, %% kept", script + " --url=%s 100%%", "--url=" + target + "\n100%\n", false},
		{"%% alone does not count as %s", script + " 100%%", "100%\n" + target + "\n", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			os.Remove(out)
			t.Setenv("BROWSER", tc.env)
			var stderr strings.Builder
			if err := Open(target, &stderr); err != nil {
				t.Fatal(err)
			}
			if got := readArgs(t, out); got != tc.want {
				t.Errorf("argv %q, want %q", got, tc.want)
			}
			if got := strings.Contains(stderr.String(), "/nonexistent/browser"); got != tc.note {
				t.Errorf("stderr %q", stderr.String())
			}
		})
	}
}

// TestBrowserEnvTriesEachInTurn: an entry that starts but fails gives way
// to the next; when all fail, Open says so (and the login then asks for
// the URL to be pasted).
func TestBrowserEnvTriesEachInTurn(t *testing.T) {
	dir := t.TempDir()
	script, out := fakeBrowser(t, dir, "browser")
	failing := filepath.Join(dir, "failing")
	os.WriteFile(failing, []byte("#!/bin/sh\nexit 3\n"), 0o755)
	t.Setenv("BROWSER", "false:"+failing+" %s:"+script)
	var stderr strings.Builder
	if err := Open(target, &stderr); err != nil {
		t.Fatal(err)
	}
	if got := readArgs(t, out); got != target+"\n" || !strings.Contains(stderr.String(), `"false"`) {
		t.Errorf("argv %q, stderr %q", got, stderr.String())
	}
	t.Setenv("BROWSER", "false:"+failing)
	if err := Open(target, nil); err == nil || !strings.Contains(err.Error(), "failing") {
		t.Errorf("every entry failing: %v", err)
	}
}

// TestHeadless: on Linux without a display, or over SSH, there is no
// browser to open; macOS, Windows and WSL always have one.
func TestHeadless(t *testing.T) {
	env := func(kv ...string) func(string) string {
		return func(k string) string {
			for i := 0; i < len(kv); i += 2 {
				if kv[i] == k {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	for _, tc := range []struct {
		goos string
		env  func(string) string
		want bool
	}{
		{"linux", env(), true},
		{"linux", env("DISPLAY", ":0"), false},
		{"linux", env("WAYLAND_DISPLAY", "wayland-0"), false},
		{"linux", env("DISPLAY", ":0", "SSH_CONNECTION", "1.2.3.4 5 6.7.8.9 22"), true},
		{"freebsd", env(), true},
		{"linux", env("WSL_DISTRO_NAME", "Debian"), false},
		{"darwin", env(), false},
		{"windows", env("SSH_CONNECTION", "x"), false},
	} {
		if err := headless(tc.goos, tc.env); (err != nil) != tc.want || (err != nil && !errors.Is(err, ErrNoBrowser)) {
			t.Errorf("%s: %v, want headless %v", tc.goos, err, tc.want)
		}
	}
}

func TestBrowserEnvNothingStarts(t *testing.T) {
	for _, env := range []string{"/nonexistent/one:/nonexistent/two", " : "} {
		t.Setenv("BROWSER", env)
		err := Open("https://x.test/?state=SECRET", nil)
		if err == nil || strings.Contains(err.Error(), "SECRET") {
			t.Errorf("BROWSER=%q: %v", env, err)
		}
		if strings.Contains(env, "nonexistent") && !strings.Contains(err.Error(), "/nonexistent/two") {
			t.Errorf("BROWSER=%q: %v", env, err)
		}
	}
}

// TestDefaultOpener: without $BROWSER, the OS opener (xdg-open here, a
// fake on PATH) runs; an opener that stays up does not hold Open.
func TestDefaultOpener(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("fakes xdg-open")
	}
	dir := t.TempDir()
	_, out := fakeBrowser(t, dir, "xdg-open")
	t.Setenv("PATH", dir)
	t.Setenv("BROWSER", "")
	os.Unsetenv("BROWSER")
	t.Setenv("WSL_DISTRO_NAME", "")
	t.Setenv("WSL_INTEROP", "")
	t.Setenv("DISPLAY", ":0")
	t.Setenv("SSH_CONNECTION", "")
	t.Setenv("SSH_TTY", "")
	old := defaultWait
	defaultWait = 100 * time.Millisecond
	t.Cleanup(func() { defaultWait = old })

	begin := time.Now()
	if err := Open(target, nil); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(begin); d > 600*time.Millisecond {
		t.Errorf("Open waited %s for the browser", d)
	}
	if got := readArgs(t, out); got != target+"\n" {
		t.Errorf("argv %q", got)
	}

	// A failing opener is reported: it fails at once, but a loaded machine
	// may take a while to run it.
	defaultWait = 30 * time.Second
	failing := filepath.Join(dir, "failing")
	os.WriteFile(failing, []byte("#!/bin/sh\nexit 3\n"), 0o755)
	if err := os.Rename(failing, filepath.Join(dir, "xdg-open")); err != nil {
		t.Fatal(err)
	}
	if err := Open(target, nil); err == nil {
		t.Error("a failing xdg-open was not reported")
	}
}

// TestOpenerEnvironment: neither a $BROWSER command nor the OS opener (and
// so the browser either starts) inherits zauth's own secrets.
func TestOpenerEnvironment(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("fakes xdg-open")
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "env")
	script := "#!/bin/sh\n/usr/bin/env > " + out + ".tmp && mv " + out + ".tmp " + out + "\n"
	for _, name := range []string{"browser", "xdg-open"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("ZAUTH_ZIINA_CLIENT_SECRET", "S3CRET-1")
	t.Setenv("ZAUTH_ZBD_API_KEY", "S3CRET-2")
	t.Setenv("ZAUTH_KEEP_ME", "visible")
	t.Setenv("PATH", dir+":/usr/bin:/bin")
	t.Setenv("DISPLAY", ":0")
	t.Setenv("SSH_CONNECTION", "")
	t.Setenv("SSH_TTY", "")
	t.Setenv("WSL_DISTRO_NAME", "")
	t.Setenv("WSL_INTEROP", "")
	for _, browser := range []string{filepath.Join(dir, "browser"), ""} {
		os.Remove(out)
		t.Setenv("BROWSER", browser)
		if err := Open(target, nil); err != nil {
			t.Fatal(err)
		}
		env := readArgs(t, out)
		if strings.Contains(env, "S3CRET") || !strings.Contains(env, "ZAUTH_KEEP_ME=visible") {
			t.Errorf("BROWSER=%q: the opener's environment:\n%s", browser, env)
		}
	}
}
