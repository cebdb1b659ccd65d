//go:build !windows

package childproc

import (
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

var forwarded = []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP}

// forward passes sig on to the child. A SIGINT that the terminal sent
// (Ctrl-C) has reached the child already, being in zauth's foreground
// process group: a second one would make many programs skip their
// graceful shutdown ("press Ctrl-C again to force").
func forward(p *os.Process, sig os.Signal) {
	if sig == syscall.SIGINT && terminalForeground() {
		return
	}
	p.Signal(sig)
}

// terminalForeground reports whether zauth runs in the foreground process
// group of its controlling terminal, where Ctrl-C sends SIGINT to the whole
// group. A SIGINT sent to zauth alone (kill -INT) is then not forwarded; it
// is rare on an interactive terminal.
func terminalForeground() bool {
	tty, err := os.Open("/dev/tty")
	if err != nil {
		return false // no controlling terminal
	}
	defer tty.Close()
	pgrp, err := unix.IoctlGetInt(int(tty.Fd()), unix.TIOCGPGRP)
	return err == nil && pgrp == unix.Getpgrp()
}

// status is the exit status a shell reports for a finished process.
func status(ps *os.ProcessState) int {
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ps.ExitCode()
}
