package emulator

import (
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/url"
	"time"
)

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func oauthError(w http.ResponseWriter, status int, code, desc string) {
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Basic realm="token"`)
	}
	writeJSON(w, status, map[string]string{"error": code, "error_description": desc})
}

// fault pops the next queued fault, if any.
func (s *Server) fault() (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.faults) == 0 {
		return Fault{}, false
	}
	f := s.faults[0]
	if s.faults[0].Times--; s.faults[0].Times <= 0 {
		s.faults = s.faults[1:]
	}
	return f, true
}

func (s *Server) tokenEndpoint(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.tokenReqs++
	s.mu.Unlock()
	if f, ok := s.fault(); ok {
		if f.Hang {
			// Consume the body so the server notices when the client gives
			// up; never hang longer than a test could wait anyway.
			io.Copy(io.Discard, r.Body)
			select {
			case <-r.Context().Done():
			case <-s.closing:
			case <-time.After(time.Minute):
			}
			return
		}
		time.Sleep(f.Delay)
		if f.Status != 0 {
			if f.ContentType != "" {
				w.Header().Set("Content-Type", f.ContentType)
			}
			w.WriteHeader(f.Status)
			io.WriteString(w, f.Body)
			return
		}
	}
	params, ok := s.authenticate(w, r)
	if params.Get("grant_type") == "refresh_token" {
		// Counted whatever the outcome: tests assert how often zauth tried.
		s.mu.Lock()
		s.refreshReqs++
		s.mu.Unlock()
	}
	if !ok {
		return
	}
	switch params.Get("grant_type") {
	case "authorization_code":
		s.codeGrant(w, params)
	case "refresh_token":
		s.refreshGrant(w, params)
	default:
		oauthError(w, 400, "unsupported_grant_type", "unsupported grant_type")
	}
}

// authenticate checks the body encoding and client credentials each
// provider documents: Ziina a form with Basic username:password, ZBD a JSON
// body carrying client_id and client_secret. The parameters are returned
// even when the client is rejected, so the caller can count the attempt.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request) (url.Values, bool) {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<16))
	params := url.Values{}
	if s.kind == Generic {
		return s.genericClient(w, r, mt, body)
	}
	if s.kind == Ziina {
		if mt != "application/x-www-form-urlencoded" {
			oauthError(w, 400, "invalid_request", "only application/x-www-form-urlencoded bodies are accepted")
			return nil, false
		}
		params, _ = url.ParseQuery(string(body))
		user, pass, ok := r.BasicAuth()
		user, _ = url.QueryUnescape(user)
		pass, _ = url.QueryUnescape(pass)
		if !ok || user != s.opts.Username || pass != s.opts.Password {
			oauthError(w, 401, "invalid_client", "client authentication failed")
			return params, false
		}
		return params, true
	}
	if mt != "application/json" {
		oauthError(w, 400, "invalid_request", "the body must be JSON")
		return nil, false
	}
	var m map[string]string
	if err := json.Unmarshal(body, &m); err != nil {
		oauthError(w, 400, "invalid_request", "the body is not a JSON object of strings")
		return nil, false
	}
	for k, v := range m {
		params.Set(k, v)
	}
	if params.Get("client_id") != s.opts.ClientID || params.Get("client_secret") != s.opts.ClientSecret {
		oauthError(w, 401, "invalid_client", "client authentication failed")
		return params, false
	}
	return params, true
}

func (s *Server) codeGrant(w http.ResponseWriter, p url.Values) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.secrets = append(s.secrets, p.Get("code_verifier"))
	g, ok := s.codes[p.Get("code")]
	switch {
	case !ok || g.used:
		oauthError(w, 400, "invalid_grant", "authorization code is invalid or was already used")
		return
	case s.now().Sub(g.issued) > s.opts.CodeTTL:
		oauthError(w, 400, "invalid_grant", "authorization code is expired")
		return
	case p.Get("redirect_uri") != g.redirectURI:
		oauthError(w, 400, "invalid_grant", "redirect_uri does not match the authorization request")
		return
	case g.challenge != "" && s256(p.Get("code_verifier")) != g.challenge:
		oauthError(w, 400, "invalid_grant", "PKCE verification failed")
		return
	case g.challenge == "" && p.Get("code_verifier") != "":
		oauthError(w, 400, "invalid_grant", "code_verifier sent without a code_challenge")
		return
	}
	g.used = true
	withRefresh := s.kind != Ziina || hasScope(g.scopes, "offline_access")
	access, refresh := s.issue(g.scopes, withRefresh, s.opts.AccessTTL, g.redirectURI)
	s.respond(w, access, refresh, g.scopes)
}

func (s *Server) refreshGrant(w http.ResponseWriter, p url.Values) {
	s.mu.Lock()
	defer s.mu.Unlock()
	old, ok := s.refresh[p.Get("refresh_token")]
	if !ok {
		oauthError(w, 400, "invalid_grant", "grant request is invalid")
		return
	}
	if s.kind == ZBD && p.Get("redirect_uri") != old.redirectURI {
		oauthError(w, 400, "invalid_grant", "redirect_uri does not match")
		return
	}
	rotate := s.opts.RotateRefresh == nil || *s.opts.RotateRefresh
	access, refresh := s.issue(old.scopes, rotate, s.opts.AccessTTL, old.redirectURI)
	if rotate {
		delete(s.refresh, p.Get("refresh_token"))
	}
	if h := s.hold; h != nil {
		// The tokens are issued; only the answer is late, as when a
		// slow network delays it.
		s.mu.Unlock()
		h.wait()
		s.mu.Lock()
	}
	s.respond(w, access, refresh, old.scopes)
}

// respond writes a token response; s.mu is held.
func (s *Server) respond(w http.ResponseWriter, access, refresh string, scopes []string) {
	expiresIn := int(s.opts.AccessTTL.Seconds())
	if s.kind == ZBD && s.opts.CamelCase {
		out := map[string]any{"accessToken": access, "tokenType": "Bearer", "expiresIn": expiresIn, "scope": s.joinScopes(scopes)}
		if refresh != "" {
			out["refreshToken"] = refresh
		}
		s.writeToken(w, out)
		return
	}
	out := map[string]any{"access_token": access, "token_type": "Bearer", "expires_in": expiresIn, "scope": s.joinScopes(scopes)}
	if refresh != "" {
		out["refresh_token"] = refresh
		if s.kind == ZBD {
			out["refresh_token_expires_in"] = 90 * 24 * 3600
		}
	}
	s.writeToken(w, out)
}

// writeToken writes a successful token response, labelled as configured.
func (s *Server) writeToken(w http.ResponseWriter, out map[string]any) {
	out = s.withHostileFields(out)
	if s.opts.TokenContentType == "" {
		writeJSON(w, 200, out)
		return
	}
	w.Header().Set("Content-Type", s.opts.TokenContentType)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(200)
	json.NewEncoder(w).Encode(out)
}

// genericClient accepts a form body with client_secret_basic or
// client_secret_post (RFC 6749 §2.3.1).
func (s *Server) genericClient(w http.ResponseWriter, r *http.Request, mediaType string, body []byte) (url.Values, bool) {
	if mediaType != "application/x-www-form-urlencoded" {
		oauthError(w, 400, "invalid_request", "only application/x-www-form-urlencoded bodies are accepted")
		return nil, false
	}
	params, _ := url.ParseQuery(string(body))
	id, secret := params.Get("client_id"), params.Get("client_secret")
	if user, pass, ok := r.BasicAuth(); ok {
		id, _ = url.QueryUnescape(user)
		secret, _ = url.QueryUnescape(pass)
	}
	if id != s.opts.ClientID || secret != s.opts.ClientSecret {
		oauthError(w, 401, "invalid_client", "client authentication failed")
		return params, false
	}
	return params, true
}

// revoke is RFC 7009: the token stops working; unknown tokens are fine.
func (s *Server) revoke(w http.ResponseWriter, r *http.Request) {
	params, ok := s.authenticate(w, r)
	if !ok {
		return
	}
	tok := params.Get("token")
	s.mu.Lock()
	if _, ok := s.refresh[tok]; ok {
		delete(s.refresh, tok)
		s.revoked++
	}
	if _, ok := s.access[tok]; ok {
		delete(s.access, tok)
		s.revoked++
	}
	s.mu.Unlock()
	w.WriteHeader(http.StatusOK)
}

// introspect is RFC 7662.
func (s *Server) introspect(w http.ResponseWriter, r *http.Request) {
	params, ok := s.authenticate(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	t, known := s.access[params.Get("token")]
	active := known && s.now().Before(t.expires)
	s.mu.Unlock()
	if !active {
		writeJSON(w, 200, map[string]any{"active": false})
		return
	}
	writeJSON(w, 200, map[string]any{"active": true, "scope": s.joinScopes(t.scopes), "client_id": s.opts.ClientID,
		"sub": "user-42", "exp": t.expires.Unix(), "token_type": "Bearer"})
}
