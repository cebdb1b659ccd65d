package progress

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// wait runs a spinner for a few frames and returns what it wrote.
func wait(terminal bool) string {
	var b bytes.Buffer
	stop := Wait(&b, terminal, "Waiting…", time.Now().Add(time.Minute))
	time.Sleep(150 * time.Millisecond) // frames, if it animates; the first is written at once
	stop()
	return b.String()
}

// No escape sequences or carriage returns where they would show up as
// garbage: TERM=dumb, NO_COLOR, or not a terminal. One plain line instead.
func TestPlainWithoutCapableTerminal(t *testing.T) {
	for _, tc := range []struct {
		name, term, noColor string
		terminal            bool
	}{
		{"not a terminal", "xterm-256color", "", false},
		{"TERM=dumb", "dumb", "", true},
		{"NO_COLOR", "xterm-256color", "1", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("TERM", tc.term)
			t.Setenv("NO_COLOR", tc.noColor)
			out := wait(tc.terminal)
			if strings.ContainsAny(out, "\x1b\r") || strings.Count(out, "\n") != 1 || !strings.HasPrefix(out, "Waiting… (giving up in ") {
				t.Errorf("output %q, want one plain line", out)
			}
		})
	}
}

// The check above is not vacuous: a capable terminal gets the spinner,
// and it clears its line when stopped.
func TestSpinnerOnTerminal(t *testing.T) {
	t.Setenv("TERM", "xterm-256color")
	t.Setenv("NO_COLOR", "")
	out := wait(true)
	if !strings.Contains(out, "\r\x1b[K⠋ Waiting… ") || !strings.HasSuffix(out, "\r\x1b[K") {
		t.Errorf("spinner output %q", out)
	}
}
