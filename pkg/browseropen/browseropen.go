// Package browseropen opens a URL in the user's browser, honouring $BROWSER
// the way xdg-utils and Python's webbrowser do, and never blocking on the
// browser process.
package browseropen

import (
	"errors"
	"io"
	"os"
	"os/exec"
	"strings"

	"github.com/pkg/browser"
)

// Open opens url. $BROWSER, when set, is a ':'-separated list of commands;
// each may contain %s for the URL, else the URL is the last argument. The
// first command that starts wins. Without $BROWSER the OS default opener
// is used. The browser's own output goes to stderr, never stdout, which
// carries zauth's data.
func Open(url string, stderr io.Writer) error {
	if env := os.Getenv("BROWSER"); env != "" {
		var errs []error
		for _, spec := range strings.Split(env, ":") {
			args := strings.Fields(spec)
			if len(args) == 0 {
				continue
			}
			substituted := false
			for i, a := range args {
				if strings.Contains(a, "%s") {
					args[i] = strings.ReplaceAll(a, "%s", url)
					substituted = true
				}
			}
			if !substituted {
				args = append(args, url)
			}
			cmd := exec.Command(args[0], args[1:]...)
			cmd.Stdout, cmd.Stderr = stderr, stderr
			if err := cmd.Start(); err != nil {
				errs = append(errs, err)
				continue
			}
			go cmd.Wait() // reap it whenever it ends; zauth does not wait
			return nil
		}
		return errors.Join(errs...)
	}
	browser.Stdout, browser.Stderr = stderr, stderr
	return browser.OpenURL(url)
}
