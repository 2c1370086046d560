package auth

import (
	"github.com/gofiber/fiber/v2"

	"github.com/atiende/atiende/server/internal/access"
)

const byKeyKey = "atiende.by_api_key"

// SetKeySubject makes an API key's subject the request's acting user. Such a request carries its
// credential in the Authorization header, which a browser never adds to a cross-site request by itself,
// so CSRF does not apply to it; and its session cookie, if any, is ignored.
func SetKeySubject(c *fiber.Ctx, subj access.Subject) {
	c.Locals(subjectKey, subj)
	c.Locals(byKeyKey, true)
}

// byKey reports whether the request was authenticated with an API key.
func byKey(c *fiber.Ctx) bool {
	v, _ := c.Locals(byKeyKey).(bool)
	return v
}
