package keychain

import (
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
)

// The longest names zauth promises to store a chunked record under: a
// keychain service name (ZAUTH_KEYRING_SERVICE) and provider and profile
// names of this many bytes each.
const maxNameLen = 128

// darwinCommand is the line go-keyring v0.2's macOS backend writes to
// `security -i` for Set; it refuses lines over 4,096 bytes. Names are
// quoted as its shellescape does for unsafe characters, the worst case.
func darwinCommand(service, account, value string) string {
	q := func(s string) string { return "'" + strings.ReplaceAll(s, "'", `'"'"'`) + "'" }
	value = "go-keyring-base64:" + base64.StdEncoding.EncodeToString([]byte(value))
	return fmt.Sprintf("add-generic-password -U -s %s -a %s -w %s\n", q(service), q(account), q(value))
}

// TestChunkLimitPerOS: a chunk of the OS's limit, under the longest names,
// passes the checks go-keyring makes before writing on that OS.
func TestChunkLimitPerOS(t *testing.T) {
	name := strings.Repeat("n", maxNameLen)
	service := name
	account := partKey(partKeyBase(name), strings.Repeat("0", 64), 999)

	if got := chunkLimit("linux"); got != 0 {
		t.Errorf("linux: limit %d, want none (the Secret Service has no practical one)", got)
	}
	if got := chunkLimit("freebsd"); got != 0 {
		t.Errorf("freebsd: limit %d, want none", got)
	}

	win := chunkLimit("windows")
	if win <= 0 || win > 2560 {
		t.Errorf("windows: limit %d, want 1..2560 (Credential Manager's blob size)", win)
	}
	// go-keyring makes the key the credential's user name, and the target
	// name "<service>:<key>"; go-keyring refuses services of 512 bytes.
	if len(account) > 513 || len(service) >= 512 {
		t.Errorf("windows: key of %d bytes, service of %d: over CRED_MAX_USERNAME_LENGTH (513) or go-keyring's 512", len(account), len(service))
	}

	mac := chunkLimit("darwin")
	if mac <= 0 {
		t.Fatalf("darwin: limit %d, want one", mac)
	}
	if n := len(darwinCommand(service, account, strings.Repeat("v", mac))); n > 4096 {
		t.Errorf("darwin: a %d-byte chunk under %d-byte names makes a %d-byte security(1) command; go-keyring refuses over 4,096", mac, maxNameLen, n)
	}
	// The header that replaces a chunked value is far smaller than a chunk.
	header := chunkPrefix + "999:" + strings.Repeat("0", 64)
	if len(header) >= min(mac, win) {
		t.Errorf("the chunk header (%d bytes) does not fit under the limits", len(header))
	}
}
