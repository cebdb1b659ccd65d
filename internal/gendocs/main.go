// Command gendocs writes zauth's generated files from the cobra command
// tree: shell completions (completions/), the markdown command reference
// (docs/reference/) and man pages (docs/man/). Run it with `go generate ./...`
// from the repository root; a test fails when the checked-in files are stale.
package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"

	"github.com/zauth-cli/zauth/cmd"
)

func main() {
	root := "."
	if len(os.Args) > 1 {
		root = os.Args[1]
	}
	if err := generate(root); err != nil {
		fmt.Fprintln(os.Stderr, "gendocs:", err)
		os.Exit(1)
	}
}

// manDate is fixed so that regenerating changes nothing unless the commands do.
var manDate = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

// generate writes every generated file under root, replacing the old ones.
func generate(root string) error {
	files, err := render()
	if err != nil {
		return err
	}
	for _, dir := range []string{"completions", "docs/reference", "docs/man"} {
		if err := os.RemoveAll(filepath.Join(root, dir)); err != nil {
			return err
		}
	}
	for name, data := range files {
		path := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

func newRoot() *cobra.Command {
	root := cmd.NewRootCmd(&cmd.App{In: os.Stdin, Out: os.Stdout, Err: os.Stderr})
	root.DisableAutoGenTag = true
	root.InitDefaultCompletionCmd()
	return root
}

// render returns every generated file, keyed by its path under the root.
func render() (map[string][]byte, error) {
	files := map[string][]byte{}
	root := newRoot()
	for name, gen := range map[string]func(*bytes.Buffer) error{
		"completions/zauth.bash": func(b *bytes.Buffer) error { return cmd.GenBashCompletion(root, b, true) },
		"completions/_zauth":     func(b *bytes.Buffer) error { return root.GenZshCompletion(b) },
		"completions/zauth.fish": func(b *bytes.Buffer) error { return root.GenFishCompletion(b, true) },
		"completions/zauth.ps1":  func(b *bytes.Buffer) error { return root.GenPowerShellCompletionWithDesc(b) },
	} {
		var b bytes.Buffer
		if err := gen(&b); err != nil {
			return nil, err
		}
		files[name] = b.Bytes()
	}

	tmp, err := os.MkdirTemp("", "zauth-gendocs")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	md := filepath.Join(tmp, "reference")
	os.MkdirAll(md, 0o755)
	if err := doc.GenMarkdownTree(newRoot(), md); err != nil {
		return nil, err
	}
	for name, page := range manPages(newRoot()) {
		files["docs/man/"+name] = page
	}
	entries, err := os.ReadDir(md)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(md, e.Name()))
		if err != nil {
			return nil, err
		}
		files["docs/reference/"+e.Name()] = normalise(data)
	}
	return files, nil
}

// normalise strips trailing spaces so generated files pass whitespace checks.
func normalise(data []byte) []byte {
	lines := strings.Split(string(data), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t")
	}
	return []byte(strings.Join(lines, "\n"))
}
