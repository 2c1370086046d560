//go:build !embed

package web

import (
	"io/fs"
	"testing/fstest"
)

// Files is a placeholder page: this binary was built without the SPA (build with -tags embed).
func Files() fs.FS {
	return fstest.MapFS{"index.html": &fstest.MapFile{Data: []byte(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Atiende</title></head>` +
		`<body><p>Atiende API server. This build has no web app: build it with <code>make run</code>.</p></body></html>`)}}
}
