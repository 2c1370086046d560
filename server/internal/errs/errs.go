// Package errs is Atiende's small error vocabulary. A domain returns an *Error with a code and a
// message key; the HTTP layer maps the code to a status and renders the message in the caller's language.
package errs

import (
	"errors"
	"fmt"
)

// Code classifies an error; each maps to one HTTP status.
type Code string

// The codes an API error may carry.
const (
	Invalid      Code = "invalid"
	Unauthorized Code = "unauthorized"
	Forbidden    Code = "forbidden"
	NotFound     Code = "not_found"
	Conflict     Code = "conflict"
	TooLarge     Code = "too_large"
	RateLimited  Code = "rate_limited"
	Gone         Code = "gone" // a link that expired or was revoked
	Internal     Code = "internal"
)

// Msg is a message key with its arguments, rendered later in the reader's language.
type Msg struct {
	Key  string
	Args map[string]any
}

// Error is an error meant for a user: a code, a message and per-field messages.
type Error struct {
	Code       Code
	Msg        Msg
	Fields     map[string]Msg
	RetryAfter int // seconds, for RateLimited
	Current    any // the current state of the resource, for Conflict
}

// Error returns the code and the message key; the user-facing text is rendered by the HTTP layer.
func (e *Error) Error() string { return fmt.Sprintf("%s: %s", e.Code, e.Msg.Key) }

// New returns an error with a code and a message key.
func New(code Code, key string) *Error { return &Error{Code: code, Msg: Msg{Key: key}} }

// Newf returns an error with a code, a message key and its arguments.
func Newf(code Code, key string, args map[string]any) *Error {
	return &Error{Code: code, Msg: Msg{Key: key, Args: args}}
}

// WithField adds a per-field message and returns the error.
func (e *Error) WithField(field, key string, args map[string]any) *Error {
	if e.Fields == nil {
		e.Fields = map[string]Msg{}
	}
	e.Fields[field] = Msg{Key: key, Args: args}
	return e
}

// InvalidField is the common case of one bad field.
func InvalidField(field, key string, args map[string]any) *Error {
	return New(Invalid, "error.invalid").WithField(field, key, args)
}

// As returns the *Error in err's chain, if any.
func As(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e, true
	}
	return nil, false
}
