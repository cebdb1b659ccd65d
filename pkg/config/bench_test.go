package config

import "testing"

// BenchmarkLoadAndResolve is the configuration work of one `zauth token`.
func BenchmarkLoadAndResolve(b *testing.B) {
	file := writeFile(&testing.T{}, "ziina:\n  client_id: abc\n  username: u\n  scopes: [read_account]\nzbd:\n  client_id: def\n")
	b.ReportAllocs()
	for b.Loop() {
		c, err := Load(file)
		if err != nil {
			b.Fatal(err)
		}
		p, err := c.Provider("ziina")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := c.RedirectURI(p); err != nil {
			b.Fatal(err)
		}
	}
}
