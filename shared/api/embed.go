// Package api embeds the OpenAPI document, the contract the server and the SPA compile against.
package api

import _ "embed"

// OpenAPIYAML is shared/api/openapi.yaml.
//
//go:embed openapi.yaml
var OpenAPIYAML []byte
