package atomicfile

import (
	"errors"
	"io"
	"io/fs"
	"os"
)

// ErrNotRegular is what ReadRegular finds at a path that holds something
// other than a regular file.
var ErrNotRegular = errors.New("not a regular file")

// ReadRegular reads the file Write writes, refusing anything else planted
// at its path: a symbolic link is not followed, a FIFO not waited on (both
// are ErrNotRegular). A missing file is os.ErrNotExist.
func ReadRegular(path string) ([]byte, error) {
	notRegular := &fs.PathError{Op: "read", Path: path, Err: ErrNotRegular}
	// What the open finds must be the regular file Lstat found: where opens
	// follow links (Windows has no O_NOFOLLOW), a link at the path, or one
	// swapped in between, reads as not regular too.
	li, err := os.Lstat(path)
	if err != nil {
		return nil, err
	}
	if !li.Mode().IsRegular() {
		return nil, notRegular
	}
	f, err := os.OpenFile(path, os.O_RDONLY|NoFollow, 0)
	if err != nil {
		if fi, lerr := os.Lstat(path); lerr == nil && !fi.Mode().IsRegular() {
			return nil, notRegular // swapped for a link: O_NOFOLLOW's error names no cause
		}
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() || !os.SameFile(li, fi) {
		return nil, notRegular
	}
	return io.ReadAll(f)
}
