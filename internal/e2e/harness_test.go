// Package e2e runs the real zauth binary against the provider emulators,
// the real Secret Service (see scripts/with-keyring.sh), real loopback
// listeners and a scripted or real headless browser.
package e2e

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"github.com/zauth-cli/zauth/internal/emulator"
	"github.com/zauth-cli/zauth/internal/testsys"
	"github.com/zauth-cli/zauth/internal/tokenstore"
)

var zauthBin, browserBin string

func TestMain(m *testing.M) {
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		fmt.Fprintln(os.Stderr, "e2e tests need a Secret Service: run them through scripts/test.sh (or scripts/with-keyring.sh go test ./...)")
		os.Exit(1)
	}
	dir, err := os.MkdirTemp("", "zauth-e2e")
	if err != nil {
		panic(err)
	}
	zauthBin = filepath.Join(dir, "zauth")
	browserBin = filepath.Join(dir, "testbrowser")
	for _, b := range [][2]string{{zauthBin, "github.com/zauth-cli/zauth"}, {browserBin, "github.com/zauth-cli/zauth/internal/testbrowser"}} {
		out, err := exec.Command("go", "build", "-o", b[0], b[1]).CombinedOutput()
		if err != nil {
			fmt.Fprintf(os.Stderr, "go build %s: %v\n%s", b[1], err, out)
			os.Exit(1)
		}
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// Client credentials the emulators are set up with.
const (
	clientID   = "client-123"
	ziinaUser  = "ziina-user"
	ziinaPass  = "ziina-pass-S3CRET"
	zbdSecret  = "zbd-secret-S3CRET"
	zbdAPIKey  = "zbd-apikey-S3CRET"
	acmeSecret = "acme-secret-S3CRET"
	testScopes = "write_refunds+offline_access"
)

type harness struct {
	t        *testing.T
	kind     emulator.Kind
	emu      *emulator.Server
	service  string // keychain service, unique per test
	redirect string
	env      []string
	dir      string
}

// newHarness starts an emulator and prepares an isolated zauth
// environment for it (see isolated).
func newHarness(t *testing.T, kind emulator.Kind, opts emulator.Options) *harness {
	t.Helper()
	h := isolated(t, kind)
	opts.ClientID = clientID
	opts.RedirectURIs = append(opts.RedirectURIs, h.redirect)
	switch kind {
	case emulator.Ziina:
		opts.Username, opts.Password = ziinaUser, ziinaPass
	case emulator.ZBD:
		opts.ClientSecret, opts.APIKey = zbdSecret, zbdAPIKey
	case emulator.Generic:
		opts.ClientSecret = acmeSecret
	}
	h.emu = emulator.New(kind, opts)
	t.Cleanup(h.emu.Close)
	// Built-in providers are pointed at the emulator through the
	// environment; a generic provider is defined by the test's config.
	P := strings.ToUpper(h.name())
	switch kind {
	case emulator.Ziina, emulator.ZBD:
		h.env = append(h.env, "ZAUTH_"+P+"_AUTH_URL="+h.emu.AuthURL(), "ZAUTH_"+P+"_TOKEN_URL="+h.emu.TokenURL(),
			"ZAUTH_"+P+"_API_URL="+h.emu.APIURL())
	}
	if kind == emulator.Ziina {
		h.env = append(h.env, "ZAUTH_ZIINA_ISSUER="+h.emu.Issuer)
	}
	return h
}

// isolated prepares a zauth environment of its own, with no provider
// server: config and state dirs, keychain service and redirect port.
func isolated(t *testing.T, kind emulator.Kind) *harness {
	t.Helper()
	h := &harness{t: t, kind: kind, dir: t.TempDir()}
	h.redirect = fmt.Sprintf("http://127.0.0.1:%d/callback", testsys.FreePort(t))
	b := make([]byte, 6)
	rand.Read(b)
	h.service = "zauth-test-" + hex.EncodeToString(b)
	t.Cleanup(func() { keyringWipe(t, h.service) })

	P := strings.ToUpper(h.name())
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "ZAUTH_") && !strings.HasPrefix(kv, "BROWSER=") {
			h.env = append(h.env, kv)
		}
	}
	h.env = append(h.env,
		"ZAUTH_"+P+"_REDIRECT_URI="+h.redirect,
		"XDG_CONFIG_HOME="+filepath.Join(h.dir, "config"),
		"XDG_STATE_HOME="+filepath.Join(h.dir, "state"),
		"ZAUTH_KEYRING_SERVICE="+h.service,
		"ZAUTH_KEYRING_TIMEOUT=10s",
		"ZAUTH_HTTP_TIMEOUT=5s",
		"BROWSER="+browserBin,
		"ZAUTH_TESTBROWSER_LOG="+filepath.Join(h.dir, "browser.log"),
	)
	return h
}

// name is the zauth provider name the harness logs in to.
func (h *harness) name() string {
	if h.kind == emulator.Generic {
		return "acme"
	}
	return string(h.kind)
}

// setenv adds or replaces environment variables for later runs.
func (h *harness) setenv(kv ...string) {
	for _, e := range kv {
		name := e[:strings.IndexByte(e, '=')+1]
		for i, old := range h.env {
			if strings.HasPrefix(old, name) {
				h.env = append(h.env[:i], h.env[i+1:]...)
				break
			}
		}
		h.env = append(h.env, e)
	}
}

type result struct {
	stdout, stderr string
	code           int
}

// run runs zauth to completion.
func (h *harness) run(stdin string, args ...string) result {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, zauthBin, args...)
	cmd.Env = h.env
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		h.t.Fatalf("zauth %v: %v", args, err)
	}
	return result{out.String(), errb.String(), code}
}

