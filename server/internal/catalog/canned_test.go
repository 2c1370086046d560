package catalog_test

import (
	"slices"
	"testing"

	"github.com/atiende/atiende/server/internal/catalog"
)

func TestFillPlaceholders(t *testing.T) {
	v := map[string]string{
		"requester.name": "Ana", "requester.email": "ana@x.test", "ticket.number": "1042",
		"ticket.subject": "Pedido", "agent.name": "Luis",
	}
	cases := []struct{ name, body, want string }{
		{"every known placeholder", "Hola {{requester.name}} <{{requester.email}}>, caso #{{ticket.number}} «{{ticket.subject}}». {{agent.name}}",
			"Hola Ana <ana@x.test>, caso #1042 «Pedido». Luis"},
		{"whitespace inside the braces", "Hi {{ requester.name }} and {{\tagent.name\n}}", "Hi Ana and Luis"},
		{"unknown placeholder left as written", "Hi {{requester.phone}} / {{ nope }}", "Hi {{requester.phone}} / {{ nope }}"},
		{"known placeholder without a value becomes empty", "Mail {{agent.email}}.", "Mail ."},
		{"single braces and text untouched", "{requester.name} {{}} {{{ticket.number}}}", "{requester.name} {{}} {1042}"},
		{"repeated", "{{ticket.number}}{{ticket.number}}", "10421042"},
		{"no placeholder", "Plain **Markdown**", "Plain **Markdown**"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := catalog.FillPlaceholders(c.body, v); got != c.want {
				t.Fatalf("FillPlaceholders(%q) = %q, want %q", c.body, got, c.want)
			}
		})
	}
}

func TestPlaceholders(t *testing.T) {
	want := []string{"requester.name", "requester.email", "ticket.number", "ticket.subject", "agent.name", "agent.email"}
	got := catalog.Placeholders()
	if !slices.Equal(got, want) {
		t.Fatalf("Placeholders() = %v, want %v", got, want)
	}
	got[0] = "changed"
	if catalog.Placeholders()[0] != "requester.name" {
		t.Fatal("Placeholders must return a copy")
	}
}
