//go:build !windows

package config

import (
	"os"
	"path/filepath"
	"testing"
)

// TestEditThroughSymlink: a config file kept elsewhere (dotfiles) and
// linked into place is written through the link, which stays a link, and
// keeps its mode.
func TestEditThroughSymlink(t *testing.T) {
	isolate(t)
	dotfiles := t.TempDir()
	target := filepath.Join(dotfiles, "zauth.yaml")
	if err := os.WriteFile(target, []byte("zbd:\n  client_id: keep\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	if err := loadEdit(t, link).Write("ziina", map[string]string{KeyClientID: "cid"}); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Lstat(link); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the link was replaced: %v %v", st.Mode(), err)
	}
	got, _ := os.ReadFile(target)
	if string(got) != "zbd:\n  client_id: keep\nziina:\n  client_id: cid\n" {
		t.Errorf("target:\n%s", got)
	}
	if st, _ := os.Stat(target); st.Mode().Perm() != 0o640 {
		t.Errorf("target mode %v, want 0640", st.Mode())
	}
	if entries, _ := os.ReadDir(dotfiles); len(entries) != 1 {
		t.Errorf("temp files left behind: %v", entries)
	}

	// A link whose target does not exist yet: the target is created.
	dangling := filepath.Join(dotfiles, "new.yaml")
	link2 := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.Symlink(dangling, link2); err != nil {
		t.Fatal(err)
	}
	if err := loadEdit(t, link2).Write("zbd", map[string]string{KeyClientID: "z"}); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Lstat(link2); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the dangling link was replaced: %v", err)
	}
	if got, _ := os.ReadFile(dangling); string(got) != "zbd:\n  client_id: z\n" {
		t.Errorf("new target:\n%s", got)
	}
}
