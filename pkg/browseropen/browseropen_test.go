package browseropen

import (
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestBrowserEnv(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("uses a shell script as the browser")
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "args")
	script := filepath.Join(dir, "fake-browser")
	os.WriteFile(script, []byte("#!/bin/sh\nprintf '%s\\n' \"$@\" > "+out+"\n"), 0o755)

	for _, tc := range []struct{ env, want string }{
		{"/nonexistent/browser:" + script, "https://x.test/a?b=c&d=e\n"},
		{script + " --new-window %s", "--new-window\nhttps://x.test/a?b=c&d=e\n"},
	} {
		os.Remove(out)
		t.Setenv("BROWSER", tc.env)
		if err := Open("https://x.test/a?b=c&d=e", io.Discard); err != nil {
			t.Fatal(err)
		}
		var got []byte
		for i := 0; i < 100 && len(got) == 0; i++ {
			time.Sleep(20 * time.Millisecond)
			got, _ = os.ReadFile(out)
		}
		if string(got) != tc.want {
			t.Errorf("BROWSER=%q: argv %q, want %q", tc.env, got, tc.want)
		}
	}
	t.Setenv("BROWSER", "/nonexistent/one:/nonexistent/two")
	if err := Open("https://x.test", io.Discard); err == nil || !strings.Contains(err.Error(), "nonexistent") {
		t.Errorf("no browser started: %v", err)
	}
}
