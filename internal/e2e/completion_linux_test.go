package e2e

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/zauth-cli/zauth/internal/testsys"
)

const bashCompletionLib = "/usr/share/bash-completion/bash_completion"

// TestBashCompletionInATerminal types into a real interactive bash on a
// pseudo-terminal, with the bash-completion package and the script
// `zauth completion bash` prints, and presses TAB: what bash inserts is
// what a user gets, escaping included.
func TestBashCompletionInATerminal(t *testing.T) {
	if _, err := os.Stat(bashCompletionLib); err != nil {
		t.Skip("the bash-completion package is not installed")
	}
	dir := t.TempDir()
	script := filepath.Join(dir, "zauth.bash")
	out, err := exec.Command(zauthBin, "completion", "bash").Output()
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(script, out, 0o600)

	for _, tc := range []struct{ typed, want string }{
		// Scopes complete without a trailing space, so that more can follow.
		{"zauth login zbd --scope user,", "zauth login zbd --scope user,wallet"},
		{"zauth login ziina --scope write_refunds+read", "zauth login ziina --scope write_refunds+read_account"},
		{"zauth tok", "zauth token "},
	} {
		t.Run(tc.typed, func(t *testing.T) {
			if line := typeInBash(t, dir, script, tc.typed+"\t"); line != tc.want {
				t.Errorf("after TAB the line is %q, want %q", line, tc.want)
			}
		})
	}
}

// typeInBash starts an interactive bash on a new pseudo-terminal, loads
// bash-completion and the script, types keys and returns the command line
// as readline holds it afterwards (Ctrl-T is bound to print it, so what
// the terminal happened to echo or redraw does not matter).
func typeInBash(t *testing.T, dir, script, keys string) string {
	t.Helper()
	master, slave := testsys.OpenPTY(t)
	defer master.Close()
	bash := exec.Command("bash", "--norc", "--noprofile", "-i")
	bash.Dir = dir
	bash.Env = []string{"HOME=" + dir, "TERM=dumb", "PS1=$ ", "PATH=" + filepath.Dir(zauthBin) + ":" + os.Getenv("PATH"),
		"XDG_CONFIG_HOME=" + filepath.Join(dir, "config"), "XDG_STATE_HOME=" + filepath.Join(dir, "state")}
	bash.Stdin, bash.Stdout, bash.Stderr = slave, slave, slave
	bash.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := bash.Start(); err != nil {
		t.Fatal(err)
	}
	slave.Close()
	defer func() { bash.Process.Kill(); bash.Wait() }()

	var screen bytes.Buffer
	read := make(chan []byte)
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := master.Read(buf)
			if n > 0 {
				read <- append([]byte(nil), buf[:n]...)
			}
			if err != nil {
				close(read)
				return
			}
		}
	}()
	// waitFor collects output until it contains s.
	waitFor := func(s string) {
		deadline := time.After(15 * time.Second)
		for !strings.Contains(screen.String(), s) {
			select {
			case b, ok := <-read:
				if !ok {
					t.Fatalf("bash ended; the terminal showed:\n%s", screen.String())
				}
				screen.Write(b)
			case <-deadline:
				t.Fatalf("waiting for %q; the terminal showed:\n%q", s, screen.String())
			}
		}
	}
	// The markers are assembled by printf, so that bash's echo of this
	// line cannot be mistaken for the output.
	fmt.Fprintf(master, `source %s; source %s; bind -x '"\C-t": printf "\n<%%s>%%s</%%s>\n" LINE "$READLINE_LINE" LINE'; echo READY`+"\n", bashCompletionLib, script)
	waitFor("READY\r\n$ ")
	screen.Reset()
	// Readline handles keys in order: Ctrl-T runs after the completion.
	fmt.Fprint(master, keys+"\x14")
	waitFor("</LINE>")
	s := screen.String()
	return s[strings.LastIndex(s, "<LINE>")+6 : strings.LastIndex(s, "</LINE>")]
}
