package loopback

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"html"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// ErrClosed is returned by Wait when Close ends it.
var ErrClosed = errors.New("the redirect listener was closed before the login finished")

// PortInUseError means the redirect URI's port is taken.
type PortInUseError struct{ Port string }

func (e *PortInUseError) Error() string {
	return fmt.Sprintf("port %s is in use (another zauth login?); choose another with --port or --redirect-uri, and register that redirect URI with the provider", e.Port)
}

const (
	// closeGrace bounds how long Close lets requests being answered finish.
	closeGrace = 500 * time.Millisecond
	// maxPasteLine bounds one pasted line; a redirect URL is far shorter.
	maxPasteLine = 64 << 10
	// maxIgnoredNotes bounds the notes about ignored requests: a hostile
	// page can send them in a loop. Past it they are only counted.
	maxIgnoredNotes = 3
)

// Listener serves the redirect URI on loopback until one callback settles
// the login. It is single-use: Wait once, then it is closed.
type Listener struct {
	// AppName names the provider on the page the browser shows ("Logged
	// in to AppName"). Set it before Wait.
	AppName string

	redirect *url.URL // as given, with the real port
	path     string   // the path requests arrive on
	srv      *http.Server
	lns      []net.Listener

	waiting atomic.Bool   // Wait has been called
	ready   chan struct{} // closed once Wait has set exp and notes
	exp     Expect
	notes   *noteWriter

	claimed atomic.Bool   // one callback (or pasted URL) has taken the login
	settled chan struct{} // closed once code/err are set
	code    string
	err     error

	closeOnce sync.Once
	closed    chan struct{}

	mu     sync.Mutex
	active map[net.Conn]bool // connections reading or answering a request
}

// Listen binds the redirect URI's loopback host and port right away, so
// that the browser, sent there afterwards, cannot arrive first. The URI
// must be http://HOST:PORT[/PATH] with HOST 127.0.0.1 (or another IPv4
// loopback address), [::1] or localhost. "localhost" binds 127.0.0.1 and,
// where available, [::1] on the same port, since browsers may resolve it
// to either. Port 0 picks a free port; RedirectURI reports the real one.
// A busy port gives a *PortInUseError.
func Listen(redirectURI string) (*Listener, error) {
	u, hosts, err := parseRedirect(redirectURI)
	if err != nil {
		return nil, err
	}
	l := &Listener{
		redirect: u,
		path:     redirectPath(u),
		ready:    make(chan struct{}),
		settled:  make(chan struct{}),
		closed:   make(chan struct{}),
		active:   map[net.Conn]bool{},
	}
	// With port 0 the second address may find the first one's port taken:
	// try again with a fresh port.
	for attempt := 0; ; attempt++ {
		l.lns, err = bindAll(hosts, u.Port())
		var busy *PortInUseError
		if u.Port() == "0" && len(hosts) > 1 && errors.As(err, &busy) && attempt < 10 {
			continue
		}
		if err != nil {
			return nil, err
		}
		break
	}
	if u.Port() == "0" {
		u.Host = net.JoinHostPort(u.Hostname(), strconv.Itoa(l.lns[0].Addr().(*net.TCPAddr).Port))
	}
	l.srv = &http.Server{
		Handler:           http.HandlerFunc(l.serve),
		ReadHeaderTimeout: 10 * time.Second,
		ConnState:         l.trackConn,
		ErrorLog:          log.New(io.Discard, "", 0), // stderr is the user's
	}
	for _, ln := range l.lns {
		go l.srv.Serve(ln)
	}
	return l, nil
}

// CheckRedirectURI reports whether redirectURI is one the listener can
// serve: http on a loopback host (127.0.0.1 or another IPv4 loopback
// address, [::1] or localhost, spelt the way browsers send it in the Host
// header), an explicit port (0 picks a free one), no user name, query or
// fragment. It is the one check for redirect URIs, for configuration and
// flags as for the listener.
func CheckRedirectURI(redirectURI string) error {
	_, _, err := parseRedirect(redirectURI)
	return err
}

// parseRedirect checks the redirect URI and returns it with the addresses
// to bind.
func parseRedirect(redirectURI string) (*url.URL, []string, error) {
	bad := func(why string) error {
		return fmt.Errorf("redirect URI %q %s", redirectURI, why)
	}
	u, err := url.Parse(redirectURI)
	if err != nil || u.Scheme != "http" || u.Opaque != "" || u.Host == "" {
		return nil, nil, bad("must be http://HOST:PORT/PATH with a loopback HOST (127.0.0.1, [::1] or localhost)")
	}
	if u.User != nil || u.Fragment != "" || strings.HasSuffix(redirectURI, "#") {
		return nil, nil, bad("must not contain a user name or a #fragment")
	}
	// The provider adds code and state to the query: a query of our own
	// would mix with them.
	if u.RawQuery != "" || u.ForceQuery {
		return nil, nil, bad("must not have a query")
	}
	host := u.Hostname()
	hosts := []string{"127.0.0.1", "::1"}
	if !strings.EqualFold(host, "localhost") {
		ip := net.ParseIP(host)
		if ip == nil || !ip.IsLoopback() {
			return nil, nil, bad("is not on a loopback host (127.0.0.1, [::1] or localhost)")
		}
		// Browsers normalise the address they put in the Host header, which
		// must match ours: accept only the canonical spelling.
		if ip.String() != host || (strings.Contains(host, ":") && ip.To4() != nil) {
			return nil, nil, bad("spells its address unusually; write 127.0.0.1 or [::1]")
		}
		hosts = []string{host}
	}
	if p, err := strconv.Atoi(u.Port()); err != nil || p < 0 || p > 65535 {
		return nil, nil, bad("needs an explicit port, e.g. http://127.0.0.1:8976/callback")
	}
	return u, hosts, nil
}

