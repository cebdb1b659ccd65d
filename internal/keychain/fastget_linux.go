package keychain

import (
	"github.com/godbus/dbus/v5"
)

// fastGet reads an item the way go-keyring stores it (attributes "service"
// and "username") in three Secret Service calls, two of them sent together,
// instead of go-keyring's seven: `zauth token` runs once per API call in
// scripts, and the keychain read is most of its cost. It reports ok=false whenever the answer is not
// plain (item locked, unexpected reply), and the caller then asks go-keyring,
// which knows how to unlock and prompt.
func fastGet(service, key string) (value string, found, ok bool) {
	ss, err := openSecretService()
	if err != nil {
		return "", false, false
	}
	defer ss.Close()
	// The search and the session are asked for at once: one round trip
	// to the keyring instead of two (a session nobody uses ends with the
	// connection).
	search := ss.send("Service.SearchItems", map[string]string{"service": service, "username": key})
	open := ss.send("Service.OpenSession", "plain", dbus.MakeVariant(""))
	var unlocked, locked []dbus.ObjectPath
	if ss.wait(search, &unlocked, &locked) != nil {
		return "", false, false
	}
	if len(unlocked) == 0 {
		// Absent everywhere is a definite answer; locked needs go-keyring.
		return "", false, len(locked) == 0
	}
	var session dbus.ObjectPath
	var ignored dbus.Variant
	if ss.wait(open, &ignored, &session) != nil {
		return "", false, false
	}
	var secrets map[dbus.ObjectPath]struct {
		Session     dbus.ObjectPath
		Parameters  []byte
		Value       []byte
		ContentType string
	}
	if ss.wait(ss.send("Service.GetSecrets", unlocked[:1], session), &secrets) != nil {
		return "", false, false
	}
	s, exists := secrets[unlocked[0]]
	if !exists {
		return "", false, false
	}
	return string(s.Value), true, true
}
