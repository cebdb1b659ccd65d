package emulator

import (
	"encoding/json"
	"net/http"
	"strings"
)

// valid reports whether an access token is known, unexpired and has scope.
func (s *Server) valid(tok, scope string) (known, allowed bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.access[tok]
	if !ok || !s.now().Before(t.expires) {
		return false, false
	}
	return true, hasScope(t.scopes, scope)
}

// account is Ziina's GET /api/account.
func (s *Server) account(w http.ResponseWriter, r *http.Request) {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	known, allowed := s.valid(tok, "read_account")
	switch {
	case !ok || !known:
		writeJSON(w, 401, map[string]string{"message": "Unauthorized"})
	case !allowed:
		writeJSON(w, 403, map[string]string{"message": "read_account scope required"})
	default:
		writeJSON(w, 200, map[string]any{"account_id": "3f8a2c1e-emulated", "account_type": "business", "status": "active",
			"ziiname": "emulated-shop", "display_name": "Emulated Shop", "profile_picture_url": nil})
	}
}

// paymentIntent is Ziina's POST /api/payment_intent: a JSON body with an
// amount, answered with a new intent (nothing is charged here either).
func (s *Server) paymentIntent(w http.ResponseWriter, r *http.Request) {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	known, allowed := s.valid(tok, "write_payment_intents")
	var body struct {
		Amount       int64  `json:"amount"`
		CurrencyCode string `json:"currency_code"`
		Test         bool   `json:"test"`
	}
	switch {
	case !ok || !known:
		writeJSON(w, 401, map[string]string{"message": "Unauthorized"})
	case !allowed:
		writeJSON(w, 403, map[string]string{"message": "write_payment_intents scope required"})
	case !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") || json.NewDecoder(r.Body).Decode(&body) != nil || body.Amount <= 0:
		writeJSON(w, 400, map[string]string{"message": "a JSON body with a positive amount is required"})
	default:
		writeJSON(w, 201, map[string]any{"id": "pi-emulated", "amount": body.Amount, "currency_code": body.CurrencyCode,
			"status": "requires_payment_instrument", "test": body.Test})
	}
}

// zbdData serves ZBD's GET /v1/oauth2/user and /wallet.
func (s *Server) zbdData(scope string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("apikey") != s.opts.APIKey || s.opts.APIKey == "" {
			writeJSON(w, 401, map[string]any{"success": false, "message": "invalid apikey"})
			return
		}
		known, allowed := s.valid(r.Header.Get("usertoken"), scope)
		switch {
		case !known:
			writeJSON(w, 401, map[string]any{"success": false, "message": "invalid usertoken"})
		case !allowed:
			writeJSON(w, 403, map[string]any{"success": false, "message": scope + " scope required"})
		case scope == "user":
			writeJSON(w, 200, map[string]any{"success": true, "data": map[string]any{
				"id": "b9e4-emulated", "email": "satoshi@example.test", "gamertag": "satoshi", "image": "",
				"isVerified": true, "lightningAddress": "satoshi@zbd.gg", "publicBio": "", "publicStaticCharge": "", "social": map[string]any{}}})
		default:
			writeJSON(w, 200, map[string]any{"success": true, "data": map[string]any{
				"balance": "98251000", "remainingAmountLimits": map[string]any{"daily": "5000000", "monthly": "50000000"}}})
		}
	}
}

// userinfo is the OpenID Connect userinfo endpoint of the generic server.
func (s *Server) userinfo(w http.ResponseWriter, r *http.Request) {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if known, _ := s.valid(tok, ""); !ok || !known {
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		writeJSON(w, 401, map[string]string{"error": "invalid_token"})
		return
	}
	writeJSON(w, 200, map[string]any{"sub": "user-42", "name": "Ada Example", "email": "ada@example.test"})
}
