package tokenstore

import (
	"encoding/json"
	"testing"
	"time"
)

func BenchmarkDecodeAndCheck(b *testing.B) {
	data, _ := json.Marshal(Record{Version: RecordVersion, Provider: "ziina", Profile: "default", ClientID: "c",
		AccessToken: "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJl", RefreshToken: "r", TokenType: "Bearer",
		Scopes: []string{"read_account", "offline_access"}, Expiry: time.Now().Add(time.Hour), ObtainedAt: time.Now()})
	b.ReportAllocs()
	now := time.Now()
	for b.Loop() {
		r, err := decode("k", string(data))
		if err != nil || r.ExpiresWithin(now, time.Minute) {
			b.Fatal("bad record", err)
		}
	}
}
