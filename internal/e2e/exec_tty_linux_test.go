package e2e

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/zauth-cli/zauth/internal/testsys"
)

// TestExecCtrlCOnTerminal: on a terminal, Ctrl-C sends SIGINT to the whole
// foreground process group, zauth and its child alike. zauth must not
// forward a second one, which many programs take as "force quit"; it waits
// for the child and exits with its status. (A forwarded copy can merge
// with the terminal's before the child sees it, so this test may miss that
// regression; childproc's TestTerminalForeground covers the decision.)
func TestExecCtrlCOnTerminal(t *testing.T) {
	h := seededExec(t)
	ptmx, tty := testsys.OpenPTY(t)
	count := filepath.Join(t.TempDir(), "count")
	// The trap ends the long sleep, however early the signal comes. After
	// it the child lingers a moment, in which a forwarded copy would arrive
	// and run the trap again.
	script := `sleep 60 >/dev/null 2>&1 & s=$!
trap 'echo INT >> ` + count + `; kill $s 2>/dev/null' INT
echo ready
wait $s
sleep 1 & wait $!
exit 1`
	cmd := exec.Command(zauthBin, "exec", "ziina", "--", "sh", "-c", script)
	cmd.Env = h.env
	cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, tty, tty
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	tty.Close()
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	t.Cleanup(func() { cmd.Process.Kill(); <-done })

	var mu sync.Mutex
	var screen bytes.Buffer
	ready := make(chan struct{})
	go func() {
		buf := make([]byte, 1024)
		signalled := false
		for {
			n, err := ptmx.Read(buf)
			mu.Lock()
			screen.Write(buf[:n])
			if !signalled && strings.Contains(screen.String(), "ready") {
				signalled = true
				close(ready)
			}
			mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	select {
	case <-ready:
	case <-time.After(30 * time.Second):
		t.Fatal("the child did not start")
	}
	if _, err := ptmx.Write([]byte{3}); err != nil { // Ctrl-C
		t.Fatal(err)
	}
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("zauth did not end after Ctrl-C")
	}
	got, _ := os.ReadFile(count)
	if string(got) != "INT\n" {
		t.Errorf("the child got %q, want one SIGINT", got)
	}
	if code := cmd.ProcessState.ExitCode(); code != 1 {
		mu.Lock()
		defer mu.Unlock()
		t.Errorf("exit %d, want the child's 1; terminal:\n%s", code, screen.String())
	}
}
