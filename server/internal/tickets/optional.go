package tickets

import "github.com/atiende/atiende/server/internal/httpx"

// Optional is a field of a partial update: absent, JSON null or a value (see httpx.Optional).
type Optional[T any] = httpx.Optional[T]
