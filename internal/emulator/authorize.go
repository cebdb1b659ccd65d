package emulator

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
)

func (s *Server) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.mu.Lock()
	s.lastAuth = q
	s.mu.Unlock()
	// Until the client and redirect URI are known good, errors stay on the
	// provider's page: redirecting would make an open redirector.
	if q.Get("client_id") != s.opts.ClientID {
		errorPage(w, "invalid_client", "unknown client_id")
		return
	}
	redirectURI := q.Get("redirect_uri")
	if !slices.Contains(s.opts.RedirectURIs, redirectURI) {
		errorPage(w, "invalid_redirect_uri", "redirect_uri is not registered for this client")
		return
	}
	fail := func(code, desc string) {
		s.redirect(w, r, redirectURI, q.Get("state"), url.Values{"error": {code}, "error_description": {desc}})
	}
	if q.Get("response_type") != "code" {
		fail("unsupported_response_type", "only response_type=code is supported")
		return
	}
	challenge, method := q.Get("code_challenge"), q.Get("code_challenge_method")
	if challenge == "" && s.kind != Ziina {
		fail("invalid_request", "PKCE code_challenge is required")
		return
	}
	if challenge != "" && method != "S256" {
		fail("invalid_request", "code_challenge_method must be S256")
		return
	}
	scopes := s.parseScopes(q.Get("scope"))
	for _, sc := range scopes {
		if !slices.Contains(s.catalogue(), sc) {
			fail("invalid_scope", "unknown scope "+sc)
			return
		}
	}
	// Ziina (oidc-provider): offline_access is granted only with prompt=consent.
	if s.kind == Ziina && q.Get("prompt") != "consent" {
		scopes = slices.DeleteFunc(scopes, func(sc string) bool { return sc == "offline_access" })
	}
	id := random()
	s.mu.Lock()
	s.interactions[id] = authRequest{redirectURI: redirectURI, state: q.Get("state"), challenge: challenge, scopes: scopes}
	s.mu.Unlock()

	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	consentPage.Execute(w, map[string]any{
		"Provider": map[Kind]string{Ziina: "Ziina", ZBD: "ZBD", Generic: "Example"}[s.kind],
		"Action":   s.paths().auth + "/decision", "Interaction": id, "Scopes": scopes, "Auto": s.opts.AutoSubmit,
	})
}

var consentPage = template.Must(template.New("consent").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><title>{{.Provider}} consent</title></head><body>
<h1>Allow access to your {{.Provider}} account?</h1>
<ul>{{range .Scopes}}<li>{{.}}</li>{{end}}</ul>
<form id="consent" method="post" action="{{.Action}}">
<input type="hidden" name="interaction" value="{{.Interaction}}">
{{if .Auto}}<input type="hidden" name="decision" value="approve">{{end}}
<button type="submit" name="decision" value="approve">Allow</button>
<button type="submit" name="decision" value="deny">Deny</button>
</form>
{{if .Auto}}<script>document.getElementById("consent").submit()</script>{{end}}
</body></html>
`))

var errorTemplate = template.Must(template.New("error").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><title>{{.Code}}</title></head><body>
<h1>oops! something went wrong</h1><p>{{.Code}}: {{.Desc}}</p>
</body></html>
`))

// errorPage answers 400 on the provider's own page, as oidc-provider does
// for errors it cannot send back to the client.
func errorPage(w http.ResponseWriter, code, desc string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusBadRequest)
	errorTemplate.Execute(w, map[string]string{"Code": code, "Desc": desc})
}

func (s *Server) decision(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	req, ok := s.interactions[r.PostForm.Get("interaction")]
	delete(s.interactions, r.PostForm.Get("interaction"))
	s.mu.Unlock()
	if !ok {
		errorPage(w, "invalid_request", "unknown or finished interaction")
		return
	}
	if r.PostForm.Get("decision") != "approve" {
		s.redirect(w, r, req.redirectURI, req.state, url.Values{"error": {"access_denied"}, "error_description": {"End-User aborted interaction"}})
		return
	}
	code := random()
	s.mu.Lock()
	s.codes[code] = &grant{authRequest: req, issued: s.now()}
	s.secrets = append(s.secrets, code)
	s.mu.Unlock()
	s.redirect(w, r, req.redirectURI, req.state, url.Values{"code": {code}})
}

// redirect sends the browser back to the client, with iss for Ziina (RFC 9207).
func (s *Server) redirect(w http.ResponseWriter, r *http.Request, redirectURI, state string, v url.Values) {
	if state != "" {
		v.Set("state", state)
	}
	if s.Issuer != "" {
		v.Set("iss", s.Issuer)
	}
	http.Redirect(w, r, fmt.Sprintf("%s?%s", redirectURI, v.Encode()), http.StatusSeeOther)
}

func (s *Server) discovery(w http.ResponseWriter, r *http.Request) {
	doc := map[string]any{
		"issuer":                                         s.Issuer,
		"authorization_endpoint":                         s.AuthURL(),
		"token_endpoint":                                 s.TokenURL(),
		"userinfo_endpoint":                              s.URL + "/oidc/me",
		"jwks_uri":                                       s.URL + "/oidc/jwks",
		"end_session_endpoint":                           s.URL + "/oidc/session/end",
		"scopes_supported":                               append([]string{"openid"}, s.catalogue()...),
		"response_types_supported":                       []string{"code"},
		"grant_types_supported":                          []string{"authorization_code", "refresh_token"},
		"code_challenge_methods_supported":               []string{"S256"},
		"token_endpoint_auth_methods_supported":          []string{"client_secret_basic", "client_secret_post", "client_secret_jwt", "private_key_jwt", "none"},
		"authorization_response_iss_parameter_supported": true,
	}
	if s.kind == Generic {
		doc["userinfo_endpoint"] = s.URL + "/userinfo"
		doc["revocation_endpoint"] = s.URL + "/revoke"
		doc["introspection_endpoint"] = s.URL + "/introspect"
		doc["scopes_supported"] = s.catalogue()
		doc["token_endpoint_auth_methods_supported"] = []string{"client_secret_basic", "client_secret_post"}
		delete(doc, "jwks_uri")
		delete(doc, "end_session_endpoint")
	}
	writeJSON(w, http.StatusOK, doc)
}
