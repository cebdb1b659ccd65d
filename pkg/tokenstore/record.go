// Package tokenstore keeps token records in a keychain backend, a non-secret
// index of them (so listing logins unlocks nothing), and a cross-process lock
// per login so that parallel refreshes happen once.
package tokenstore

import (
	"encoding/json"
	"fmt"
	"time"
)

// RecordVersion is the current record format.
const RecordVersion = 1

// Record is one stored login.
type Record struct {
	Version      int       `json:"v"`
	Provider     string    `json:"provider"`
	Profile      string    `json:"profile"`
	ClientID     string    `json:"client_id"`
	AccessToken  string    `json:"access_token"`
	RefreshToken string    `json:"refresh_token,omitempty"`
	TokenType    string    `json:"token_type"`
	Scopes       []string  `json:"scopes"`
	Expiry       time.Time `json:"expires_at,omitzero"` // zero: the provider did not say
	ObtainedAt   time.Time `json:"obtained_at"`
}

// Refreshable reports whether the record has a refresh token.
func (r *Record) Refreshable() bool { return r.RefreshToken != "" }

// ExpiresWithin reports whether the access token expires before now+d. A
// token with unknown expiry is taken as valid.
func (r *Record) ExpiresWithin(now time.Time, d time.Duration) bool {
	return !r.Expiry.IsZero() && !now.Add(d).Before(r.Expiry)
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
	if r.Version != RecordVersion {
		return nil, &CorruptError{Key: key, Reason: fmt.Sprintf("format version %d, this zauth reads %d", r.Version, RecordVersion)}
	}
	if r.AccessToken == "" {
		return nil, &CorruptError{Key: key, Reason: "no access token"}
	}
	return &r, nil
}
