// Command floor is the benchmark's lower bound for `zauth token`: the
// smallest Go program that reads one keychain item with go-keyring and
// prints it. With -set it stores stdin under the item instead.
package main

import (
	"fmt"
	"io"
	"os"

	"github.com/zalando/go-keyring"
)

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: floor [-set] SERVICE KEY")
		os.Exit(2)
	}
	if os.Args[1] == "-set" {
		v, _ := io.ReadAll(os.Stdin)
		if err := keyring.Set(os.Args[2], os.Args[3], string(v)); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	v, err := keyring.Get(os.Args[1], os.Args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(v)
}
