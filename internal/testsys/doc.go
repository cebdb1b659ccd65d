// Package testsys gives tests what they need from the system: a free
// loopback port, and (on Linux) a pseudo-terminal for tests of job control,
// Ctrl-C and line editing.
package testsys
