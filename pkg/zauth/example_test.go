package zauth_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"time"

	"golang.org/x/oauth2"

	"github.com/zauth-cli/zauth/pkg/zauth"
)

// A program that calls an API as the user logged in with
// `zauth login acme`: the token is refreshed first when it expires within
// the next minute.
func ExampleClient_Token() {
	c, err := zauth.Open(zauth.Options{})
	if err != nil {
		log.Fatal(err)
	}
	tok, err := c.Token(context.Background(), "acme", "", time.Minute)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("got a token:", tok != "")
	// Output: got a token: true
}

// oauth2.NewClient adds the login's token to every request, refreshing it
// through zauth when it runs short.
func ExampleClient_TokenSource() {
	c, err := zauth.Open(zauth.Options{})
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	hc := oauth2.NewClient(ctx, c.TokenSource(ctx, "acme", "", time.Minute))
	resp, err := hc.Get(userinfoURL)
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	var me struct {
		Name string `json:"name"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&me); err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.Status, me.Name)
	// Output: 200 OK Ada Example
}

// The kind of a failure says what to do about it: a login only a person
// can make, a provider to retry later, a keychain to unlock, a
// configuration to fix.
func ExampleErrLoginRequired() {
	c, err := zauth.Open(zauth.Options{})
	if err != nil {
		log.Fatal(err)
	}
	_, err = c.Token(context.Background(), "acme", "ci", time.Minute)
	switch {
	case errors.Is(err, zauth.ErrLoginRequired):
		fmt.Println("log in first: zauth login acme --profile ci")
	case errors.Is(err, zauth.ErrProvider):
		fmt.Println("the provider failed; try again later")
	case err != nil:
		log.Fatal(err)
	}
	// Output: log in first: zauth login acme --profile ci
}
