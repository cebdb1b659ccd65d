package browseropen

import (
	"flag"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestBrowserListPerOS: $BROWSER is split on the OS's list separator, ';'
// on Windows, so that a Windows path is one command despite its drive
// colon, and ':' elsewhere. The browser is this test binary, so the test
// runs unchanged on every OS.
func TestBrowserListPerOS(t *testing.T) {
	if args := flag.Args(); len(args) == 3 && args[0] == "fake-browser" {
		// This process is the browser: record the URL it was given, whole.
		if err := os.WriteFile(args[1]+".tmp", []byte(args[2]), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(args[1]+".tmp", args[1]); err != nil {
			t.Fatal(err)
		}
		return
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	missing := filepath.Join(dir, "no-such-browser") // C:\...\no-such-browser on Windows
	out := filepath.Join(dir, "url")
	if strings.ContainsAny(exe+dir, " \t") {
		t.Skip("$BROWSER entries are split on spaces, and this test's paths contain one")
	}
	sep := ":"
	if runtime.GOOS == "windows" {
		sep = ";"
	}
	t.Setenv("BROWSER", missing+sep+exe+" -test.run=^TestBrowserListPerOS$ -- fake-browser "+out+" %s")

	var stderr strings.Builder
	if err := Open(target, &stderr); err != nil {
		t.Fatalf("Open: %v", err)
	}
	if !strings.Contains(stderr.String(), strconv.Quote(missing)) {
		t.Errorf("the first entry was not tried as one command %q: stderr %q", missing, stderr.String())
	}
	var got []byte
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if got, err = os.ReadFile(out); err == nil && len(got) > 0 {
			break
		}
	}
	if string(got) != target {
		t.Errorf("the browser got %q, want %q", got, target)
	}
}
