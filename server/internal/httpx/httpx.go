// Package httpx holds the HTTP conventions every handler shares: the error body, the caller's locale,
// strict JSON decoding and validation with messages in the caller's language.
package httpx

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"reflect"
	"strconv"
	"strings"

	"github.com/go-playground/validator/v10"
	"github.com/gofiber/fiber/v2"

	"github.com/atiende/atiende/server/internal/errs"
	"github.com/atiende/atiende/server/internal/i18n"
)

const localeKey = "atiende.locale"

// MaxJSONBody is the largest JSON body a handler reads. The server as a whole accepts larger bodies
// (file uploads), so Decode enforces this one.
const MaxJSONBody = 1 << 20

// SetLocale records the caller's locale (the user's, once known) for the rest of the request.
func SetLocale(c *fiber.Ctx, l i18n.Locale) { c.Locals(localeKey, l) }

// Locale is the caller's language: the one the app asks for (Accept-Language, which the SPA sets to
// the language on screen), else the user's, else Spanish.
func Locale(c *fiber.Ctx) i18n.Locale {
	if h := c.Get(fiber.HeaderAcceptLanguage); h != "" {
		for _, part := range strings.Split(h, ",") {
			tag, _, _ := strings.Cut(part, ";")
			if _, ok := i18n.Parse(tag); ok {
				return i18n.FromAcceptLanguage(h)
			}
		}
	}
	if l, ok := c.Locals(localeKey).(i18n.Locale); ok {
		return l
	}
	return i18n.Default
}

var statusOf = map[errs.Code]int{
	errs.Invalid:      fiber.StatusUnprocessableEntity,
	errs.Unauthorized: fiber.StatusUnauthorized,
	errs.Forbidden:    fiber.StatusForbidden,
	errs.NotFound:     fiber.StatusNotFound,
	errs.Conflict:     fiber.StatusConflict,
	errs.TooLarge:     fiber.StatusRequestEntityTooLarge,
	errs.RateLimited:  fiber.StatusTooManyRequests,
	errs.Gone:         fiber.StatusGone,
	errs.Internal:     fiber.StatusInternalServerError,
}

// badRequestKeys are the messages of a request that could not be read at all (a body that is not JSON,
// a page cursor that is not one of ours): 400 rather than 422.
var badRequestKeys = map[string]bool{"body.malformed": true, "body.empty": true, "body.content_type": true,
	"attachment.multipart": true, "board.bad_cursor": true}

// ErrorBody is the wire shape of an error.
type ErrorBody struct {
	Error   ErrorDetail `json:"error"`
	Current any         `json:"current,omitempty"`
}

