package commerce

import (
	"strconv"
	"strings"

	"github.com/atiende/atiende/server/internal/errs"
	"github.com/atiende/atiende/server/internal/i18n"
)

// exponents holds the currencies the store accepts with the number of decimals of each (ISO 4217).
// A currency not listed is refused rather than guessed: a wrong exponent would scale amounts by 100.
var exponents = map[string]int{
	"COP": 2, "USD": 2, "MXN": 2, "EUR": 2, "PEN": 2, "ARS": 2, "BRL": 2, "GTQ": 2, "CRC": 2,
	"DOP": 2, "BOB": 2, "UYU": 2, "CLP": 0, "PYG": 0,
}

// maxMinor bounds any amount (about 10^15 minor units) so sums of many amounts cannot overflow int64.
const maxMinor int64 = 999_999_999_999_999

// Money is an exact amount: an integer count of the currency's minor units (cents for COP 2, pesos for
// CLP 0) and the ISO 4217 code. There are no floats anywhere on the way in or out.
type Money struct {
	Minor    int64  `json:"minor"`
	Currency string `json:"currency"`
}

// Exponent returns the number of decimals of a currency and whether the store knows it.
func Exponent(currency string) (int, bool) {
	e, ok := exponents[currency]
	return e, ok
}

// checkCurrency returns an error for a currency the store does not know, on the given field.
func checkCurrency(field, currency string) *errs.Error {
	if _, ok := exponents[currency]; !ok {
		return errs.InvalidField(field, "commerce.currency_unknown", map[string]any{"currency": currency})
	}
	return nil
}

// ParseMoney reads an amount written with a dot as the decimal separator and no grouping ("1234.56",
// "-3", "0.5"), with at most as many decimals as the currency has. Anything else is refused with a
// field error on "amount": the amount must be what the user meant, exactly.
func ParseMoney(s, currency string) (Money, error) {
	exp, ok := exponents[currency]
	if !ok {
		return Money{}, checkCurrency("currency", currency)
	}
	bad := func() error {
		if exp == 0 {
			return errs.InvalidField("amount", "commerce.money_invalid_integer", map[string]any{"currency": currency})
		}
		return errs.InvalidField("amount", "commerce.money_invalid", map[string]any{"currency": currency, "decimals": exp})
	}
	neg := false
	if strings.HasPrefix(s, "-") {
		neg, s = true, s[1:]
	}
	whole, frac, hasDot := strings.Cut(s, ".")
	if whole == "" || !digits(whole) || (hasDot && (frac == "" || !digits(frac) || len(frac) > exp)) {
		return Money{}, bad()
	}
	if len(whole) > 15 {
		return Money{}, errs.InvalidField("amount", "commerce.amount_too_large", nil)
	}
	frac += strings.Repeat("0", exp-len(frac))
	n, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil || n > maxMinor {
		return Money{}, errs.InvalidField("amount", "commerce.amount_too_large", nil)
	}
	if neg {
		n = -n
	}
	return Money{Minor: n, Currency: currency}, nil
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// Decimal returns the amount with a dot decimal and no grouping ("1234.56", "-0.10", "1500" for CLP):
// the form ParseMoney reads, for forms and APIs.
func (m Money) Decimal() string { return m.format(".", "") }

// Format returns the amount for display in a locale with its code: "1.234,56 COP" in Spanish,
// "1,234.56 COP" in English, "1.500 CLP" for a currency without decimals.
func (m Money) Format(l i18n.Locale) string {
	if l == i18n.EN {
		return m.format(".", ",") + " " + m.Currency
	}
	return m.format(",", ".") + " " + m.Currency
}

// String is the Decimal form with the currency code, for logs and history rows.
func (m Money) String() string { return m.Decimal() + " " + m.Currency }

func (m Money) format(dec, group string) string {
	exp := exponents[m.Currency]
	n := m.Minor
	sign := ""
	if n < 0 {
		sign = "-"
		// The bound on amounts keeps -n from overflowing; guard anyway for a value built by hand.
		if n == -n {
			return strconv.FormatInt(n, 10)
		}
		n = -n
	}
	s := strconv.FormatInt(n, 10)
	if len(s) <= exp {
		s = strings.Repeat("0", exp-len(s)+1) + s
	}
	whole, frac := s[:len(s)-exp], s[len(s)-exp:]
	if group != "" {
		var b strings.Builder
		for i, r := range whole {
			if i > 0 && (len(whole)-i)%3 == 0 {
				b.WriteString(group)
			}
			b.WriteRune(r)
		}
		whole = b.String()
	}
	if exp == 0 {
		return sign + whole
	}
	return sign + whole + dec + frac
}
