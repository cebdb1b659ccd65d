//go:build !windows

package tokenstore

import "syscall"

// safeOpen makes an open fail on a symbolic link instead of following it,
// and return at once on a FIFO instead of waiting for its other end.
const safeOpen = syscall.O_NOFOLLOW | syscall.O_NONBLOCK
