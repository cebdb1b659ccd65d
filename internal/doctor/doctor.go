// Package doctor checks a zauth setup and explains each problem with its
// fix: the config file, the keychain, the login index, each configured
// provider's client, redirect port and endpoints, and the clock.
package doctor

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/zauth-cli/zauth/internal/config"
	"github.com/zauth-cli/zauth/internal/keychain"
	"github.com/zauth-cli/zauth/internal/loopback"
	"github.com/zauth-cli/zauth/internal/paths"
	"github.com/zauth-cli/zauth/internal/provider"
	"github.com/zauth-cli/zauth/internal/textsafe"
	"github.com/zauth-cli/zauth/internal/tokenstore"
)

// Status is the outcome of one check.
type Status string

const (
	OK   Status = "ok"
	Warn Status = "warn" // worth knowing; zauth still works
	Fail Status = "fail" // something zauth needs is broken
	Skip Status = "skip" // not applicable, or not checked (--offline)
)

// Result is one line of the report.
type Result struct {
	Check  string `json:"check"`
	Status Status `json:"status"`
	Detail string `json:"detail"`
	Fix    string `json:"fix,omitempty"`
}

// Env is what the checks look at.
type Env struct {
	Config    *config.Config // nil when it did not load
	ConfigErr error
	Store     *tokenstore.Store
	// Secret returns a client secret from the environment or the store.
	Secret  func(p *provider.Provider, name string) (string, error)
	HTTP    *http.Client
	Offline bool
	// MaxSkew is the clock difference to a provider worth a warning.
	MaxSkew time.Duration
	Now     func() time.Time
}

// Healthy reports whether no check failed.
func Healthy(results []Result) bool {
	return !slices.ContainsFunc(results, func(r Result) bool { return r.Status == Fail })
}

// Run runs every check, in the order a user would fix things.
func Run(ctx context.Context, e Env) []Result {
	if e.Now == nil {
		e.Now = time.Now
	}
	if e.MaxSkew == 0 {
		e.MaxSkew = time.Minute
	}
	var out []Result
	out = append(out, e.configFile()...)
	out = append(out, e.stateDir()...)
	out = append(out, e.keychain()...)
	out = append(out, e.index()...)
	if e.Config != nil {
		for _, name := range e.Config.ProviderNames() {
			out = append(out, e.provider(ctx, name)...)
		}
	}
	return out
}

func (e Env) configFile() []Result {
	if e.ConfigErr != nil {
		return []Result{{"config file", Fail, textsafe.Line(e.ConfigErr.Error()), "fix the YAML, or move the file aside to start again"}}
	}
	var out []Result
	if _, err := os.Stat(e.Config.File); errors.Is(err, os.ErrNotExist) {
		out = append(out, Result{"config file", OK, e.Config.File + " does not exist: built-in defaults and the environment only", ""})
	} else {
		out = append(out, Result{"config file", OK, e.Config.File + " parses", ""})
	}
	problems := e.Config.Problems()
	for _, p := range problems {
		out = append(out, Result{"config", Fail, p.Message, "edit " + e.Config.File + " or the environment variable"})
	}
	if len(problems) == 0 {
		out = append(out, Result{"config", OK, "no unknown keys or unusable values", ""})
	}
	for _, name := range config.UnknownEnv() {
		out = append(out, Result{"environment", Warn, name + " is not a variable zauth reads", "check its spelling (see docs/configuration.md)"})
	}
	return out
}

