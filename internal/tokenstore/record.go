// Package tokenstore keeps token records in a keychain backend, a non-secret
// index of them (so listing logins unlocks nothing), and a cross-process lock
// per login so that parallel refreshes happen once.
package tokenstore

import (
	"encoding/json"
	"fmt"
	"time"
)

// RecordVersion is the current record format. Version 1 (zauth before the
// record knew its login) is read and migrated in memory; the next save
// writes the current format.
const RecordVersion = 2

// Record is one stored login: the tokens, and how the login was made, so
// that a refresh and a re-login can repeat it.
type Record struct {
	Version      int       `json:"v"`
	Provider     string    `json:"provider"`
	Profile      string    `json:"profile"`
	ClientID     string    `json:"client_id"`
	AccessToken  string    `json:"access_token"`
	RefreshToken string    `json:"refresh_token,omitempty"`
	TokenType    string    `json:"token_type"`
	Scopes       []string  `json:"scopes"`              // granted
	Expiry       time.Time `json:"expires_at,omitzero"` // zero: the provider did not say
	ObtainedAt   time.Time `json:"obtained_at"`

	// RedirectURI is the one the login used (the real port for --port 0);
	// refreshes send it. Empty only in a migrated version 1 record: the
	// configured one applies.
	RedirectURI string `json:"redirect_uri,omitempty"`
	// RequestedScopes are what the login asked for; a re-login without
	// --scope asks for them again. Empty means an explicit empty scope.
	RequestedScopes []string `json:"requested_scopes"`
	// Account names who the token belongs to, when the provider said so
	// cheaply at login; "" when it did not.
	Account string `json:"account,omitempty"`
	// Storage is where the record lives ("keychain" or "file"); set by
	// the store on every load and save, never stored.
	Storage string `json:"-"`
	// ShortOfMinTTL: the last refresh was for a --min-ttl longer than the
	// provider's tokens live, so refreshing again before the token's
	// second half of life would gain nothing.
	ShortOfMinTTL bool `json:"short_of_min_ttl,omitempty"`
}

// Refreshable reports whether the record has a refresh token.
func (r *Record) Refreshable() bool { return r.RefreshToken != "" }

// ExpiresWithin reports whether the access token expires before now+d. A
// token with unknown expiry is taken as valid.
func (r *Record) ExpiresWithin(now time.Time, d time.Duration) bool {
	return !r.Expiry.IsZero() && !now.Add(d).Before(r.Expiry)
}

// Lifetime is how long the provider made the current access token valid
// for, or 0 when it did not say.
func (r *Record) Lifetime() time.Duration {
	if r.Expiry.IsZero() || r.ObtainedAt.IsZero() || !r.Expiry.After(r.ObtainedAt) {
		return 0
	}
	return r.Expiry.Sub(r.ObtainedAt)
}

// CorruptError reports a record that cannot be read back: not valid JSON,
// or a split keychain item whose chunks are damaged. Logout removes it.
type CorruptError struct {
	Key               string
	Provider, Profile string // set by Store.Load
	Reason            string
}

func (e *CorruptError) Error() string {
	if e.Provider == "" {
		return fmt.Sprintf("the stored record %s is unreadable (%s)", e.Key, e.Reason)
	}
	return fmt.Sprintf("the stored %s login (profile %s) is damaged and unreadable (%s)", e.Provider, e.Profile, e.Reason)
}

func decode(key, data string) (*Record, error) {
	var r Record
	if err := json.Unmarshal([]byte(data), &r); err != nil {
		return nil, &CorruptError{Key: key, Reason: "not valid JSON"}
	}
	switch r.Version {
	case 1:
		// Version 1 did not keep what the login asked for: the grant is
		// the best guess. It has no redirect URI: the configured one was
		// the only one it could have been refreshed with.
		r.RequestedScopes = r.Scopes
	case RecordVersion:
		if r.RequestedScopes == nil { // absent: as in version 1; an explicit empty request is []
			r.RequestedScopes = r.Scopes
		}
	default:
		return nil, &CorruptError{Key: key, Reason: fmt.Sprintf("format version %d, this zauth reads 1 and %d", r.Version, RecordVersion)}
	}
	if r.AccessToken == "" {
		return nil, &CorruptError{Key: key, Reason: "no access token"}
	}
	return &r, nil
}
