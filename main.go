// Command zauth gets OAuth access tokens for Ziina and ZBD from a terminal.
package main

import (
	"os"

	"github.com/zauth-cli/zauth/cmd"
)

//go:generate go run ./internal/gendocs

func main() { os.Exit(cmd.Execute()) }
