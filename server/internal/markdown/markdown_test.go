package markdown

import (
	"strings"
	"testing"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// xssPayloads are classic attacks (OWASP's XSS filter evasion cheat sheet and friends), written as
// someone would paste them into a comment.
var xssPayloads = []string{
	`<script>alert(1)</script>`,
	`<SCRIPT SRC=http://xss.example/xss.js></SCRIPT>`,
	`<img src=x onerror=alert(1)>`,
	`<IMG SRC="javascript:alert('XSS');">`,
	`<IMG SRC=javascript:alert(&quot;XSS&quot;)>`,
	`<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>`,
	`<IMG SRC=&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C&#x65&#x72&#x74&#x28&#x27&#x58&#x53&#x53&#x27&#x29>`,
	`[x](javascript:alert(1))`,
	`[x](JaVaScRiPt:alert(1))`,
	`[x]( javascript:alert(1) )`,
	`[x](<javascript:alert(1)>)`,
	`[x](&#106;avascript:alert(1))`,
	`[x](&#x6A;avascript:alert(1))`,
	`[x](javascript&#58;alert(1))`,
	`[x](jav&#x09;ascript:alert(1))`,
	`[x](jav	ascript:alert(1))`,
	`<a href="jav&#x09;ascript:alert(1)">x</a>`,
	`<a href="jav&#x0A;ascript:alert(1)">x</a>`,
	`<a href=" &#14;  javascript:alert(1)">x</a>`,
	`[x](vbscript:msgbox(1))`,
	`[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)`,
	`![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)`,
	`![x](javascript:alert(1))`,
	`![x" onerror="alert(1)](http://example.com/a.png)`,
	`[x](http://example.com/" onclick="alert(1))`,
	`[x](http://example.com "title\" onmouseover=\"alert(1)")`,
	`<svg onload=alert(1)>`,
	`<svg><script>alert(1)</script></svg>`,
	`<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>`,
	`<div style="width: expression(alert('XSS'));">x</div>`,
	`<p style="background:url(javascript:alert(1))">x</p>`,
	`<iframe src="javascript:alert(1)"></iframe>`,
	`<object data="data:text/html,<script>alert(1)</script>"></object>`,
	`<embed src="javascript:alert(1)">`,
	`<form action="javascript:alert(1)"><button>x</button></form>`,
	`<body onload=alert(1)>`,
	`<details open ontoggle=alert(1)>`,
	`<a href="http://example.com" onmouseover="alert(1)">x</a>`,
	`<javascript:alert(1)>`,
	`<vbscript:msgbox(1)>`,
	`<data:text/html,<script>alert(1)</script>>`,
	`javascript:alert(1)`,
	`www.example.com/<script>alert(1)</script>`,
	`[x][r]` + "\n\n" + `[r]: javascript:alert(1)`,
	`[x][r]` + "\n\n" + `[r]: <data:text/html,<script>alert(1)</script>>`,
	"```html\n<script>alert(1)</script>\n```",
	`<<script>script>alert(1)<</script>/script>`,
	`<scr<script>ipt>alert(1)</script>`,
	`<a href="&#1;javascript:alert(1)">x</a>`,
	`<a href="javascript&colon;alert(1)">x</a>`,
	`<base href="javascript:alert(1)//">`,
	`<meta http-equiv="refresh" content="0;url=javascript:alert(1)">`,
	`<link rel="stylesheet" href="javascript:alert(1)">`,
	`<table background="javascript:alert(1)"><tr><td>x</td></tr></table>`,
	`| a | b |` + "\n" + `|---|---|` + "\n" + `| <img src=x onerror=alert(1)> | [y](javascript:alert(1)) |`,
	`~~<script>alert(1)</script>~~`,
	`<!--<script>alert(1)</script>-->`,
	`<![CDATA[<script>alert(1)</script>]]>`,
	`<?xml version="1.0"?><script>alert(1)</script>`,
	"<a href=\"java\x00script:alert(1)\">x</a>",
	"[x](java\u00adscript:alert(1))",
}

func TestRenderNeutralisesXSSPayloads(t *testing.T) {
	for _, p := range xssPayloads {
		out := Render(p)
		if problem := unsafeHTML(out); problem != "" {
			t.Errorf("Render(%q) = %q: %s", p, out, problem)
		}
	}
}

func TestRenderKeepsWhatPeopleWrite(t *testing.T) {
	cases := []struct{ name, src, want string }{
		{"emphasis", "**bold** and _it_", "<p><strong>bold</strong> and <em>it</em></p>"},
		{"strikethrough", "~~gone~~", "<del>gone</del>"},
		{"table", "| a | b |\n|---|---|\n| 1 | 2 |", "<td>1</td>"},
		{"web link", "[site](https://example.com/a?b=c)",
			`<a href="https://example.com/a?b=c" rel="nofollow noreferrer noopener" target="_blank">site</a>`},
		{"mail link", "[write](mailto:help@example.com)", `<a href="mailto:help@example.com" rel="nofollow noreferrer">write</a>`},
		{"bare web address", "see www.example.com today", `<a href="http://www.example.com" rel="nofollow noreferrer noopener" target="_blank">www.example.com</a>`},
		{"bare url", "see https://example.com/x.", `<a href="https://example.com/x" rel="nofollow noreferrer noopener" target="_blank">https://example.com/x</a>.`},
		{"angle autolink", "<https://example.com>", `href="https://example.com"`},
		{"code keeps markup as text", "`<b>`", "<code>&lt;b&gt;</code>"},
		{"accents", "¿Qué tal, señora?", "<p>¿Qué tal, señora?</p>"},
		{"raw html is dropped, text kept", "a <b>b</b> c", "<p>a b c</p>"},
		{"image becomes a link to it", "![the photo](https://example.com/p.png)",
			`<a href="https://example.com/p.png" rel="nofollow noreferrer noopener" target="_blank">the photo</a>`},
		{"image without alt text shows its address", "![](https://example.com/p.png)", `target="_blank">https://example.com/p.png</a>`},
		{"image inside a link keeps only its alt text", "[![logo](https://example.com/l.png)](https://example.com)",
			`<a href="https://example.com" rel="nofollow noreferrer noopener" target="_blank">logo</a>`},
		{"relative link loses its href", "[x](/api/v1/tickets)", "<p>x</p>"},
		{"javascript link loses its href", "[x](javascript:alert(1))", "<p>x</p>"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if out := Render(c.src); !strings.Contains(out, c.want) {
				t.Fatalf("Render(%q) = %q, want it to contain %q", c.src, out, c.want)
			}
		})
	}
}