// bindAll listens on every host at port; a busy port on any of them is
// an error, another failure only when no host could be bound (e.g. a
// machine without IPv6 still serves localhost on 127.0.0.1).
func bindAll(hosts []string, port string) ([]net.Listener, error) {
	var lns []net.Listener
	var firstErr error
	for _, h := range hosts {
		ln, err := net.Listen("tcp", net.JoinHostPort(h, port))
		if err != nil {
			if addrInUse(err) {
				for _, ln := range lns {
					ln.Close()
				}
				return nil, &PortInUseError{Port: port}
			}
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		if port == "0" { // the other addresses take the same port
			port = strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
		}
		lns = append(lns, ln)
	}
	if len(lns) == 0 {
		return nil, fmt.Errorf("cannot listen on port %s: %v", port, firstErr)
	}
	return lns, nil
}

func addrInUse(err error) bool {
	var errno syscall.Errno
	if !errors.As(err, &errno) {
		return false
	}
	// WSAEADDRINUSE is not syscall.EADDRINUSE on Windows.
	return errno == syscall.EADDRINUSE || (runtime.GOOS == "windows" && errno == 10048)
}

// RedirectURI is the URI being served, with the real port.
func (l *Listener) RedirectURI() string { return l.redirect.String() }

// Wait returns the authorization code from the first callback on the
// redirect path that carries the expected state, or from such a URL pasted
// on paste (when non-nil) — whichever comes first — or that callback's
// error, or ctx's error when ctx ends first.
//
// A callback whose state is missing, repeated or wrong is not part of this
// login (a stale tab, another local process, any web page can send one):
// it gets a 400 page and a note on notes, and Wait goes on. Only a few such
// notes are written, then a count when Wait returns. Lines pasted that are
// not the redirect URL, or not for this login, get a note and are skipped;
// at the end of paste, Wait keeps waiting for the browser. notes may be nil.
//
// Callbacks that arrive before Wait are held until it is called. Wait can
// be called once; it closes the listener before it returns. The paste
// reader may still be read once more afterwards (a blocked read cannot be
// interrupted), but the result is dropped and notes is not written to.
func (l *Listener) Wait(ctx context.Context, exp Expect, paste io.Reader, notes io.Writer) (string, error) {
	if l.waiting.Swap(true) {
		return "", errors.New("loopback: Wait called twice")
	}
	defer l.Close()
	if notes == nil {
		notes = io.Discard
	}
	l.exp = exp
	l.notes = &noteWriter{w: notes}
	defer l.notes.stop()
	close(l.ready)
	if paste != nil {
		go l.readPasted(paste, l.notes)
	}
	select {
	case <-l.settled:
		return l.code, l.err
	case <-ctx.Done():
		return "", ctx.Err()
	case <-l.closed:
		select {
		case <-l.settled: // Close raced with the result
			return l.code, l.err
		default:
			return "", ErrClosed
		}
	}
}

// claim reports whether the caller is the one to settle the login.
func (l *Listener) claim() bool { return l.claimed.CompareAndSwap(false, true) }

// settle records the result; only the claimer calls it.
func (l *Listener) settle(code string, err error) {
	l.code, l.err = code, err
	close(l.settled)
}

func (l *Listener) readPasted(r io.Reader, notes *noteWriter) {
	br := bufio.NewReader(r)
	for {
		line, tooLong, err := readLine(br)
		if s := strings.TrimSpace(line); s != "" || tooLong {
			q, perr := ParsePasted(s, l.RedirectURI())
			if tooLong || perr != nil {
				notes.note(notRedirectURL(l.RedirectURI()).Error())
			} else if checkState(q, l.exp) != nil {
				notes.note("Ignored a pasted URL that is not for the login in progress (its state is missing or wrong); still waiting.")
			} else if l.claim() {
				code, cerr := ParseCallback(q, l.exp)
				l.settle(code, cerr)
				return
			} else {
				return // the browser got there first
			}
		}
		if err != nil {
			return // EOF or a read error: the browser may still come back
		}
	}
}

// readLine reads one line, keeping at most maxPasteLine bytes of it.
func readLine(br *bufio.Reader) (line string, tooLong bool, err error) {
	var b []byte
	for {
		chunk, err := br.ReadSlice('\n')
		if len(b)+len(chunk) > maxPasteLine {
			tooLong = true
		} else {
			b = append(b, chunk...)
		}
		if err != bufio.ErrBufferFull {
			if tooLong {
				b = nil
			}
			return string(b), tooLong, err
		}
	}
}

// noteWriter writes one-line notes until stopped, so that a paste reader
// or a request outliving Wait does not write to a writer its caller has
// moved on from.
type noteWriter struct {
	mu      sync.Mutex
	w       io.Writer
	stopped bool
	ignored int // callbacks ignored for their state
}

// ignoredRequest notes a callback that was not for this login, the first
// few times; stop sums up the rest.
func (n *noteWriter) ignoredRequest() {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.stopped {
		return
	}
	n.ignored++
	const msg = "Ignored a request to the redirect URI that is not for the login in progress (its state is missing or wrong); still waiting"
	switch {
	case n.ignored < maxIgnoredNotes:
		fmt.Fprintln(n.w, msg+".")
	case n.ignored == maxIgnoredNotes:
		fmt.Fprintln(n.w, msg+" (more of these will only be counted).")
	}
}

func (n *noteWriter) note(s string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if !n.stopped {
		fmt.Fprintln(n.w, s)
	}
}

func (n *noteWriter) stop() {
	n.mu.Lock()
	defer n.mu.Unlock()
	if !n.stopped && n.ignored > maxIgnoredNotes {
		fmt.Fprintf(n.w, "Ignored %d requests in all that were not for the login in progress.\n", n.ignored)
	}
	n.stopped = true
}

func (l *Listener) serve(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Security-Policy", pageCSP())
	// Any web page can make the browser request a loopback URL, but only
	// DNS rebinding (or a confused client) sends another Host header.
	if !l.hostOK(r.Host) {
		http.Error(w, "wrong host", http.StatusBadRequest)
		return
	}
	if r.URL.Path != l.path {
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
	case <-l.closed:
		page(w, http.StatusGone, "This login has already finished", "Return to the terminal.")
		return
	case <-r.Context().Done():
		return
	}
	if l.claimed.Load() {
		page(w, http.StatusGone, "This login has already finished", "Return to the terminal.")
		return
	}
	// Without this login's state the request is someone else's: it must
	// not end the login, whatever else it carries. Nothing of it is echoed.
	q := r.URL.Query()
	if checkState(q, l.exp) != nil {
		page(w, http.StatusBadRequest, "Not for this login",
			"This request was not for the login in progress, so zauth ignored it. If you are logging in, finish in the tab zauth opened.")
		l.notes.ignoredRequest()
		return
	}
	if !l.claim() {
		page(w, http.StatusGone, "This login has already finished", "Return to the terminal.")
		return
	}
	code, err := ParseCallback(q, l.exp)
	// The listener closes once the login settles: answer in full first, and
	// tell the browser not to reuse the connection.
	h.Set("Connection", "close")
	if err != nil {
		page(w, http.StatusBadRequest, "Login failed", err.Error()+". Return to the terminal.")
	} else {
		title := "Logged in"
		if l.AppName != "" {
			title += " to " + l.AppName
		}
		page(w, http.StatusOK, title, "You can close this tab and return to the terminal.")
	}
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
	l.settle(code, err)
}

// hostOK reports whether a Host header names the redirect URI's host and
// port (case-insensitively; browsers leave out port 80).
func (l *Listener) hostOK(host string) bool {
	want := l.redirect.Host
	if strings.EqualFold(host, want) {
		return true
	}
	return l.redirect.Port() == "80" && strings.EqualFold(host+":80", want)
}

const pageStyle = `body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#222}`

// pageCSP allows nothing but the page's own inline style, by hash. It is
// computed on first use, not at start-up of every zauth command.
var pageCSP = sync.OnceValue(func() string {
	sum := sha256.Sum256([]byte(pageStyle))
	return "default-src 'none'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) +
		"'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
})

// page writes a small, complete HTML page; it never contains the code.
// title and text land only in element content, where escaping the five
// HTML-special characters is all that is needed (html/template would add
// its whole contextual escaper to the binary for that).
func page(w http.ResponseWriter, status int, title, text string) {
	title, text = html.EscapeString(title), html.EscapeString(text)
	b := []byte(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="referrer" content="no-referrer"><title>zauth: ` + title + `</title>
<style>` + pageStyle + `</style>
</head><body><h1>` + title + `</h1><p>` + text + `</p></body></html>
`)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	w.Write(b)
}

func (l *Listener) trackConn(c net.Conn, s http.ConnState) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if s == http.StateActive {
		l.active[c] = true
	} else {
		delete(l.active, c)
	}
}

func (l *Listener) busy() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.active) > 0
}

// Close stops the listener and frees the port. Answers being written get a
// moment to finish; idle connections, and the spare ones browsers open
// speculatively, are not waited for. Close is safe to call more than once.
func (l *Listener) Close() error {
	l.closeOnce.Do(func() {
		close(l.closed)
		for _, ln := range l.lns {
			ln.Close()
		}
		for deadline := time.Now().Add(closeGrace); l.busy() && time.Now().Before(deadline); {
			time.Sleep(2 * time.Millisecond)
		}
		l.srv.Close()
	})
	return nil
}