// ErrorDetail is the inside of ErrorBody.
type ErrorDetail struct {
	Code    errs.Code         `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

// Render turns an *errs.Error into its body in a locale.
func Render(e *errs.Error, l i18n.Locale) ErrorBody {
	body := ErrorBody{Error: ErrorDetail{Code: e.Code, Message: i18n.T(l, e.Msg.Key, e.Msg.Args)}, Current: e.Current}
	if len(e.Fields) > 0 {
		body.Error.Fields = make(map[string]string, len(e.Fields))
		for name, m := range e.Fields {
			body.Error.Fields[name] = i18n.T(l, m.Key, m.Args)
		}
	}
	return body
}

// ErrorHandler is Fiber's error handler: every error leaves as the one error body, internal ones logged.
// uploadLimit is the largest file upload, named when a multipart body is refused for its size.
func ErrorHandler(log *slog.Logger, uploadLimit string) fiber.ErrorHandler {
	return func(c *fiber.Ctx, err error) error {
		e, ok := errs.As(err)
		status := 0
		if !ok {
			var fe *fiber.Error
			if errors.As(err, &fe) {
				e, status = fromFiber(fe, tooLargeLimit(c, uploadLimit))
			} else {
				log.Error("request failed", "method", c.Method(), "path", c.Path(), "err", err)
				e = errs.New(errs.Internal, "error.internal")
			}
		}
		if status == 0 {
			status = statusOf[e.Code]
			if e.Code == errs.Invalid && badRequestKeys[e.Msg.Key] {
				status = fiber.StatusBadRequest
			}
		}
		if e.Code == errs.RateLimited && e.RetryAfter > 0 {
			c.Set(fiber.HeaderRetryAfter, strconv.Itoa(e.RetryAfter))
		}
		return c.Status(status).JSON(Render(e, Locale(c)))
	}
}

// tooLargeLimit names the limit a body broke: the upload limit for a file upload, else the JSON one.
func tooLargeLimit(c *fiber.Ctx, uploadLimit string) string {
	if strings.HasPrefix(strings.ToLower(string(c.Request().Header.ContentType())), fiber.MIMEMultipartForm) {
		return uploadLimit
	}
	return "1 MiB"
}

func fromFiber(fe *fiber.Error, limit string) (*errs.Error, int) {
	switch fe.Code {
	case fiber.StatusNotFound:
		return errs.New(errs.NotFound, "error.route"), fe.Code
	case fiber.StatusMethodNotAllowed:
		return errs.New(errs.Invalid, "error.method"), fe.Code
	case fiber.StatusRequestEntityTooLarge:
		return errs.Newf(errs.TooLarge, "error.too_large", map[string]any{"limit": limit}), fe.Code
	case fiber.StatusUnauthorized:
		return errs.New(errs.Unauthorized, "error.unauthorized"), fe.Code
	case fiber.StatusForbidden:
		return errs.New(errs.Forbidden, "error.forbidden"), fe.Code
	case fiber.StatusTooManyRequests:
		return errs.Newf(errs.RateLimited, "error.rate_limited", map[string]any{"seconds": 60}), fe.Code
	}
	if fe.Code >= 400 && fe.Code < 500 {
		return errs.New(errs.Invalid, "error.invalid"), fe.Code
	}
	return errs.New(errs.Internal, "error.internal"), fiber.StatusInternalServerError
}

var validate = newValidator()

func newValidator() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			return ""
		}
		return name
	})
	return v
}

// Decode reads a JSON body strictly into dst (unknown fields and wrong types refused) and validates it.
// Every failure is an *errs.Error naming the fields in question; nothing has been done yet.
func Decode(c *fiber.Ctx, dst any) error {
	body := c.Body()
	if len(body) > MaxJSONBody {
		return errs.Newf(errs.TooLarge, "error.too_large", map[string]any{"limit": "1 MiB"})
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return errs.New(errs.Invalid, "body.empty")
	}
	if ct := string(c.Request().Header.ContentType()); ct != "" && !strings.HasPrefix(strings.ToLower(ct), fiber.MIMEApplicationJSON) {
		return errs.New(errs.Invalid, "body.content_type")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeError(err)
	}
	if err := dec.Decode(&struct{}{}); !errors.Is(err, io.EOF) {
		return errs.New(errs.Invalid, "body.malformed")
	}
	return Validate(dst)
}

func decodeError(err error) error {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		field := typeErr.Field
		if field == "" {
			return errs.New(errs.Invalid, "body.malformed")
		}
		return errs.InvalidField(field, "field.type", map[string]any{"type": jsonType(typeErr.Type)})
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return errs.InvalidField(strings.Trim(name, `"`), "field.unknown", nil)
	}
	return errs.New(errs.Invalid, "body.malformed")
}

func jsonType(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "integer"
	case reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Slice, reflect.Array:
		return "array"
	}
	return "object"
}

// Validate runs the struct's `validate` tags and returns per-field messages.
func Validate(v any) error {
	err := validate.Struct(v)
	if err == nil {
		return nil
	}
	var ves validator.ValidationErrors
	if !errors.As(err, &ves) {
		return fmt.Errorf("httpx: validate: %w", err)
	}
	out := errs.New(errs.Invalid, "error.invalid")
	for _, fe := range ves {
		key := "field." + fe.Tag()
		if !i18n.Has(key) {
			key = "field.invalid"
		}
		name := fe.Namespace()
		if i := strings.Index(name, "."); i >= 0 {
			name = name[i+1:]
		}
		out.WithField(name, key, map[string]any{"param": fe.Param()})
	}
	return out
}

// ParamInt64 reads a positive int64 path parameter, refusing anything else as not found.
func ParamInt64(c *fiber.Ctx, name string) (int64, error) {
	n, err := strconv.ParseInt(c.Params(name), 10, 64)
	if err != nil || n <= 0 {
		return 0, errs.New(errs.NotFound, "error.not_found")
	}
	return n, nil
}
