package keychain

import (
	"github.com/godbus/dbus/v5"
)

// secretService is a private connection to the Secret Service, for the
// two things zauth asks it directly rather than through go-keyring: the
// fast read of `zauth token` and the listing of keys. Close it when done.
type secretService struct {
	conn *dbus.Conn
	svc  dbus.BusObject
}

const (
	secretsDest  = "org.freedesktop.secrets"
	secretsIface = "org.freedesktop.Secret."
)

// openSecretService connects to the session bus (a private connection:
// the shared one would stay open for the life of the process).
func openSecretService() (*secretService, error) {
	conn, err := dbus.SessionBusPrivate()
	if err != nil {
		return nil, err
	}
	if err := conn.Auth(nil); err != nil {
		conn.Close()
		return nil, err
	}
	if err := conn.Hello(); err != nil {
		conn.Close()
		return nil, err
	}
	return &secretService{conn, conn.Object(secretsDest, "/org/freedesktop/secrets")}, nil
}

func (s *secretService) Close() { s.conn.Close() }

// search finds the items with the attributes, the way go-keyring stores
// them: "service" and, for one item, "username" (the key).
func (s *secretService) search(attrs map[string]string) (unlocked, locked []dbus.ObjectPath, err error) {
	err = s.svc.Call(secretsIface+"Service.SearchItems", 0, attrs).Store(&unlocked, &locked)
	return unlocked, locked, err
}
