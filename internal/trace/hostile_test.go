package trace

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// TestTransportCleansProviderText: the trace prints what a provider sent
// (status line, header values, body) to the terminal; a provider must not
// be able to send escape sequences, C1 controls or bidi overrides through
// it (retitle the window, clear the screen, reorder the lines around).
func TestTransportCleansProviderText(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	// JSON escapes that decode to controls come back raw from re-encoding.
	body := `{"error":"x\u001b[2J\u009b2J\u202ey"}`
	answers := []string{
		// Go's client keeps the status line's text as sent.
		"HTTP/1.1 400 Bad\x1b]0;pwned\x07 Request\r\nConnection: close\r\nContent-Type: application/json\r\nX-Note: a\u202eb\u009b2Jc\r\n" +
			"Content-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body,
		"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Type: text/\u202ehtml\r\nContent-Length: 2\r\n\r\nhi",
	}
	go func() {
		for _, a := range answers {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			r := bufio.NewReader(c)
			for line, _ := r.ReadString('\n'); line != "\r\n" && line != ""; line, _ = r.ReadString('\n') {
			}
			io.WriteString(c, a)
			c.Close()
		}
	}()
	var log bytes.Buffer
	c := &http.Client{Transport: &Transport{W: &log}}
	for range answers {
		resp, err := c.Get("http://" + ln.Addr().String() + "/token")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	out := log.String()
	if i := strings.IndexFunc(out, func(r rune) bool { return !unicode.IsPrint(r) && r != '\n' && r != '\t' }); i >= 0 {
		t.Errorf("the trace prints %q from the provider:\n%s", []rune(out[i:])[0], out)
	}
	for _, want := range []string{"< 400 Bad ]0;pwned  Request", "X-Note: a b 2Jc"} {
		if !strings.Contains(out, want) {
			t.Errorf("trace lacks %q:\n%s", want, out)
		}
	}
}
