package paths

import "os"

// checkPrivate accepts any directory on Windows: the mode bits Go reports
// there do not reflect ACLs, and %LocalAppData% is readable and writable by
// its user only unless someone changed its ACL on purpose.
func checkPrivate(string, os.FileInfo) error { return nil }
