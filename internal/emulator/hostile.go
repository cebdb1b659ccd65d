package emulator

import (
	"encoding/json"
	"encoding/pem"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"sync"
)

// Hostile makes the emulator behave like a compromised or malicious
// provider, for tests that check zauth trusts nothing it is answered.
type Hostile struct {
	// Redirects answers requests for these paths with RedirectStatus
	// (default 307) and the mapped Location, before anything else.
	Redirects      map[string]string
	RedirectStatus int
	// TokenFields are merged into successful token responses; a nil value
	// removes the field.
	TokenFields map[string]any
	// Errors answers requests for these paths with 400 and the mapped body,
	// sent as it is (escape sequences included).
	Errors map[string]string
	// EchoRequest makes the token, revocation and introspection endpoints
	// answer 400 invalid_request with an error_description that echoes the
	// request body and its Authorization header, as careless servers do.
	EchoRequest bool
}

// SetHostile replaces the hostile behaviour (the zero value ends it).
func (s *Server) SetHostile(h Hostile) { s.mu.Lock(); defer s.mu.Unlock(); s.hostile = h }

// CertPEM is the certificate of a TLS emulator, to trust it through
// SSL_CERT_FILE; nil without TLS.
func (s *Server) CertPEM() []byte { return certPEM(s.srv) }

func certPEM(srv *httptest.Server) []byte {
	if srv.TLS == nil {
		return nil
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
}

func (s *Server) hostileHandler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		h := s.hostile
		s.mu.Unlock()
		if to, ok := h.Redirects[r.URL.Path]; ok {
			status := h.RedirectStatus
			if status == 0 {
				status = http.StatusTemporaryRedirect
			}
			io.Copy(io.Discard, r.Body)
			w.Header().Set("Location", to)
			w.WriteHeader(status)
			return
		}
		if body, ok := h.Errors[r.URL.Path]; ok {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, body)
			return
		}
		if h.EchoRequest && r.Method == http.MethodPost && (r.URL.Path == s.paths().token || r.URL.Path == "/revoke" || r.URL.Path == "/introspect") {
			body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<16))
			oauthError(w, 400, "invalid_request", "cannot parse request "+string(body)+" with "+r.Header.Get("Authorization"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// withHostileFields applies Hostile.TokenFields to a token response.
func (s *Server) withHostileFields(out map[string]any) map[string]any {
	for k, v := range s.hostile.TokenFields { // s.mu is held by the caller
		if v == nil {
			delete(out, k)
		} else {
			out[k] = v
		}
	}
	return out
}

// Recorder is an attacker's server: it records every request it receives
// and answers any of them with a token, so that a client that follows a
// redirect to it would store that token.
type Recorder struct {
	URL string

	srv  *httptest.Server
	mu   sync.Mutex
	reqs []Recorded
}

// Recorded is one request a Recorder received.
type Recorded struct {
	Method, URL string
	Header      http.Header
	Body        string
}

// EvilToken is the access token a Recorder hands out.
const EvilToken = "evil-access-token"

// NewRecorder starts a Recorder on 127.0.0.1, with TLS if asked.
func NewRecorder(tls bool) *Recorder {
	rec := &Recorder{}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<16))
		rec.mu.Lock()
		rec.reqs = append(rec.reqs, Recorded{r.Method, r.URL.String(), r.Header.Clone(), string(body)})
		rec.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"access_token": EvilToken, "token_type": "Bearer", "expires_in": 3600,
			"refresh_token": "evil-refresh-token", "active": true, "sub": "attacker"})
	})
	if tls {
		rec.srv = httptest.NewTLSServer(h)
	} else {
		rec.srv = httptest.NewServer(h)
	}
	rec.URL = rec.srv.URL
	return rec
}

// Requests returns what the Recorder received so far.
func (r *Recorder) Requests() []Recorded {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]Recorded, len(r.reqs))
	for i, q := range r.reqs {
		q.Header = maps.Clone(q.Header)
		out[i] = q
	}
	return out
}

// Close stops the Recorder.
func (r *Recorder) Close() { r.srv.Close() }
