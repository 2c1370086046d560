// Package markdown turns what people write (ticket descriptions, comments, canned responses) into HTML
// that is safe to put in a page: CommonMark with GitHub's tables, strikethrough and autolinks, raw HTML
// never rendered, and the result sanitised again by an allowlist, so that neither a Markdown trick nor a
// parser bug can carry a script into an agent's browser.
package markdown

import (
	"bytes"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// md renders CommonMark + GFM tables, strikethrough and autolinks. html.WithUnsafe is deliberately not
// set: raw HTML in the source is dropped, and goldmark blanks dangerous link destinations.
var md = goldmark.New(
	goldmark.WithExtensions(extension.Table, extension.Strikethrough, extension.Linkify),
	goldmark.WithParserOptions(parser.WithASTTransformers(util.Prioritized(imagesAsLinks{}, 100))),
)

// policy is bluemonday's policy for user content, tightened: only absolute http, https and mailto
// URLs (no relative ones, so no scheme can hide behind a path), every link marked nofollow, noopener
// and noreferrer, web links opened in a new tab.
var policy = newPolicy()

func newPolicy() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.RequireParseableURLs(true)
	p.AllowRelativeURLs(false)
	p.AllowURLSchemes("http", "https", "mailto")
	p.RequireNoFollowOnLinks(true)
	p.RequireNoReferrerOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(true) // also adds rel="noopener"
	return p
}

// Render returns the sanitised HTML of a Markdown text.
func Render(src string) string {
	var buf bytes.Buffer
	if err := md.Convert([]byte(src), &buf); err != nil {
		// goldmark only fails when the writer does; a bytes.Buffer does not.
		return policy.Sanitize(src)
	}
	return policy.Sanitize(buf.String())
}

// imagesAsLinks turns every image into a link to it, its alt text as the link's text. Remote images
// would load by themselves the moment an agent opens a ticket, telling whoever wrote the message when
// and from where it was read, and the application's CSP (img-src 'self') blocks them anyway: a link
// keeps the reference and loads nothing until someone clicks.
type imagesAsLinks struct{}

// Transform implements parser.ASTTransformer.
func (imagesAsLinks) Transform(doc *ast.Document, _ text.Reader, _ parser.Context) {
	var images []*ast.Image
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if img, ok := n.(*ast.Image); ok && entering {
			images = append(images, img)
		}
		return ast.WalkContinue, nil
	})
	for _, img := range images {
		parent := img.Parent()
		if parent == nil {
			continue
		}
		if insideLink(img) {
			// A link cannot hold another: the image's alt text stays as part of the outer link's text.
			for c := img.FirstChild(); c != nil; {
				next := c.NextSibling()
				parent.InsertBefore(parent, img, c)
				c = next
			}
			parent.RemoveChild(parent, img)
			continue
		}
		link := ast.NewLink()
		link.Destination, link.Title = img.Destination, img.Title
		for c := img.FirstChild(); c != nil; {
			next := c.NextSibling()
			link.AppendChild(link, c)
			c = next
		}
		if !link.HasChildren() {
			link.AppendChild(link, ast.NewString(img.Destination))
		}
		parent.ReplaceChild(parent, img, link)
	}
}

func insideLink(n ast.Node) bool {
	for p := n.Parent(); p != nil; p = p.Parent() {
		if _, ok := p.(*ast.Link); ok {
			return true
		}
	}
	return false
}