func (e Env) keychain() []Result {
	b := e.Store.Backend
	file := b
	if c, ok := b.(*keychain.Chunked); ok {
		file = c.Backend // the opt-in file is wrapped too, to read items split elsewhere
	}
	if f, ok := file.(*keychain.File); ok {
		return fileStore(f.Path)
	}
	var out []Result
	if runtime.GOOS == "linux" {
		if err := keychain.SessionBusError(); err != nil {
			return []Result{{"D-Bus session", Fail, textsafe.Line(err.Error()),
				"start zauth inside a desktop or `dbus-run-session` session with gnome-keyring or KeePassXC, or opt in to --insecure-storage (ZAUTH_STORAGE=file)"}}
		}
		out = append(out, Result{"D-Bus session", OK, "a session bus is available", ""})
	}
	// A round trip with a throwaway item: reachable, unlocked, writable.
	buf := make([]byte, 8)
	rand.Read(buf)
	key := "doctor:probe:" + hex.EncodeToString(buf)
	step := "write"
	err := b.Set(key, "probe")
	if err == nil {
		step = "read"
		var v string
		if v, err = b.Get(key); err == nil && v != "probe" {
			err = errors.New("read back a different value")
		}
		if derr := b.Delete(key); err == nil && derr != nil {
			step, err = "delete", derr
		}
	}
	switch {
	case err == nil:
		out = append(out, Result{"keychain", OK, b.Name() + ": write, read and delete work", ""})
	case keychain.IsLockedError(err):
		out = append(out, Result{"keychain", Fail, b.Name() + " is locked (" + step + " failed)",
			"unlock it: log in to the desktop session, unlock the keyring in Seahorse or KeePassXC, or run `gnome-keyring-daemon --unlock` (macOS: `security unlock-keychain`)"})
	default:
		out = append(out, Result{"keychain", Fail, fmt.Sprintf("%s: %s failed: %s", b.Name(), step, textsafe.Line(err.Error())),
			"make sure a Secret Service (gnome-keyring, KeePassXC) runs, or opt in to --insecure-storage (ZAUTH_STORAGE=file)"})
	}
	return out
}

// stateDir applies zauth's own rule for its state directory (index,
// locks, the opt-in token file): what zauth would refuse, doctor fails.
// The locks directory in it is checked too: every lock is refused there.
func (e Env) stateDir() []Result {
	for _, dir := range []string{e.Store.Dir, filepath.Join(e.Store.Dir, "locks")} {
		err := paths.CheckPrivateDir(dir)
		switch {
		case errors.Is(err, os.ErrNotExist) && dir == e.Store.Dir:
			return nil // created private on first use
		case errors.Is(err, os.ErrNotExist):
		case err != nil:
			return []Result{{"state directory", Fail, textsafe.Line(err.Error()), ""}}
		}
	}
	return []Result{{"state directory", OK, e.Store.Dir + " is private", ""}}
}

// fileStore checks the opt-in token file is a private regular file.
func fileStore(path string) []Result {
	out := []Result{{"storage", Warn, "tokens are kept unencrypted in " + path + " (--insecure-storage)", "use the OS keychain where one is available"}}
	fi, err := os.Lstat(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		out = append(out, Result{"file store", Fail, textsafe.Line(err.Error()), ""})
	case fi.Mode()&os.ModeSymlink != 0:
		out = append(out, Result{"file store", Fail, path + " is a symbolic link", "replace it with a regular file of your own"})
	case !fi.Mode().IsRegular(): // a FIFO, a directory: zauth refuses to read it
		out = append(out, Result{"file store", Fail, path + " is not a regular file", "move it aside and log in again"})
	case runtime.GOOS != "windows" && fi.Mode().Perm()&^0o600 != 0:
		out = append(out, Result{"file store", Fail, fmt.Sprintf("%s has mode %04o; others can read it", path, fi.Mode().Perm()),
			"chmod 600 " + path})
	default:
		out = append(out, Result{"file store", OK, fmt.Sprintf("%s has mode %04o", path, fi.Mode().Perm()), ""})
	}
	return out
}

// index checks that every login the index lists is stored, and that the
// index can be saved: listing works without it (each command rebuilds it
// from storage), so the store's warning becomes this check's result.
func (e Env) index() []Result {
	const fix = "make the state directory writable; zauth rebuilds the index from what is stored"
	s := *e.Store
	var unsaved *tokenstore.UnsavedIndex
	s.Warn = func(err error) {
		if !errors.As(err, &unsaved) && e.Store.Warn != nil {
			e.Store.Warn(err) // not this check's to report
		}
	}
	entries, err := s.List()
	if err != nil {
		return []Result{{"login index", Fail, textsafe.Line(err.Error()), fix}}
	}
	var out []Result
	if unsaved != nil {
		out = append(out, Result{"login index", Warn, fmt.Sprintf("%s; %d stored login(s) listed from storage",
			textsafe.Line(unsaved.Error()), len(entries)), fix})
	}
	for _, en := range entries {
		_, err := s.Load(en.Provider, en.Profile)
		switch {
		case errors.Is(err, tokenstore.ErrNotFound):
			out = append(out, Result{"login index", Warn, fmt.Sprintf("lists %s (profile %s), but no token is stored for it", textsafe.Line(en.Provider), textsafe.Line(en.Profile)),
				fmt.Sprintf("zauth logout %s --profile %s", en.Provider, en.Profile)})
		case err != nil:
			out = append(out, Result{"login " + textsafe.Line(en.Provider+"/"+en.Profile), Fail, textsafe.Line(err.Error()),
				fmt.Sprintf("zauth logout %s --profile %s, then log in again", en.Provider, en.Profile)})
		}
	}
	if len(out) == 0 {
		out = append(out, Result{"login index", OK, fmt.Sprintf("%d stored login(s), each found in storage", len(entries)), ""})
	}
	return out
}

