//go:build windows

package childproc

import "os"

// Ctrl-C and Ctrl-Break reach every process on the console, the child
// included, and Windows cannot deliver them to one process: zauth only
// stops them from ending itself before the child.
var forwarded = []os.Signal{os.Interrupt}

func forward(*os.Process, os.Signal) {}

func status(ps *os.ProcessState) int { return ps.ExitCode() }
