package session

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zauth-cli/zauth/internal/emulator"
	"github.com/zauth-cli/zauth/internal/keychain"
	"github.com/zauth-cli/zauth/internal/oauth"
	"github.com/zauth-cli/zauth/internal/provider"
	"github.com/zauth-cli/zauth/internal/testsys"
	"github.com/zauth-cli/zauth/internal/tokenstore"
)

// lockedBuffer is a bytes.Buffer safe to read while the flow writes.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}
func (l *lockedBuffer) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

// approve plays the user on the emulator's consent page and returns the
// URL the browser would be redirected to, without following it.
func approve(t *testing.T, authURL string) string {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(authURL)
	if err != nil {
		t.Error(err)
		return ""
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := regexp.MustCompile(`action="([^"]+)"[\s\S]*name="interaction" value="([^"]+)"`).FindSubmatch(page)
	if m == nil {
		t.Errorf("no consent form in %s", page)
		return ""
	}
	u, _ := url.Parse(authURL)
	action, _ := u.Parse(string(m[1]))
	resp, err = c.PostForm(action.String(), url.Values{"interaction": {string(m[2])}, "decision": {"approve"}})
	if err != nil {
		t.Error(err)
		return ""
	}
	resp.Body.Close()
	return resp.Header.Get("Location")
}

// TestLoginWithoutBrowserHintsAndTakesPaste: in-process, the browser
// cannot be opened; the flow says so, gives the usual reasons once after
// the hint delay while it keeps waiting, and completes from a pasted URL.
func TestLoginWithoutBrowserHintsAndTakesPaste(t *testing.T) {
	redirect := fmt.Sprintf("http://127.0.0.1:%d/callback", testsys.FreePort(t))
	emu := emulator.New(emulator.Ziina, emulator.Options{ClientID: "c", Username: "u", Password: "p", RedirectURIs: []string{redirect}})
	defer emu.Close()
	p, _ := provider.Lookup("ziina")
	p.AuthURL, p.TokenURL, p.Issuer, p.APIURL = emu.AuthURL(), emu.TokenURL(), emu.Issuer, emu.APIURL()
	dir := t.TempDir()
	e := &Env{Store: &tokenstore.Store{Backend: &keychain.File{Path: filepath.Join(dir, "tokens.json")}, Dir: dir}, HTTP: http.DefaultClient}
	target := Target{Provider: p, Profile: "default", RedirectURI: redirect,
		Client: func() (oauth.Client, error) { return oauth.Client{ID: "c", Username: "u", Secret: "p"}, nil }}

	status := &lockedBuffer{}
	pr, pw := io.Pipe()
	opened := make(chan string, 1)
	go func() {
		authURL := <-opened
		for !strings.Contains(status.String(), "Still waiting") {
			time.Sleep(10 * time.Millisecond)
		}
		fmt.Fprintln(pw, approve(t, authURL))
	}()
	r, err := e.Login(context.Background(), target, LoginOptions{
		Scopes: []string{"read_account"}, ScopesSet: true, Timeout: 20 * time.Second, Paste: pr, Status: status,
		Open:      func(u string) error { opened <- u; return errors.New("no display") },
		HintAfter: 50 * time.Millisecond,
	})
	if err != nil || r.AccessToken == "" {
		t.Fatalf("Login: %v\n%s", err, status)
	}
	out := status.String()
	for _, want := range []string{"Could not open a browser (no display)", "paste here the full URL",
		"Still waiting for the browser", "redirect URI " + redirect + " registered"} {
		if !strings.Contains(out, want) {
			t.Errorf("status lacks %q:\n%s", want, out)
		}
	}
	if strings.Count(out, "Still waiting") != 1 {
		t.Errorf("the hint is said more than once:\n%s", out)
	}
}