func (e Env) provider(ctx context.Context, name string) []Result {
	check := "provider " + name
	p, err := e.Config.Provider(name)
	if err != nil {
		return []Result{{check, Fail, textsafe.Line(err.Error()), "fix the provider's settings in " + e.Config.File}}
	}
	id, err := e.Config.ClientID(p)
	if err != nil {
		return []Result{{check, Skip, "no client id configured", fmt.Sprintf("zauth client set %s --client-id ID", name)}}
	}
	out := []Result{{check, OK, "client id " + id, ""}}
	if p.ClientAuth != provider.AuthNone {
		secret, err := e.Secret(p, tokenstore.ClientSecret)
		switch {
		case err != nil:
			out = append(out, Result{check, Fail, "cannot read the " + p.SecretName + ": " + textsafe.Line(err.Error()), ""})
		case secret == "":
			out = append(out, Result{check, Fail, "no " + p.SecretName + " stored or in " + config.EnvName(name, tokenstore.ClientSecret),
				fmt.Sprintf("zauth client set %s --client-id %s --secret-stdin", name, id)})
		default:
			out = append(out, Result{check, OK, p.SecretName + " available", ""})
		}
	}
	out = append(out, e.redirectPort(p)...)
	out = append(out, e.reachable(ctx, p)...)
	return out
}

// redirectPort checks that the redirect URI's port can be listened on now.
func (e Env) redirectPort(p *provider.Provider) []Result {
	check := "provider " + p.Name
	uri, err := e.Config.RedirectURI(p)
	if err != nil {
		return []Result{{check, Fail, textsafe.Line(err.Error()), "fix redirect_uri in " + e.Config.File}}
	}
	l, err := loopback.Listen(uri)
	if err != nil {
		var busy *loopback.PortInUseError
		if errors.As(err, &busy) {
			return []Result{{check, Fail, "redirect URI " + uri + ": port " + busy.Port + " is in use",
				"stop the program using it, or log in with --port N and register that redirect URI"}}
		}
		return []Result{{check, Fail, "redirect URI " + uri + ": " + textsafe.Line(err.Error()), ""}}
	}
	l.Close()
	return []Result{{check, OK, "redirect URI " + uri + " can be listened on", ""}}
}

// reachable asks the authorization endpoint for an answer (any HTTP
// status will do) and compares the server's clock with ours.
func (e Env) reachable(ctx context.Context, p *provider.Provider) []Result {
	check := "provider " + p.Name
	if e.Offline {
		return []Result{{check, Skip, "endpoints not checked (--offline)", ""}}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.AuthURL, nil)
	if err != nil {
		return []Result{{check, Fail, textsafe.Line(err.Error()), ""}}
	}
	sent := e.Now()
	resp, err := e.HTTP.Do(req)
	if err != nil {
		return []Result{{check, Fail, "cannot reach " + p.AuthURL + ": " + textsafe.Line(unwrapURL(err).Error()),
			"check the network, a proxy (HTTPS_PROXY) or the auth_url setting"}}
	}
	resp.Body.Close()
	out := []Result{{check, OK, fmt.Sprintf("%s answers (HTTP %d)", p.AuthURL, resp.StatusCode), ""}}
	if date, err := http.ParseTime(resp.Header.Get("Date")); err == nil {
		// The Date header has a resolution of a second; the request's own
		// duration bounds the rest.
		skew := date.Sub(sent)
		if skew.Abs() > e.MaxSkew+e.Now().Sub(sent) {
			out = append(out, Result{check, Warn, fmt.Sprintf("this machine's clock differs from %s's by %s", p.DisplayName, skew.Round(time.Second)),
				"synchronise the clock (timedatectl set-ntp true): token expiry is computed from it"})
		}
	}
	return out
}

func unwrapURL(err error) error {
	var ue interface{ Unwrap() error }
	if errors.As(err, &ue) && strings.HasPrefix(err.Error(), "Get ") {
		return ue.Unwrap()
	}
	return err
}
