// Package testsys gives tests what they need from the system: a free
// loopback port, (on Linux) a pseudo-terminal for tests of job control,
// Ctrl-C and line editing, a time bound on calls that can wait without
// limit, and the throwaway keyring's log for their failure messages.
package testsys
