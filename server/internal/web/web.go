// Package web serves the single-page app: its assets with long caching, and index.html for every
// client route. `go build -tags embed` embeds the built SPA (npm run build); without the tag a
// placeholder page is served, so that `go test` needs no Node.
package web

import (
	"io/fs"
	"mime"
	"path"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// Handler serves the SPA from files.
func Handler(files fs.FS) fiber.Handler {
	index, _ := fs.ReadFile(files, "index.html")
	return func(c *fiber.Ctx) error {
		if c.Method() != fiber.MethodGet && c.Method() != fiber.MethodHead {
			return fiber.ErrMethodNotAllowed
		}
		p := strings.TrimPrefix(path.Clean("/"+c.Path()), "/")
		if p != "" && p != "index.html" {
			if b, err := fs.ReadFile(files, p); err == nil {
				if ct := mime.TypeByExtension(path.Ext(p)); ct != "" {
					c.Set(fiber.HeaderContentType, ct)
				}
				if strings.HasPrefix(p, "assets/") {
					c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
				}
				return c.Send(b)
			}
			if strings.HasPrefix(p, "assets/") || path.Ext(p) != "" {
				return fiber.ErrNotFound
			}
		}
		c.Set(fiber.HeaderCacheControl, "no-cache")
		c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
		return c.Send(index)
	}
}
