package i18n

import "testing"

func TestCataloguesHaveTheSameKeys(t *testing.T) {
	for key := range messages[ES] {
		if _, ok := messages[EN][key]; !ok {
			t.Errorf("%q is in Spanish but not in English", key)
		}
	}
	for key := range messages[EN] {
		if _, ok := messages[ES][key]; !ok {
			t.Errorf("%q is in English but not in Spanish", key)
		}
	}
}

func TestFromAcceptLanguage(t *testing.T) {
	cases := map[string]Locale{
		"":                        ES,
		"en-US,en;q=0.9":          EN,
		"fr-FR,fr;q=0.9,en;q=0.5": EN,
		"en;q=0.4,es-CO;q=0.8":    ES,
		"de":                      ES,
		"es-419":                  ES,
	}
	for header, want := range cases {
		if got := FromAcceptLanguage(header); got != want {
			t.Errorf("FromAcceptLanguage(%q) = %s, want %s", header, got, want)
		}
	}
}

func TestTReplacesArguments(t *testing.T) {
	got := T(EN, "ticket.wip_limit", map[string]any{"status": "In progress", "limit": 3})
	if got != "“In progress” already holds its maximum of 3 tickets." {
		t.Fatalf("got %q", got)
	}
}
