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
// the shared one would stay open for the life of the process). Hello is
// waited for: gnome-keyring answered a call sent right behind it, before
// it had seen the new connection, with "Method SearchItems is not
// implemented" now and then.
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

// send sends a call to the Secret Service without waiting for the answer.
func (s *secretService) send(method string, args ...any) *dbus.Call {
	return s.svc.Go(secretsIface+method, 0, nil, args...)
}

// wait waits for call and stores its answer in out. Each call is waited
// for once: its Done channel delivers one value.
func (s *secretService) wait(call *dbus.Call, out ...any) error {
	<-call.Done
	return call.Store(out...)
}

// search finds the items with the attributes, the way go-keyring stores
// them: "service" and, for one item, "username" (the key).
func (s *secretService) search(attrs map[string]string) (unlocked, locked []dbus.ObjectPath, err error) {
	err = s.wait(s.send("Service.SearchItems", attrs), &unlocked, &locked)
	return unlocked, locked, err
}
