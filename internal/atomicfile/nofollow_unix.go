//go:build !windows

package atomicfile

import "syscall"

// NoFollow makes an open fail on a symbolic link instead of following it,
// and return at once on a FIFO instead of waiting for its other end.
const NoFollow = syscall.O_NOFOLLOW | syscall.O_NONBLOCK
