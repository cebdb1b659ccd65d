package config

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkLoadAndResolve is the configuration work of one `zauth token`.
func BenchmarkLoadAndResolve(b *testing.B) {
	// b.TempDir, not writeFile(&testing.T{}, …): a bare T never runs its
	// cleanups, which left a directory behind on every run.
	file := filepath.Join(b.TempDir(), "config.yaml")
	content := "ziina:\n  client_id: abc\n  username: u\n  scopes: [read_account]\nzbd:\n  client_id: def\n"
	if err := os.WriteFile(file, []byte(content), 0o600); err != nil {
		b.Fatal(err)
	}
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
