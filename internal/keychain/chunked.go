package keychain

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"github.com/zauth-cli/zauth/internal/exitcode"
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
		if _, _, ok := parseHeader(old); !ok && strings.HasPrefix(old, chunkPrefix) {
			_ = c.sweep(key, value) // a damaged header no longer names its chunks
		}
	}
	return nil
}

// Delete removes the item and its chunks, also when it is damaged: chunks a
// damaged header no longer points to are found by listing the backend,
// where it can list.
func (c *Chunked) Delete(key string) error {
	old, err := c.Backend.Get(key)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return err
	}
	if err == nil {
		if err := c.Backend.Delete(key); err != nil {
			return err
		}
		c.deleteParts(key, old)
	}
	return c.sweep(key, "")
}

// sweep removes every chunk of key except those the header keep names, when
// the backend can list its keys.
func (c *Chunked) sweep(key, keep string) error {
	l, ok := c.Backend.(Lister)
	if !ok {
		return nil
	}
	keys, err := l.Keys()
	if errors.Is(err, errors.ErrUnsupported) {
		return nil
	}
	if err != nil {
		return err
	}
	_, keepSum, _ := parseHeader(keep)
	for _, k := range keys {
		if isPart(key, k) && (keepSum == "" || !strings.HasPrefix(k, key+"#"+keepSum[:8]+"#")) {
			if err := c.Backend.Delete(k); err != nil {
				return err
			}
		}
	}
	return nil
}

// Keys lists the keys of whole items, without their chunks.
func (c *Chunked) Keys() ([]string, error) {
	l, ok := c.Backend.(Lister)
	if !ok {
		return nil, errors.ErrUnsupported
	}
	keys, err := l.Keys()
	return slices.DeleteFunc(keys, func(k string) bool {
		i := strings.LastIndexByte(k, '#')
		j := strings.LastIndexByte(k[:max(i, 0)], '#')
		return j >= 0 && isPart(k[:j], k)
	}), err
}

// deleteParts removes the parts a header points to; best effort, since
// leftovers are unreachable and harmless (Delete sweeps them).
func (c *Chunked) deleteParts(key, header string) {
	if n, sum, ok := parseHeader(header); ok {
		for i := 1; i <= n; i++ {
			_ = c.Backend.Delete(partKey(key, sum, i))
		}
	}
}

// isPart reports whether k names a chunk of key: "<key>#<8 hex>#<i>".
func isPart(key, k string) bool {
	rest, ok := strings.CutPrefix(k, key+"#")
	if !ok {
		return false
	}
	hash, i, ok := strings.Cut(rest, "#")
	n, err := strconv.Atoi(i)
	return ok && err == nil && n >= 1 && strconv.Itoa(n) == i && len(hash) == 8 &&
		strings.Trim(hash, "0123456789abcdef") == ""
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

// DamagedError reports a split item that cannot be put back together: its
// header does not parse, or a chunk is missing or does not match the
// checksum. Delete still removes such an item and every chunk of it.
type DamagedError struct {
	Key    string
	Reason string
}

func (e *DamagedError) Error() string {
	return fmt.Sprintf("the keychain item %s is damaged: %s", e.Key, e.Reason)
}

func corrupt(key, why string) error {
	return exitcode.New(exitcode.Storage, &DamagedError{Key: key, Reason: why})
}
