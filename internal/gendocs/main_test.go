package main

import (
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"testing"
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
