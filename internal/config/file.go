package config

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/zauth-cli/zauth/internal/atomicfile"
	"github.com/zauth-cli/zauth/internal/exitcode"
	"github.com/zauth-cli/zauth/internal/filelock"
	"github.com/zauth-cli/zauth/internal/paths"
)

// lockWait bounds the wait for another zauth process writing the config.
const lockWait = 10 * time.Second

// LoadForEdit is Load for commands that write the config file: an explicit
// file that does not exist yet is fine, the first write creates it.
func LoadForEdit(file string) (*Config, error) { return load(file, true) }

// WriteProvider stores a provider definition under providers.<name>,
// replacing one of that name in place or adding it at the end of the block.
func (c *Config) WriteProvider(name string, def map[string]any) error {
	var value yaml.Node
	if err := value.Encode(def); err != nil {
		return err
	}
	return c.edit(func(root *yaml.Node) (bool, error) {
		providers, err := section(root, "providers", true)
		if err != nil {
			return false, err
		}
		set(providers, name, &value)
		return true, nil
	})
}

// Write sets (or, with value "", removes) provider keys in the config file.
// Only the file's own content is written back, never values that came from
// the environment; a new key goes at the end of its section, a new section
// at the end of the file, and everything else (comments, key order) stays.
func (c *Config) Write(providerName string, values map[string]string) error {
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	// The documented key order, so that new keys land in a stable order.
	order := ProviderKeys()
	slices.SortFunc(keys, func(a, b string) int {
		ia, ib := slices.Index(order, a), slices.Index(order, b)
		if ia < 0 || ib < 0 {
			return cmp.Or(cmp.Compare(ib, ia), strings.Compare(a, b))
		}
		return cmp.Compare(ia, ib)
	})
	err := c.edit(func(root *yaml.Node) (bool, error) {
		adding := slices.ContainsFunc(keys, func(k string) bool { return values[k] != "" })
		sec, err := section(root, providerName, adding)
		if sec == nil || err != nil {
			return false, err
		}
		changed := false
		for _, k := range keys {
			if v := values[k]; v != "" {
				set(sec, k, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v})
				changed = true
			} else if remove(sec, k) {
				changed = true
			}
		}
		if len(sec.Content) == 0 {
			remove(root, providerName)
		}
		return changed, nil
	})
	if err != nil {
		return err
	}
	for k, v := range values {
		c.Set(providerName, k, v)
	}
	return nil
}

// edit applies change to the config file's node tree under a cross-process
// lock (concurrent edits of different keys all land) and writes it back
// atomically. A symbolic link is written through, so it stays a link; the
// file keeps its mode (new files are 0600).
func (c *Config) edit(change func(root *yaml.Node) (changed bool, err error)) error {
	ctx, cancel := context.WithTimeout(context.Background(), lockWait)
	defer cancel()
	// The lock lives in the private state directory, not next to the file:
	// the config may sit in a dotfiles repository or a shared directory.
	lock, err := filelock.Acquire(ctx, filepath.Join(paths.StateDir(), "locks", "config.lock"))
	switch {
	case errors.Is(err, filelock.ErrTimeout):
		return exitcode.Newf(exitcode.Provider, "another zauth process is writing %s and has not finished; retry", c.File)
	case err != nil:
		return fmt.Errorf("cannot lock the config file: %w", err) // keeps an unsafe directory's exit 5
	}
	defer lock.Release()

	target, err := resolve(c.File)
	if err != nil {
		return exitcode.Newf(exitcode.Usage, "config file %s: %v", c.File, err)
	}
	mode := os.FileMode(0o600) // no secret inside, but nobody else needs it
	data, err := os.ReadFile(target)
	switch {
	case err == nil:
		if st, err := os.Stat(target); err == nil {
			mode = st.Mode().Perm()
		}
	case !errors.Is(err, fs.ErrNotExist):
		return exitcode.Newf(exitcode.Usage, "cannot read %s: %v", c.File, err)
	}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil && !errors.Is(err, io.EOF) {
		return exitcode.Newf(exitcode.Usage, "config file %s: %v", c.File, err)
	}
	// Only the first document would be written back.
	if err := dec.Decode(new(yaml.Node)); !errors.Is(err, io.EOF) {
		return exitcode.Newf(exitcode.Usage, "config file %s has several YAML documents; zauth edits only single-document files", c.File)
	}
	// A file of comments only parses to nothing: keep its text as it is.
	var prefix []byte
	if doc.Kind == 0 {
		if prefix = bytes.TrimRight(data, " \t\r\n"); len(prefix) > 0 {
			prefix = append(prefix, '\n')
		}
		doc = yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{{Kind: yaml.MappingNode, Tag: "!!map"}}}
	}
	root := doc.Content[0]
	switch {
	case root.Kind == yaml.ScalarNode && root.Tag == "!!null": // "~" or "---"
		*root = yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	case root.Kind != yaml.MappingNode:
		return exitcode.Newf(exitcode.Usage, "config file %s: the top level is not a mapping of keys", c.File)
	}
	changed, err := change(root)
	if err != nil {
		return exitcode.Newf(exitcode.Usage, "config file %s: %v", c.File, err)
	}
	if !changed {
		return nil
	}
	var out bytes.Buffer
	out.Write(prefix)
	enc := yaml.NewEncoder(&out)
	enc.SetIndent(indentOf(root))
	// Nothing left: an empty file (closing an encoder that encoded
	// nothing is an error).
	if len(root.Content) > 0 || doc.HeadComment != "" || doc.FootComment != "" {
		if err := enc.Encode(&doc); err != nil {
			return err
		}
		if err := enc.Close(); err != nil {
			return err
		}
	}
	// A comment moved to the end can leave a blank line after it.
	text := bytes.TrimRight(out.Bytes(), "\n")
	if len(text) > 0 {
		text = append(text, '\n')
	}
	if err := atomicfile.Write(target, text, mode); err != nil {
		return exitcode.Newf(exitcode.Unexpected, "cannot write %s: %v", c.File, err)
	}
	return c.v.ReadInConfig() // later lookups in this run see the change
}

