package config

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/zauth-cli/zauth/internal/exitcode"
)

// isolate keeps the config lock of a test in its own state directory.
func isolate(t *testing.T) {
	t.Helper()
	t.Setenv("XDG_STATE_HOME", t.TempDir())
}

func loadEdit(t *testing.T, file string) *Config {
	t.Helper()
	c, err := LoadForEdit(file)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestEditKeepsCommentsAndOrder: edits change only the keys they name; the
// rest of the file (comments, key order, flow style) stays as written.
func TestEditKeepsCommentsAndOrder(t *testing.T) {
	isolate(t)
	before, err := os.ReadFile("testdata/edit.before.yaml")
	if err != nil {
		t.Fatal(err)
	}
	file := writeFile(t, string(before))
	c := loadEdit(t, file)
	if err := c.Write("ziina", map[string]string{KeyClientID: "new-id", KeyUsername: "", KeyRedirectURI: "http://127.0.0.1:1/cb"}); err != nil {
		t.Fatal(err)
	}
	if err := c.Write("zbd", map[string]string{KeyUsername: ""}); err != nil { // absent: nothing to remove
		t.Fatal(err)
	}
	if err := c.Write("beta", map[string]string{KeyClientID: "b-id"}); err != nil {
		t.Fatal(err)
	}
	if err := c.WriteProvider("beta", map[string]any{"token_url": "https://beta.example/token", "auth_url": "https://beta.example/auth", "scopes": map[string]any{"read": "read things"}}); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(file)
	golden := "testdata/edit.after.yaml"
	if os.Getenv("UPDATE_GOLDEN") == "1" {
		os.WriteFile(golden, got, 0o644)
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Errorf("after the edits:\n%s\nwant:\n%s", got, want)
	}
	p, err := c.Provider("ziina")
	if err != nil {
		t.Fatal(err)
	}
	if id, _ := c.ClientID(p); id != "new-id" || c.Username(p) != "new-id" {
		t.Errorf("this run sees client id %q, username %q", id, c.Username(p))
	}
}

// TestEditIndentation: a file indented with four spaces stays so.
func TestEditIndentation(t *testing.T) {
	isolate(t)
	file := writeFile(t, "ziina:\n    client_id: a\n")
	if err := loadEdit(t, file).Write("ziina", map[string]string{KeyUsername: "u"}); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(file); string(got) != "ziina:\n    client_id: a\n    username: u\n" {
		t.Errorf("got:\n%s", got)
	}
}

// TestEditEmptiesSection: removing the last key removes the section.
func TestEditEmptiesSection(t *testing.T) {
	isolate(t)
	file := writeFile(t, "ziina:\n  client_id: a\nzbd:\n  client_id: b\n")
	if err := loadEdit(t, file).Write("ziina", map[string]string{KeyClientID: ""}); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(file); string(got) != "zbd:\n  client_id: b\n" {
		t.Errorf("got:\n%s", got)
	}
}

// TestEditCreatesFile: an explicit config path that does not exist yet is
// created (0600) by the first write; reading it still needs it to exist.
func TestEditCreatesFile(t *testing.T) {
	isolate(t)
	file := filepath.Join(t.TempDir(), "new.yaml")
	if _, err := Load(file); err == nil {
		t.Fatal("Load accepted a missing explicit file")
	}
	c := loadEdit(t, file)
	if err := c.Write("ziina", map[string]string{KeyClientID: "cid", KeyUsername: "u"}); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(file)
	if string(got) != "ziina:\n  client_id: cid\n  username: u\n" {
		t.Errorf("new file:\n%s", got)
	}
	if st, _ := os.Stat(file); runtime.GOOS != "windows" && st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", st.Mode())
	}
}

// TestEditConcurrent: writers of different providers, each with its own
// Config as separate processes would have, lose none of each other's keys.
func TestEditConcurrent(t *testing.T) {
	isolate(t)
	file := writeFile(t, "# shared\n")
	const n = 8
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := LoadForEdit(file)
			if err == nil {
				err = c.Write(fmt.Sprintf("p%d", i), map[string]string{KeyClientID: fmt.Sprintf("id-%d", i)})
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	var doc map[string]map[string]string
	data, _ := os.ReadFile(file)
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if got := doc[fmt.Sprintf("p%d", i)][KeyClientID]; got != fmt.Sprintf("id-%d", i) {
			t.Errorf("p%d lost (%q):\n%s", i, got, data)
		}
	}
	if !strings.HasPrefix(string(data), "# shared\n") {
		t.Errorf("comment lost:\n%s", data)
	}
}

// TestEditRefusesSeveralDocuments: only the first YAML document would be
// written back, so a file with more is refused and left as it is.
func TestEditRefusesSeveralDocuments(t *testing.T) {
	isolate(t)
	const content = "ziina:\n  client_id: a\n---\nzbd:\n  client_id: b\n"
	file := writeFile(t, content)
	err := loadEdit(t, file).Write("ziina", map[string]string{KeyUsername: "u"})
	if exitcode.Code(err) != exitcode.Usage || !strings.Contains(err.Error(), "documents") {
		t.Errorf("err = %v", err)
	}
	if got, _ := os.ReadFile(file); string(got) != content {
		t.Errorf("file changed:\n%s", got)
	}
}

// TestEditToEmpty: removing the last setting leaves an empty file, which
// the same run must still be able to read.
func TestEditToEmpty(t *testing.T) {
	isolate(t)
	file := writeFile(t, "zbd:\n  client_id: cid\n")
	c := loadEdit(t, file)
	if err := c.Write("zbd", map[string]string{KeyClientID: ""}); err != nil {
		t.Fatalf("removing the last key: %v", err)
	}
	if data, _ := os.ReadFile(file); len(data) != 0 {
		t.Errorf("file = %q, want it empty", data)
	}
	if got := c.get("zbd", KeyClientID); got != "" {
		t.Errorf("client id after removal = %q", got)
	}
}
