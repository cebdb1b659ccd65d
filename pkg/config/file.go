package config

import (
	"errors"

	"os"

	"go.yaml.in/yaml/v3"

	"github.com/zauth-cli/zauth/pkg/atomicfile"
	"github.com/zauth-cli/zauth/pkg/exitcode"
)

// WriteProvider stores a provider definition under providers.<name>.
func (c *Config) WriteProvider(name string, def map[string]any) error {
	return c.edit(func(doc map[string]any) {
		providers, _ := doc["providers"].(map[string]any)
		if providers == nil {
			providers = map[string]any{}
		}
		providers[name] = def
		doc["providers"] = providers
	})
}

// Write sets (or, with value "", removes) provider keys in the config file
// and writes it atomically. Only the file's own content is written back,
// never values that came from the environment.
func (c *Config) Write(providerName string, values map[string]string) error {
	err := c.edit(func(doc map[string]any) {
		section, _ := doc[providerName].(map[string]any)
		if section == nil {
			section = map[string]any{}
		}
		for k, v := range values {
			if v == "" {
				delete(section, k)
			} else {
				section[k] = v
			}
		}
		if len(section) == 0 {
			delete(doc, providerName)
		} else {
			doc[providerName] = section
		}
	})
	if err != nil {
		return err
	}
	for k, v := range values {
		c.Set(providerName, k, v)
	}
	return nil
}

// edit applies change to the config file's own content and writes it back
// atomically.
func (c *Config) edit(change func(doc map[string]any)) error {
	doc := map[string]any{}
	data, err := os.ReadFile(c.File)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return exitcode.Newf(exitcode.Usage, "cannot read %s: %v", c.File, err)
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return exitcode.Newf(exitcode.Usage, "config file %s: %v", c.File, err)
	}
	if doc == nil {
		doc = map[string]any{}
	}
	change(doc)
	out, err := yaml.Marshal(doc)
	if err != nil {
		return err
	}
	// The file holds no secret, but 0600 costs nothing and avoids surprises.
	if err := atomicfile.Write(c.File, out, 0o600); err != nil {
		return exitcode.Newf(exitcode.Unexpected, "cannot write %s: %v", c.File, err)
	}
	return c.v.ReadInConfig() // later lookups in this run see the change
}
