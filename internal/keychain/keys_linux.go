package keychain

import (
	"github.com/godbus/dbus/v5"
)

const canList = true

// listKeys finds the items go-keyring stored under service (attribute
// "service"; the key is attribute "username"). Attributes are not secret:
// reading them unlocks nothing.
func listKeys(service string) ([]string, error) {
	conn, err := dbus.SessionBusPrivate()
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	if err := conn.Auth(nil); err != nil {
		return nil, err
	}
	if err := conn.Hello(); err != nil {
		return nil, err
	}
	const dest = "org.freedesktop.secrets"
	var unlocked, locked []dbus.ObjectPath
	err = conn.Object(dest, "/org/freedesktop/secrets").
		Call("org.freedesktop.Secret.Service.SearchItems", 0, map[string]string{"service": service}).Store(&unlocked, &locked)
	if err != nil {
		return nil, err
	}
	var keys []string
	for _, p := range append(unlocked, locked...) {
		v, err := conn.Object(dest, p).GetProperty("org.freedesktop.Secret.Item.Attributes")
		if err != nil {
			return nil, err
		}
		if attrs, ok := v.Value().(map[string]string); ok && attrs["service"] == service && attrs["username"] != "" {
			keys = append(keys, attrs["username"])
		}
	}
	return keys, nil
}
