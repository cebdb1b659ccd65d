package tokenstore

// safeOpen: Windows opens have no such flags; the callers check the type
// of what they opened.
const safeOpen = 0
