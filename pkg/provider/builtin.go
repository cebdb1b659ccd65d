package provider

// The built-in providers, from their public documentation.

func init() {
	register(&Provider{
		Name:               "ziina",
		DisplayName:        "Ziina",
		AuthURL:            "https://auth.ziina.com/oidc/auth",
		TokenURL:           "https://auth.ziina.com/oidc/token",
		Issuer:             "https://auth.ziina.com",
		APIURL:             "https://api-v2.ziina.com/api",
		DefaultRedirectURI: DefaultRedirectURI,
		Scopes: []Scope{
			{Name: "write_payment_intents", Description: "create payment intents and accept payments on the user's behalf"},
			{Name: "write_refunds", Description: "create and fetch refunds"},
			{Name: "write_webhooks", Description: "create and delete webhooks"},
			{Name: "write_transfers", Description: "transfer money to Ziina users"},
			{Name: "offline_access", Description: "receive a refresh token (zauth adds prompt=consent)"},
			{Name: "read_account", Description: "read the user's account information"},
		},
		ScopeSeparator:    " ",
		ClientAuth:        AuthBasic,
		TokenBody:         BodyForm,
		PKCE:              "s256",
		IssOnRedirect:     true,
		ConsentForOffline: true,
		SecretName:        "password",
		UsesUsername:      true,
		APIAuth:           "bearer",
		IdentityPaths:     []string{"/account"},
	})
	register(&Provider{
		Name:               "zbd",
		DisplayName:        "ZBD",
		AuthURL:            "https://api.zebedee.io/v1/oauth2/authorize",
		TokenURL:           "https://api.zebedee.io/v1/oauth2/token",
		APIURL:             "https://api.zebedee.io",
		DefaultRedirectURI: DefaultRedirectURI,
		Scopes: []Scope{
			{Name: "user", Description: "the user's public profile", Covers: []string{
				"ZBD Gamertag", "Email", "Lightning Address", "Profile Photo",
				"Biography", "Static Charge QR", "Verification Level", "Social URLs",
			}},
			{Name: "wallet", Description: "the user's wallet", Covers: []string{
				"Current Balance", "Current Limits",
				"Transaction History (between the user's wallet and the app's)",
			}},
		},
		ScopeSeparator:       ",",
		ClientAuth:           AuthPost,
		TokenBody:            BodyJSON,
		PKCE:                 "required",
		RedirectURIOnRefresh: true,
		SecretName:           "client secret",
		UsesAPIKey:           true,
		APIAuth:              "usertoken",
		IdentityPaths:        []string{"/v1/oauth2/user", "/v1/oauth2/wallet"},
	})
}
