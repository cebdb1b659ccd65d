package childproc

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"

	"github.com/zauth-cli/zauth/internal/testsys"
)

// TestMain lets a test re-run this binary as a process with a controlling
// terminal, which the test process itself cannot become.
func TestMain(m *testing.M) {
	if os.Getenv("CHILDPROC_REPORT_FOREGROUND") == "1" {
		fmt.Print(terminalForeground())
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestTerminalForeground: zauth recognises when it runs in the foreground
// of a terminal, where Ctrl-C reaches its child without forwarding, and
// when it has no terminal (docker, systemd, CI), where it must forward.
func TestTerminalForeground(t *testing.T) {
	ptmx, tty := testsys.OpenPTY(t)
	defer ptmx.Close()
	defer tty.Close()
	report := func(attr *syscall.SysProcAttr, stdin *os.File) string {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "CHILDPROC_REPORT_FOREGROUND=1")
		cmd.Stdin, cmd.SysProcAttr = stdin, attr
		out, err := cmd.Output()
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(string(out))
	}
	if got := report(&syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}, tty); got != "true" {
		t.Errorf("in the foreground of a terminal: %s", got)
	}
	if got := report(&syscall.SysProcAttr{Setsid: true}, nil); got != "false" {
		t.Errorf("without a terminal: %s", got)
	}
}
