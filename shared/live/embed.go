// Package live embeds the live message schema, the contract of the WebSocket at /api/v1/live.
package live

import _ "embed"

// SchemaJSON is shared/live/messages.schema.json.
//
//go:embed messages.schema.json
var SchemaJSON []byte