// mustRun runs zauth and fails the test unless it exits 0.
func (h *harness) mustRun(stdin string, args ...string) result {
	h.t.Helper()
	r := h.run(stdin, args...)
	if r.code != 0 {
		h.t.Fatalf("zauth %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r
}

// expect asserts the exit code and that stderr mentions each want.
func (r result) expect(t *testing.T, code int, wants ...string) {
	t.Helper()
	if r.code != code {
		t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", r.code, code, r.stdout, r.stderr)
	}
	for _, w := range wants {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
		}
	}
}

// setupClient configures the client credentials for the harness provider.
func (h *harness) setupClient() {
	h.t.Helper()
	switch h.kind {
	case emulator.Ziina:
		h.mustRun(ziinaPass+"\n", "client", "set", "ziina", "--client-id", clientID, "--username", ziinaUser, "--secret-stdin")
	case emulator.ZBD:
		h.mustRun(zbdSecret+"\n"+zbdAPIKey+"\n", "client", "set", "zbd", "--client-id", clientID, "--secret-stdin", "--api-key-stdin")
	case emulator.Generic:
		h.mustRun(acmeSecret+"\n", "client", "set", "acme", "--client-id", clientID, "--secret-stdin")
	}
}

// record reads a stored login straight from the Secret Service.
func (h *harness) record(profile string) (*tokenstore.Record, bool) {
	h.t.Helper()
	data, err := keyringGet(h.t, h.service, tokenstore.TokenKey(h.name(), profile))
	if err == keyring.ErrNotFound {
		return nil, false
	}
	if err != nil {
		h.t.Fatalf("keyring: %v%s", err, testsys.KeyringLog())
	}
	var r tokenstore.Record
	if err := json.Unmarshal([]byte(data), &r); err != nil {
		h.t.Fatalf("stored record is not JSON: %v", err)
	}
	return &r, true
}

// rawRecord returns the stored bytes, to prove a failure changed nothing.
func (h *harness) rawRecord(profile string) string {
	data, err := keyringGet(h.t, h.service, tokenstore.TokenKey(h.name(), profile))
	if err != nil && err != keyring.ErrNotFound {
		h.t.Fatalf("keyring: %v%s", err, testsys.KeyringLog())
	}
	return data
}

// seed stores a record directly, as a previous login would have. The
// login index, a cache that only a rebuild compares with the keychain, is
// dropped: the next command rebuilds it with the seeded login.
func (h *harness) seed(r tokenstore.Record) {
	h.t.Helper()
	r.Version = tokenstore.RecordVersion
	r.Provider = h.name()
	if r.Profile == "" {
		r.Profile = "default"
	}
	if r.ClientID == "" {
		r.ClientID = clientID
	}
	if r.TokenType == "" {
		r.TokenType = "Bearer"
	}
	if r.ObtainedAt.IsZero() {
		r.ObtainedAt = time.Now().UTC()
	}
	data, _ := json.Marshal(r)
	keyringSet(h.t, h.service, tokenstore.TokenKey(r.Provider, r.Profile), string(data))
	if err := os.Remove(filepath.Join(h.stateDir(), "index.json")); err != nil && !errors.Is(err, fs.ErrNotExist) {
		h.t.Fatal(err)
	}
}

// started is a zauth process running in the background.
type started struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	mu     sync.Mutex
	stderr strings.Builder
	lines  chan string
	done   chan struct{}
	stdout bytes.Buffer
}

// start runs zauth in the background, streaming its stderr lines.
func (h *harness) start(args ...string) *started {
	h.t.Helper()
	cmd := exec.Command(zauthBin, args...)
	cmd.Env = h.env
	s := &started{cmd: cmd, lines: make(chan string, 100), done: make(chan struct{})}
	s.stdin, _ = cmd.StdinPipe()
	errPipe, _ := cmd.StderrPipe()
	cmd.Stdout = &s.stdout
	if err := cmd.Start(); err != nil {
		h.t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(errPipe)
		for sc.Scan() {
			s.mu.Lock()
			s.stderr.WriteString(sc.Text() + "\n")
			s.mu.Unlock()
			select {
			case s.lines <- sc.Text():
			default:
			}
		}
		close(s.lines)
	}()
	h.t.Cleanup(func() { cmd.Process.Kill(); <-s.done })
	go func() { cmd.Wait(); close(s.done) }()
	return s
}

var authURLRE = regexp.MustCompile(`^\s+(http://\S+)$`)

// authURL waits for the authorization URL zauth prints on stderr.
func (s *started) authURL(t *testing.T) string {
	t.Helper()
	timeout := time.After(20 * time.Second)
	for {
		select {
		case line, ok := <-s.lines:
			if !ok {
				t.Fatalf("zauth ended before printing the URL:\n%s", s.errText())
			}
			if m := authURLRE.FindStringSubmatch(line); m != nil {
				return m[1]
			}
		case <-timeout:
			t.Fatalf("no authorization URL on stderr:\n%s", s.errText())
		}
	}
}

func (s *started) errText() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stderr.String()
}

// wait waits for the process to end and returns its result.
func (s *started) wait(t *testing.T) result {
	t.Helper()
	select {
	case <-s.done:
	case <-time.After(30 * time.Second):
		t.Fatalf("zauth did not finish:\n%s", s.errText())
	}
	for range s.lines { // drain so errText is complete
	}
	return result{s.stdout.String(), s.errText(), s.cmd.ProcessState.ExitCode()}
}

// setRaw overwrites a stored record with arbitrary bytes.
func setRaw(t *testing.T, h *harness, profile, data string) {
	t.Helper()
	keyringSet(t, h.service, tokenstore.TokenKey(h.name(), profile), data)
}

func sleep() { time.Sleep(100 * time.Millisecond) }