func TestUnsafeHTMLCatchesWhatItLooksFor(t *testing.T) {
	// The fuzz oracle itself must fail on unsafe output, or the fuzz test proves nothing.
	for _, bad := range []string{
		`<script>x</script>`, `<SCRIPT>x</SCRIPT>`, `<img src=x onerror=y>`, `<a ONCLICK=y>x</a>`,
		`<a href="javascript:x">x</a>`, `<a href=" JaVa&#x09;Script:x">x</a>`, `<a href="&#x1;vbscript:x">x</a>`,
		`<img src="data:image/png;base64,AA">`, `<iframe src="DATA:text/html,x"></iframe>`, `<p style="color:red">x</p>`,
	} {
		if unsafeHTML(bad) == "" {
			t.Errorf("unsafeHTML(%q) found nothing", bad)
		}
	}
	if p := unsafeHTML(`<p><a href="https://x.test/javascript:">javascript: is text</a></p>`); p != "" {
		t.Errorf("a safe fragment flagged: %s", p)
	}
}

func FuzzRender(f *testing.F) {
	for _, p := range xssPayloads {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, src string) {
		out := Render(src)
		if problem := unsafeHTML(out); problem != "" {
			t.Fatalf("Render(%q) = %q: %s", src, out, problem)
		}
	})
}

// urlAttrs are the attributes a browser follows as URLs.
var urlAttrs = map[string]bool{
	"href": true, "src": true, "action": true, "formaction": true, "cite": true, "poster": true, "background": true,
	"srcset": true, "data": true, "longdesc": true, "usemap": true, "codebase": true, "manifest": true, "ping": true,
	"xlink:href": true, "dynsrc": true, "lowsrc": true,
}

// unsafeHTML parses an HTML fragment as a browser would and names the first thing in it that could run
// a script, or returns "".
func unsafeHTML(fragment string) string {
	if strings.Contains(strings.ToLower(fragment), "<script") {
		return "contains <script"
	}
	ctx := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
	nodes, err := html.ParseFragment(strings.NewReader(fragment), ctx)
	if err != nil {
		return "does not parse: " + err.Error()
	}
	var problem string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if problem != "" {
			return
		}
		if n.Type == html.ElementNode {
			if n.Data == "script" {
				problem = "a script element"
				return
			}
			for _, a := range n.Attr {
				key := strings.ToLower(a.Key)
				if a.Namespace != "" {
					key = strings.ToLower(a.Namespace) + ":" + key
				}
				switch {
				case strings.HasPrefix(strings.ToLower(a.Key), "on"):
					problem = "an event handler attribute " + a.Key
				case key == "style":
					problem = "a style attribute"
				case urlAttrs[key] || urlAttrs[strings.ToLower(a.Key)]:
					if s := scheme(a.Val); s == "javascript:" || s == "vbscript:" || s == "data:" {
						problem = "a " + s + " URL in " + a.Key
					}
				}
				if problem != "" {
					return
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range nodes {
		walk(n)
	}
	return problem
}

// scheme returns a URL's scheme with its colon as a browser reads it: lower-cased, with the control and
// white-space characters browsers skip removed.
func scheme(u string) string {
	u = strings.Map(func(r rune) rune {
		if r <= 0x20 || unicode.IsControl(r) || unicode.IsSpace(r) || unicode.Is(unicode.Cf, r) {
			return -1
		}
		return unicode.ToLower(r)
	}, strings.TrimSpace(u))
	for _, s := range []string{"javascript:", "vbscript:", "data:"} {
		if strings.HasPrefix(u, s) {
			return s
		}
	}
	if i := strings.IndexByte(u, ':'); i > 0 {
		return u[:i+1]
	}
	return ""
}
