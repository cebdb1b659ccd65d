package atomicfile

// NoFollow: Windows opens have no such flags; callers compare what they
// opened with an Lstat of the path (see ReadRegular).
const NoFollow = 0
