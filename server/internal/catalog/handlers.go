package catalog

import (
	"github.com/gofiber/fiber/v2"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/errs"
	"github.com/atiende/atiende/server/internal/httpx"
)

// Handlers serves the catalogs.
type Handlers struct {
	Store   *Store
	Subject func(c *fiber.Ctx) (access.Subject, bool)
}

// Register mounts the routes on an authenticated router: one set per catalog, so that each path names
// its catalog (and the OpenAPI document its types). Priorities are only edited: the four are fixed.
func (h Handlers) Register(r fiber.Router) {
	r.Get("/catalog", h.all)
	r.Get("/catalog/statuses", h.statuses)
	r.Get("/catalog/priorities", h.priorities)
	r.Put("/catalog/priority-scheme", h.scheme)
	for _, k := range Kinds {
		base := "/catalog/" + string(k)
		if k != Priorities {
			r.Post(base, h.create(k))
			r.Post(base+"/reorder", h.reorder(k))
			r.Delete(base+"/:entryId", h.remove(k))
		}
		r.Patch(base+"/:entryId", h.update(k))
		r.Get(base+"/:entryId/history", h.history(k))
	}
}

func (h Handlers) all(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	cs, err := h.Store.All(c.UserContext(), subj)
	if err != nil {
		return err
	}
	return c.JSON(cs)
}

func (h Handlers) statuses(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	sts, err := h.Store.Statuses(c.UserContext())
	if err != nil {
		return err
	}
	if err := usageFor(c.UserContext(), h.Store, subj, Statuses, sts); err != nil {
		return err
	}
	return c.JSON(fiber.Map{"statuses": nonNil(sts)})
}

func (h Handlers) priorities(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	ps, err := h.Store.Priorities(c.UserContext())
	if err != nil {
		return err
	}
	if err := usageFor(c.UserContext(), h.Store, subj, Priorities, ps); err != nil {
		return err
	}
	return c.JSON(fiber.Map{"priorities": nonNil(ps)})
}

func decoder(c *fiber.Ctx) Decoder { return func(dst any) error { return httpx.Decode(c, dst) } }

func (h Handlers) create(k Kind) fiber.Handler {
	return func(c *fiber.Ctx) error {
		subj, _ := h.Subject(c)
		e, err := h.Store.Create(c.UserContext(), subj, k, decoder(c))
		if err != nil {
			return err
		}
		return c.Status(fiber.StatusCreated).JSON(e)
	}
}

func (h Handlers) update(k Kind) fiber.Handler {
	return func(c *fiber.Ctx) error {
		subj, _ := h.Subject(c)
		id, err := entryID(c)
		if err != nil {
			return err
		}
		e, err := h.Store.Update(c.UserContext(), subj, k, id, decoder(c))
		if err != nil {
			return err
		}
		return c.JSON(e)
	}
}

func (h Handlers) reorder(k Kind) fiber.Handler {
	return func(c *fiber.Ctx) error {
		subj, _ := h.Subject(c)
		if _, err := h.Store.authorize(subj, k); err != nil {
			return err // a forbidden write says so before the body is judged
		}
		var req ReorderRequest
		if err := httpx.Decode(c, &req); err != nil {
			return err
		}
		es, err := h.Store.Reorder(c.UserContext(), subj, k, req)
		if err != nil {
			return err
		}
		return c.JSON(fiber.Map{"items": nonNil(es)})
	}
}

func (h Handlers) remove(k Kind) fiber.Handler {
	return func(c *fiber.Ctx) error {
		subj, _ := h.Subject(c)
		id, err := entryID(c)
		if err != nil {
			return err
		}
		if err := h.Store.Delete(c.UserContext(), subj, k, id); err != nil {
			return err
		}
		return c.SendStatus(fiber.StatusNoContent)
	}
}

func (h Handlers) history(k Kind) fiber.Handler {
	return func(c *fiber.Ctx) error {
		subj, _ := h.Subject(c)
		id, err := entryID(c)
		if err != nil {
			return err
		}
		items, err := h.Store.History(c.UserContext(), subj, k, id)
		if err != nil {
			return err
		}
		return c.JSON(fiber.Map{"items": nonNil(items)})
	}
}

func (h Handlers) scheme(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	if _, err := h.Store.authorize(subj, Priorities); err != nil {
		return err
	}
	var req SchemeRequest
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	res, err := h.Store.SetScheme(c.UserContext(), subj, req)
	if err != nil {
		return err
	}
	return c.JSON(res)
}

// entryID reads the entry id of the path; anything but a positive integer is not found.
func entryID(c *fiber.Ctx) (int64, error) {
	id, err := httpx.ParamInt64(c, "entryId")
	if err != nil {
		return 0, errs.New(errs.NotFound, "catalog.not_found")
	}
	return id, nil
}
