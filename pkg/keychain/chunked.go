package keychain

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"

	"github.com/zauth-cli/zauth/pkg/exitcode"
)

// Chunked splits values larger than Limit bytes over several items, for
// keychains that cap the size of one secret (Windows Credential Manager takes
// 2,560 bytes; go-keyring's macOS backend about 4 kB per command). JWT access
// and refresh tokens together can exceed that.
//
// A split value is stored as a header under the key,
// "zauth-chunks:v1:<n>:<sha256>", and its parts under "<key>#<hash8>#<i>".
// The parts of a new value never overwrite those of the old one, so a reader
// that raced a writer sees one whole value or the other; the old parts are
// removed after the new header is in place.
type Chunked struct {
	Backend
	Limit int // 0: never split
}

const chunkPrefix = "zauth-chunks:v1:"

// DefaultChunkLimit is the per-item size zauth keeps under on this OS.
func DefaultChunkLimit() int { return chunkLimit(runtime.GOOS) }

func (c *Chunked) Get(key string) (string, error) {
	v, err := c.Backend.Get(key)
	if err != nil || !strings.HasPrefix(v, chunkPrefix) {
		return v, err
	}
	whole, err := c.join(key, v)
	if err != nil {
		// A writer may have replaced the value between our two reads.
		if v2, err2 := c.Backend.Get(key); err2 == nil && v2 != v {
			if !strings.HasPrefix(v2, chunkPrefix) {
				return v2, nil
			}
			return c.join(key, v2)
		}
	}
	return whole, err
}

func (c *Chunked) join(key, header string) (string, error) {
	n, sum, ok := parseHeader(header)
	if !ok {
		return "", corrupt(key, "its chunk header is malformed")
	}
	var b strings.Builder
	for i := 1; i <= n; i++ {
		part, err := c.Backend.Get(partKey(key, sum, i))
		if errors.Is(err, ErrNotFound) {
			return "", corrupt(key, fmt.Sprintf("chunk %d of %d is missing", i, n))
		}
		if err != nil {
			return "", err
		}
		b.WriteString(part)
	}
	got := sha256.Sum256([]byte(b.String()))
	if hex.EncodeToString(got[:]) != sum {
		return "", corrupt(key, "its chunks do not match their checksum")
	}
	return b.String(), nil
}

func (c *Chunked) Set(key, value string) error {
	old, _ := c.Backend.Get(key)
	if c.Limit > 0 && len(value) > c.Limit {
		sumBytes := sha256.Sum256([]byte(value))
		sum := hex.EncodeToString(sumBytes[:])
		n := (len(value) + c.Limit - 1) / c.Limit
		for i := 1; i <= n; i++ {
			part := value[(i-1)*c.Limit : min(i*c.Limit, len(value))]
			if err := c.Backend.Set(partKey(key, sum, i), part); err != nil {
				return err
			}
		}
		value = chunkPrefix + strconv.Itoa(n) + ":" + sum
	}
	if err := c.Backend.Set(key, value); err != nil {
		return err
	}
	if old != value {
		c.deleteParts(key, old)
	}
	return nil
}

func (c *Chunked) Delete(key string) error {
	old, err := c.Backend.Get(key)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if err := c.Backend.Delete(key); err != nil {
		return err
	}
	c.deleteParts(key, old)
	return nil
}

// deleteParts removes the parts a header points to; best effort, since
// leftovers are unreachable and harmless.
func (c *Chunked) deleteParts(key, header string) {
	if n, sum, ok := parseHeader(header); ok {
		for i := 1; i <= n; i++ {
			_ = c.Backend.Delete(partKey(key, sum, i))
		}
	}
}

func parseHeader(v string) (n int, sum string, ok bool) {
	rest, found := strings.CutPrefix(v, chunkPrefix)
	if !found {
		return 0, "", false
	}
	count, sum, found := strings.Cut(rest, ":")
	n, err := strconv.Atoi(count)
	if !found || err != nil || n < 1 || n > 1000 || len(sum) != 64 {
		return 0, "", false
	}
	return n, sum, true
}

func partKey(key, sum string, i int) string { return fmt.Sprintf("%s#%s#%d", key, sum[:8], i) }

func corrupt(key, why string) error {
	return exitcode.Newf(exitcode.Storage, "the keychain item %s is damaged: %s", key, why)
}
