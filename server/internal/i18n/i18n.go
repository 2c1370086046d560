// Package i18n renders the server's user-facing messages in Spanish or English.
package i18n

import (
	"strconv"
	"strings"
)

// Locale is a supported language.
type Locale string

// The supported locales; Spanish is the default.
const (
	ES Locale = "es"
	EN Locale = "en"
)

// Default is the locale used when nothing else decides.
const Default = ES

// Parse returns the locale for a tag such as "en-US", and false when it is not supported.
func Parse(tag string) (Locale, bool) {
	tag = strings.ToLower(strings.TrimSpace(tag))
	switch {
	case tag == "es" || strings.HasPrefix(tag, "es-"):
		return ES, true
	case tag == "en" || strings.HasPrefix(tag, "en-"):
		return EN, true
	}
	return "", false
}

// FromAcceptLanguage picks the first supported language of an Accept-Language header, by quality.
func FromAcceptLanguage(header string) Locale {
	best, bestQ := Default, -1.0
	for _, part := range strings.Split(header, ",") {
		tag, q := part, 1.0
		if i := strings.Index(part, ";"); i >= 0 {
			tag = part[:i]
			if v, ok := strings.CutPrefix(strings.TrimSpace(part[i+1:]), "q="); ok {
				if f, err := strconv.ParseFloat(v, 64); err == nil {
					q = f
				}
			}
		}
		if l, ok := Parse(tag); ok && q > bestQ {
			best, bestQ = l, q
		}
	}
	return best
}

// T renders a message key in a locale, replacing {name} with its argument.
// An unknown key renders as the key itself, which the catalogue test prevents.
func T(l Locale, key string, args map[string]any) string {
	cat := messages[l]
	if cat == nil {
		cat = messages[Default]
	}
	s, ok := cat[key]
	if !ok {
		return key
	}
	for k, v := range args {
		s = strings.ReplaceAll(s, "{"+k+"}", toString(v))
	}
	return s
}

// Has reports whether a key exists in every locale.
func Has(key string) bool {
	for _, cat := range messages {
		if _, ok := cat[key]; !ok {
			return false
		}
	}
	return true
}

func toString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case interface{ String() string }:
		return x.String()
	}
	return ""
}
