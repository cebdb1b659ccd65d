package main

import (
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// TestGeneratedFilesAreCurrent fails when completions or docs were not
// regenerated after a command changed: run `go generate ./...`.
func TestGeneratedFilesAreCurrent(t *testing.T) {
	files, err := render()
	if err != nil {
		t.Fatal(err)
	}
	repo := filepath.Join("..", "..")
	for name, want := range files {
		got, err := os.ReadFile(filepath.Join(repo, name))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s is stale or missing; run `go generate ./...`", name)
		}
	}
	// Files that the commands no longer produce must be gone too.
	var extra []string
	for _, dir := range []string{"completions", "docs/reference", "docs/man"} {
		entries, _ := os.ReadDir(filepath.Join(repo, dir))
		for _, e := range entries {
			if _, ok := files[dir+"/"+e.Name()]; !ok {
				extra = append(extra, dir+"/"+e.Name())
			}
		}
	}
	sort.Strings(extra)
	if len(extra) > 0 {
		t.Errorf("stale generated files %v; run `go generate ./...`", extra)
	}
}

// TestManPages: each page has its own title, a synopsis with the
// command's arguments, and the sections a user looks for.
func TestManPages(t *testing.T) {
	root := newRoot()
	pages := manPages(root)
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if (!c.IsAvailableCommand() && c != root) || c.IsAdditionalHelpTopicCommand() {
			return
		}
		name := strings.ReplaceAll(c.CommandPath(), " ", "-")
		page := string(pages[name+".1"])
		if page == "" {
			t.Errorf("no man page for %s", c.CommandPath())
			return
		}
		if !strings.HasPrefix(page, `.TH "`+strings.ToUpper(name)+`" "1"`) {
			t.Errorf("%s: title line %q", name, strings.SplitN(page, "\n", 2)[0])
		}
		synopsis := page[strings.Index(page, ".SH SYNOPSIS\n")+13:]
		synopsis = synopsis[:strings.Index(synopsis, "\n")]
		for _, arg := range strings.Fields(c.Use)[1:] {
			if strings.HasPrefix(arg, "<") || strings.HasPrefix(arg, "[<") {
				if !strings.Contains(synopsis, arg) {
					t.Errorf("%s: synopsis %q lacks %s", name, synopsis, arg)
				}
			}
		}
		if c.Runnable() && !strings.Contains(page, ".SH EXIT STATUS\n") {
			t.Errorf("%s: no EXIT STATUS section", name)
		}
		for _, section := range []string{"ENVIRONMENT", "FILES"} {
			if want := touchesSetup(c); strings.Contains(page, ".SH "+section+"\n") != want {
				t.Errorf("%s: %s section present = %v, want %v", name, section, !want, want)
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	for _, name := range []string{"zauth.1", "zauth-login.1", "zauth-token.1", "zauth-logout.1"} {
		if !strings.Contains(string(pages[name]), ".SH ENVIRONMENT\n") {
			t.Errorf("%s has no ENVIRONMENT section", name)
		}
	}
	if !strings.Contains(string(pages["zauth-exec.1"]), "128+n") {
		t.Error("zauth-exec.1 does not say how the command's status is passed on")
	}
}
