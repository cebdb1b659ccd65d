package keychain

// chunkLimit is the largest value zauth stores in one keychain item on goos
// (0: no limit), kept apart from DefaultChunkLimit so that every OS's rule
// is tested on any OS.
//
//   - Windows Credential Manager refuses a blob over 2,560 bytes
//     (CRED_MAX_CREDENTIAL_BLOB_SIZE); go-keyring checks it before writing.
//   - go-keyring's macOS backend base64-encodes the value (4/3 larger, plus
//     a prefix) and refuses a whole security(1) command line, service and
//     account names included, over 4,096 bytes.
//   - The Secret Service has no practical limit.
func chunkLimit(goos string) int {
	switch goos {
	case "windows":
		return 2000 // under 2,560 bytes, with room for encoding
	case "darwin":
		// Base64 makes 3,200 bytes of it, leaving the rest of the 4,096 for
		// the command and names (TestChunkLimitPerOS).
		return 2400
	}
	return 0
}
