package loopback

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"time"
)

// PortInUseError means the redirect URI's port is taken.
type PortInUseError struct{ Port string }

func (e *PortInUseError) Error() string {
	return fmt.Sprintf("port %s is in use (another zauth login?); choose another with --port or --redirect-uri, and register that redirect URI with the provider", e.Port)
}

// Listener serves the redirect URI on loopback until one callback settles
// the login.
type Listener struct {
	// AppName names the provider on the page the browser shows.
	AppName string

	redirect *url.URL
	srv      *http.Server
	lns      []net.Listener

	ready   chan struct{} // closed once Wait has set exp
	exp     Expect
	once    sync.Once // settles the login
	settled chan struct{}
	result  struct {
		code string
		err  error
	}
	closeOnce sync.Once
}

// Listen binds the redirect URI's loopback host and port right away, before
// the browser is sent there. "localhost" binds 127.0.0.1 and [::1] (either
// may be what the browser resolves it to). Port 0 picks a free port
// (tests); RedirectURI reports the real one.
func Listen(redirectURI string) (*Listener, error) {
	u, err := url.Parse(redirectURI)
	if err != nil || u.Scheme != "http" || u.Port() == "" {
		return nil, fmt.Errorf("redirect URI %q must be http://HOST:PORT/PATH on a loopback host", redirectURI)
	}
	var hosts []string
	switch host := u.Hostname(); {
	case strings.EqualFold(host, "localhost"):
		hosts = []string{"127.0.0.1", "::1"}
	case net.ParseIP(host) != nil && net.ParseIP(host).IsLoopback():
		hosts = []string{host}
	default:
		return nil, fmt.Errorf("redirect URI %q is not on a loopback host (127.0.0.1, [::1] or localhost)", redirectURI)
	}
	l := &Listener{redirect: u, ready: make(chan struct{}), settled: make(chan struct{})}
	port := u.Port()
	var firstErr error
	for _, h := range hosts {
		ln, err := net.Listen("tcp", net.JoinHostPort(h, port))
		if err != nil {
			if errors.Is(err, syscall.EADDRINUSE) {
				l.closeListeners()
				return nil, &PortInUseError{Port: port}
			}
			if firstErr == nil {
				firstErr = err
			}
			continue // e.g. no IPv6 on this host: the other address serves
		}
		if port == "0" { // bind the other address on the same port
			port = fmt.Sprint(ln.Addr().(*net.TCPAddr).Port)
		}
		l.lns = append(l.lns, ln)
	}
	if len(l.lns) == 0 {
		return nil, fmt.Errorf("cannot listen on %s: %v", u.Host, firstErr)
	}
	u.Host = net.JoinHostPort(u.Hostname(), port)
	l.srv = &http.Server{Handler: l, ReadHeaderTimeout: 10 * time.Second}
	for _, ln := range l.lns {
		go l.srv.Serve(ln)
	}
	return l, nil
}

// RedirectURI is the URI being served, with the real port.
func (l *Listener) RedirectURI() string { return l.redirect.String() }

// Wait returns the authorization code from the first callback on the
// redirect path (or a pasted redirect URL, when paste is set), the
// callback's error, or ctx's error. Lines pasted that are not the redirect
// URL get a note on notes and are skipped.
func (l *Listener) Wait(ctx context.Context, exp Expect, paste io.Reader, notes io.Writer) (string, error) {
	l.exp = exp
	close(l.ready)
	if paste != nil {
		go l.readPasted(paste, notes)
	}
	select {
	case <-l.settled:
		return l.result.code, l.result.err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

func (l *Listener) readPasted(r io.Reader, notes io.Writer) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 4096), 64<<10)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		q, err := ParsePasted(line, l.RedirectURI())
		if err != nil {
			fmt.Fprintln(notes, err)
			continue
		}
		code, err := ParseCallback(q, l.exp)
		l.settle(code, err)
		return
	}
	// EOF: the listener may still get the callback.
}

// settle records the first result; it reports whether this call was first.
func (l *Listener) settle(code string, err error) bool {
	first := false
	l.once.Do(func() {
		l.result.code, l.result.err = code, err
		first = true
		close(l.settled)
	})
	return first
}

func (l *Listener) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
	// A page on another origin can reach loopback, but a Host header other
	// than ours means DNS rebinding or a confused client.
	if r.Host != l.redirect.Host {
		http.Error(w, "wrong host", http.StatusBadRequest)
		return
	}
	if r.URL.Path != l.redirect.Path {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodGet {
		h.Set("Allow", http.MethodGet)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	select {
	case <-l.ready:
	case <-r.Context().Done():
		return
	}
	select {
	case <-l.settled:
		page(w, http.StatusGone, "This login has already finished", "Return to the terminal.")
		return
	default:
	}
	code, err := ParseCallback(r.URL.Query(), l.exp)
	// Answer the browser before settling, so the page is complete before
	// the listener shuts down.
	if err != nil {
		page(w, http.StatusBadRequest, "Login failed", err.Error()+". Return to the terminal.")
	} else {
		page(w, http.StatusOK, "Logged in"+suffix(l.AppName), "You can close this tab and return to the terminal.")
	}
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
	l.settle(code, err)
}

func suffix(app string) string {
	if app == "" {
		return ""
	}
	return " to " + app
}

// pageTmpl is parsed on first use, not at start-up of every zauth command.
var pageTmpl = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>zauth: {{.Title}}</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#222}</style>
</head><body><h1>{{.Title}}</h1><p>{{.Text}}</p></body></html>
`))
})

// page writes a small HTML page; it never contains the code.
func page(w http.ResponseWriter, status int, title, text string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	pageTmpl().Execute(w, struct{ Title, Text string }{title, text})
}

// Close stops the listener and frees the port, letting an answer in
// flight finish first.
func (l *Listener) Close() error {
	l.closeOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		if l.srv.Shutdown(ctx) != nil {
			l.srv.Close()
		}
	})
	return nil
}

func (l *Listener) closeListeners() {
	for _, ln := range l.lns {
		ln.Close()
	}
}