// resolve follows symbolic links at path to the file they name. That file
// may not exist yet (a dotfiles link made before its target), which
// filepath.EvalSymlinks does not allow; then the links are followed by hand.
func resolve(path string) (string, error) {
	real, err := filepath.EvalSymlinks(path)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return real, err
	}
	for range 40 {
		dir, err := filepath.EvalSymlinks(filepath.Dir(path))
		if errors.Is(err, fs.ErrNotExist) {
			return path, nil // atomicfile creates the directory
		}
		if err != nil {
			return "", err
		}
		path = filepath.Join(dir, filepath.Base(path))
		link, err := os.Readlink(path)
		if err != nil {
			return path, nil // not a link: the file to create
		}
		if !filepath.IsAbs(link) {
			link = filepath.Join(dir, link)
		}
		path = link
	}
	return "", errors.New("too many levels of symbolic links")
}

// section returns the mapping under key in m, adding an empty one at the
// end when create is set; nil when it is absent and create is not.
func section(m *yaml.Node, key string, create bool) (*yaml.Node, error) {
	if v := lookup(m, key); v != nil {
		switch {
		case v.Kind == yaml.MappingNode:
			return v, nil
		case v.Kind == yaml.ScalarNode && v.Tag == "!!null": // "ziina:" with nothing under it
			if !create {
				return nil, nil
			}
			*v = yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", HeadComment: v.HeadComment, LineComment: v.LineComment, FootComment: v.FootComment}
			return v, nil
		}
		return nil, fmt.Errorf("%s is not a mapping of keys", key)
	}
	if !create {
		return nil, nil
	}
	v := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	set(m, key, v)
	return v, nil
}

// lookup returns the value of key in mapping m, or nil.
func lookup(m *yaml.Node, key string) *yaml.Node {
	if i := index(m, key); i >= 0 {
		return m.Content[i+1]
	}
	return nil
}

// index finds key in mapping m: exactly, else ignoring case, as viper
// reads keys.
func index(m *yaml.Node, key string) int {
	found := -1
	for i := 0; i+1 < len(m.Content); i += 2 {
		switch k := m.Content[i].Value; {
		case k == key:
			return i
		case found < 0 && strings.EqualFold(k, key):
			found = i
		}
	}
	return found
}

// set replaces the value of key in place, keeping the comments around it,
// or appends key and value at the end of m. A comment that trailed the
// block keeps trailing it.
func set(m *yaml.Node, key string, value *yaml.Node) {
	if i := index(m, key); i >= 0 {
		old := m.Content[i+1]
		value.HeadComment, value.LineComment, value.FootComment = old.HeadComment, old.LineComment, old.FootComment
		m.Content[i+1] = value
		return
	}
	k := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}
	if n := len(m.Content); n >= 2 {
		last := m.Content[n-2]
		k.FootComment, last.FootComment = last.FootComment, ""
	}
	m.Content = append(m.Content, k, value)
}

// remove deletes key and its value from m, reporting whether it was there.
func remove(m *yaml.Node, key string) bool {
	i := index(m, key)
	if i < 0 {
		return false
	}
	m.Content = slices.Delete(m.Content, i, i+2)
	return true
}

// indentOf is the file's own indentation (the column step from a key to
// the first block mapping nested under it), else 2.
func indentOf(m *yaml.Node) int {
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if v.Kind == yaml.MappingNode && v.Style&yaml.FlowStyle == 0 && len(v.Content) > 0 && v.Content[0].Line > k.Line {
			if d := v.Content[0].Column - k.Column; d >= 2 && d <= 8 {
				return d
			}
		}
	}
	return 2
}
