package keychain

const canList = true

// listKeys finds the items go-keyring stored under service (attribute
// "service"; the key is attribute "username"). Attributes are not secret:
// reading them unlocks nothing.
func listKeys(service string) ([]string, error) {
	ss, err := openSecretService()
	if err != nil {
		return nil, err
	}
	defer ss.Close()
	unlocked, locked, err := ss.search(map[string]string{"service": service})
	if err != nil {
		return nil, err
	}
	var keys []string
	for _, p := range append(unlocked, locked...) {
		v, err := ss.conn.Object(secretsDest, p).GetProperty(secretsIface + "Item.Attributes")
		if err != nil {
			return nil, err
		}
		if attrs, ok := v.Value().(map[string]string); ok && attrs["service"] == service && attrs["username"] != "" {
			keys = append(keys, attrs["username"])
		}
	}
	return keys, nil
}
