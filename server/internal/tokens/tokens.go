// Package tokens makes the secrets that emailed links and sessions carry: 32 random bytes, base64url
// (43 characters), of which only the SHA-256 is stored, so a leaked table opens nothing.
package tokens

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
)

// Len is the length of a token.
const Len = 43

// New makes a token.
func New() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("tokens: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// NewHashed makes a token and the hash to store for it.
func NewHashed() (string, []byte, error) {
	t, err := New()
	if err != nil {
		return "", nil, err
	}
	return t, Hash(t), nil
}

// Hash is how a token is stored and looked up: its SHA-256.
func Hash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// WellFormed reports whether s could be a token New made, so a lookup of anything else is skipped.
func WellFormed(s string) bool {
	if len(s) != Len {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(s)
	return err == nil
}
