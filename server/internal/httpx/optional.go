package httpx

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
)

// Optional is a field of a partial update: absent (Set false), JSON null (Set and Null) or a value.
// A nullable column is cleared by null and left alone when the field is absent.
type Optional[T any] struct {
	Set   bool
	Null  bool
	Value T
}

// UnmarshalJSON records that the field was present, and whether it was null.
func (o *Optional[T]) UnmarshalJSON(b []byte) error {
	o.Set = true
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		o.Null = true
		return nil
	}
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		// A type error without its field: the outer decoder names the field on the way out.
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return &json.UnmarshalTypeError{Value: te.Value, Type: reflect.TypeFor[T](), Offset: te.Offset}
		}
		return err
	}
	o.Value = v
	return nil
}

// MarshalJSON writes the value, or null.
func (o Optional[T]) MarshalJSON() ([]byte, error) {
	if !o.Set || o.Null {
		return []byte("null"), nil
	}
	return json.Marshal(o.Value)
}

// IsNull reports whether the field was present and JSON null.
func (o Optional[T]) IsNull() bool { return o.Null }
