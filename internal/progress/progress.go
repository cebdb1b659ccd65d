// Package progress shows that zauth is waiting: a spinner with a countdown
// on a terminal, one plain line otherwise (logs and CI stay readable).
package progress

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

var frames = []string{"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"}

// Animated reports whether a terminal can take the spinner's carriage
// returns and escape sequences: not with TERM=dumb (Emacs shells, some
// CI consoles), nor when the user asked for plain output with NO_COLOR.
func Animated(terminal bool) bool {
	return terminal && os.Getenv("TERM") != "dumb" && os.Getenv("NO_COLOR") == ""
}

// Wait prints msg until the returned stop function is called. On a
// terminal that can take it (Animated) it animates a spinner and the time
// left before deadline.
func Wait(w io.Writer, terminal bool, msg string, deadline time.Time) (stop func()) {
	if !Animated(terminal) {
		fmt.Fprintf(w, "%s (giving up in %s)\n", msg, time.Until(deadline).Round(time.Second))
		return func() {}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for i := 0; ; i++ {
			left := max(time.Until(deadline), 0).Round(time.Second)
			fmt.Fprintf(w, "\r\033[K%s %s %d:%02d left (Ctrl-C to cancel)", frames[i%len(frames)], msg, int(left.Minutes()), int(left.Seconds())%60)
			select {
			case <-done:
				fmt.Fprint(w, "\r\033[K")
				return
			case <-t.C:
			}
		}
	}()
	var once sync.Once
	return func() { once.Do(func() { close(done); wg.Wait() }) }
}
