package keychain

import (
	"github.com/godbus/dbus/v5"
)

// secretService is a private connection to the Secret Service, for the
// two things zauth asks it directly rather than through go-keyring: the
// fast read of `zauth token` and the listing of keys. Close it when done.
type secretService struct {
	conn  *dbus.Conn
	svc   dbus.BusObject
	hello *dbus.Call
}

const (
	secretsDest  = "org.freedesktop.secrets"
	secretsIface = "org.freedesktop.Secret."
)

// openSecretService connects to the session bus (a private connection:
// the shared one would stay open for the life of the process). The bus's
// Hello is sent but not waited for: calls sent after it are queued behind
// it by the bus, so the first round trips overlap (see wait).
func openSecretService() (*secretService, error) {
	conn, err := dbus.SessionBusPrivate()
	if err != nil {
		return nil, err
	}
	if err := conn.Auth(nil); err != nil {
		conn.Close()
		return nil, err
	}
	hello := conn.BusObject().Go("org.freedesktop.DBus.Hello", 0, nil)
	return &secretService{conn, conn.Object(secretsDest, "/org/freedesktop/secrets"), hello}, nil
}

func (s *secretService) Close() { s.conn.Close() }

// send sends a call to the Secret Service without waiting for the answer.
func (s *secretService) send(method string, args ...any) *dbus.Call {
	return s.svc.Go(secretsIface+method, 0, nil, args...)
}

// wait waits for the Hello (the first time), then for call, and stores
// its answer in out. Each call is waited for once: its Done channel
// delivers one value.
func (s *secretService) wait(call *dbus.Call, out ...any) error {
	if s.hello != nil {
		<-s.hello.Done
		if err := s.hello.Err; err != nil {
			return err
		}
		s.hello = nil
	}
	<-call.Done
	return call.Store(out...)
}

// search finds the items with the attributes, the way go-keyring stores
// them: "service" and, for one item, "username" (the key).
func (s *secretService) search(attrs map[string]string) (unlocked, locked []dbus.ObjectPath, err error) {
	err = s.wait(s.send("Service.SearchItems", attrs), &unlocked, &locked)
	return unlocked, locked, err
}
