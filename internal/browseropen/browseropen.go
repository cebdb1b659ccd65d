// Package browseropen opens a URL in the user's browser, honouring $BROWSER
// the way xdg-utils and Python's webbrowser do, and never waiting for the
// browser to exit. The opener, and so the browser it starts, does not
// inherit zauth's own secrets from the environment.
package browseropen

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"

	"github.com/pkg/browser"

	"github.com/zauth-cli/zauth/internal/childproc"
)

// defaultWait is how long Open lets the OS opener report a failure. Some
// (xdg-open starting a browser that was not running) only return when the
// browser exits: past this, Open assumes the browser is up.
var defaultWait = 3 * time.Second

// ErrNoBrowser means there is no browser to open here: no $BROWSER, and a
// Linux session without a display (SSH, a server, a container). The caller
// should ask the user to open the URL elsewhere.
var ErrNoBrowser = errors.New("no display to open a browser on")

// Open opens url in the user's browser.
//
// $BROWSER, when set, is a list of commands separated by ':' (';' on
// Windows), split on whitespace (no shell). In each, %s is replaced by the
// URL (and %% by %); without %s the URL is the last argument. They are
// tried in turn: a command that cannot start, or that exits with a failure
// within a moment, gives way to the next; one that succeeds or keeps
// running (a browser) ends the search. Without $BROWSER, the OS default
// opener is used (on WSL, wslview first when installed); on Linux outside
// WSL with no DISPLAY or WAYLAND_DISPLAY, or over SSH, Open returns
// ErrNoBrowser without trying.
//
// The browser's own output is discarded: it would land among the
// terminal's prompts, and stdout carries data. stderr gets a note when a
// $BROWSER entry failed but a later one worked.
func Open(url string, stderr io.Writer) error {
	if stderr == nil {
		stderr = io.Discard
	}
	if env := os.Getenv("BROWSER"); env != "" {
		return openEnv(env, url, stderr)
	}
	if err := headless(runtime.GOOS, os.Getenv); err != nil {
		return err
	}
	if isWSL() {
		if _, err := exec.LookPath("wslview"); err == nil {
			return start([]string{"wslview", url})
		}
	}
	err := openDefault(url)
	var notFound *exec.Error
	if isWSL() && errors.As(err, &notFound) {
		// No Linux opener: let Windows open it.
		return start([]string{"rundll32.exe", "url.dll,FileProtocolHandler", url})
	}
	return err
}

func openEnv(env, url string, stderr io.Writer) error {
	var errs []error
	for _, entry := range strings.Split(env, string(os.PathListSeparator)) {
		args := strings.Fields(entry)
		if len(args) == 0 {
			continue
		}
		substituted := false
		for i, a := range args {
			var ok bool
			args[i], ok = expand(a, url)
			substituted = substituted || ok
		}
		if !substituted {
			args = append(args, url)
		}
		if err := run(args); err != nil {
			errs = append(errs, fmt.Errorf("$BROWSER command %q: %w", strings.Fields(entry)[0], err))
			continue
		}
		for _, err := range errs {
			fmt.Fprintf(stderr, "Could not open a browser: %v\n", err)
		}
		return nil
	}
	if len(errs) == 0 {
		return errors.New("$BROWSER names no command")
	}
	return errors.Join(errs...)
}

// expand replaces %s with url and %% with %, as xdg-open's printf does,
// and reports whether there was a %s.
func expand(arg, url string) (string, bool) {
	if !strings.Contains(arg, "%") {
		return arg, false
	}
	var b strings.Builder
	found := false
	for i := 0; i < len(arg); i++ {
		if arg[i] == '%' && i+1 < len(arg) {
			switch arg[i+1] {
			case 's':
				b.WriteString(url)
				found = true
				i++
				continue
			case '%':
				b.WriteByte('%')
				i++
				continue
			}
		}
		b.WriteByte(arg[i])
	}
	return b.String(), found
}

// headless reports ErrNoBrowser for a Linux (or BSD) session that has no
// display to show a browser on, or that is a remote shell.
func headless(goos string, getenv func(string) string) error {
	switch goos {
	case "windows", "darwin", "android", "ios":
		return nil
	}
	if getenv("WSL_DISTRO_NAME") != "" || getenv("WSL_INTEROP") != "" {
		return nil // Windows opens it
	}
	switch {
	case getenv("SSH_CONNECTION") != "" || getenv("SSH_TTY") != "":
		return fmt.Errorf("%w (this is an SSH session)", ErrNoBrowser)
	case getenv("DISPLAY") == "" && getenv("WAYLAND_DISPLAY") == "":
		return fmt.Errorf("%w (neither DISPLAY nor WAYLAND_DISPLAY is set)", ErrNoBrowser)
	}
	return nil
}

// run runs args with no stdio and waits a moment for a verdict (see
// waitBriefly). Its stdio is the null device: a pipe would make waiting for
// it wait for every process holding the pipe, the browser included, and
// the browser's output has no place in zauth's.
func run(args []string) error {
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = childproc.Environ()
	return waitBriefly(cmd.Run)
}

// waitBriefly runs f and waits at most defaultWait for it: its error within
// that time is the answer; still running after it means a browser is up
// (the process is left to finish on its own).
func waitBriefly(f func() error) error {
	done := make(chan error, 1)
	go func() { done <- f() }()
	t := time.NewTimer(defaultWait)
	defer t.Stop()
	select {
	case err := <-done:
		return err
	case <-t.C:
		return nil
	}
}

// start runs args in the background with no stdio, and reaps it when it
// exits.
func start(args []string) error {
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = childproc.Environ()
	if err := cmd.Start(); err != nil {
		return err
	}
	go cmd.Wait()
	return nil
}

// unixOpeners are tried in order where no $BROWSER is set, as pkg/browser
// does; macOS has open.
var unixOpeners = []string{"xdg-open", "x-www-browser", "www-browser"}

// openDefault runs the OS opener with a scrubbed environment, its output
// discarded, and waits for it at most defaultWait. On Windows pkg/browser's
// ShellExecute is used, which cannot be given an environment.
func openDefault(url string) error {
	switch runtime.GOOS {
	case "windows":
		return waitBriefly(func() error { return browser.OpenURL(url) })
	case "darwin":
		return run([]string{"open", url})
	}
	for _, o := range unixOpeners {
		if _, err := exec.LookPath(o); err == nil {
			return run([]string{o, url})
		}
	}
	return &exec.Error{Name: strings.Join(unixOpeners, ","), Err: exec.ErrNotFound}
}

func isWSL() bool {
	return runtime.GOOS == "linux" && (os.Getenv("WSL_DISTRO_NAME") != "" || os.Getenv("WSL_INTEROP") != "")
}
