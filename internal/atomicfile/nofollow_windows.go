package atomicfile

// NoFollow: Windows opens have no such flags; the callers check the type
// of what they opened.
const NoFollow = 0
