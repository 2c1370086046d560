package tickets

import (
	"errors"
	"strings"
)

// Card order uses fractional string keys (the scheme of rocicorp's fractional-indexing, base 62): a
// key between two others always exists, so a move rewrites one row. Keys compare in byte order.

const rankDigits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

var smallestInteger = "A" + strings.Repeat("0", 26)

var errRank = errors.New("tickets: invalid rank")

// RankBetween returns a key strictly between a and b; "" stands for the open end.
func RankBetween(a, b string) (string, error) {
	if a != "" {
		if err := validateRank(a); err != nil {
			return "", err
		}
	}
	if b != "" {
		if err := validateRank(b); err != nil {
			return "", err
		}
	}
	if a != "" && b != "" && a >= b {
		return "", errRank
	}
	if a == "" {
		if b == "" {
			return "a0", nil
		}
		ib, err := integerPart(b)
		if err != nil {
			return "", err
		}
		fb := b[len(ib):]
		if ib == smallestInteger {
			m, err := midpoint("", fb)
			return ib + m, err
		}
		if ib < b {
			return ib, nil
		}
		res, ok := decrementInteger(ib)
		if !ok {
			return "", errRank
		}
		return res, nil
	}
	ia, err := integerPart(a)
	if err != nil {
		return "", err
	}
	fa := a[len(ia):]
	if b == "" {
		i, ok := incrementInteger(ia)
		if !ok {
			m, err := midpoint(fa, "")
			return ia + m, err
		}
		return i, nil
	}
	ib, err := integerPart(b)
	if err != nil {
		return "", err
	}
	fb := b[len(ib):]
	if ia == ib {
		m, err := midpoint(fa, fb)
		return ia + m, err
	}
	i, ok := incrementInteger(ia)
	if !ok {
		return "", errRank
	}
	if i < b {
		return i, nil
	}
	m, err := midpoint(fa, "")
	return ia + m, err
}

// RanksAfter returns n increasing keys after a ("" for the start), for bulk inserts.
func RanksAfter(a string, n int) ([]string, error) {
	out := make([]string, 0, n)
	for range n {
		k, err := RankBetween(a, "")
		if err != nil {
			return nil, err
		}
		out = append(out, k)
		a = k
	}
	return out, nil
}

// midpoint returns a fractional part between a and b ("" for b: no upper bound); a < b.
func midpoint(a, b string) (string, error) {
	if b != "" && a >= b {
		return "", errRank
	}
	if (a != "" && a[len(a)-1] == '0') || (b != "" && b[len(b)-1] == '0') {
		return "", errRank
	}
	if b != "" {
		n := 0
		for n < len(b) && digitAt(a, n) == b[n] {
			n++
		}
		if n > 0 {
			m, err := midpoint(safeSlice(a, n), b[n:])
			return b[:n] + m, err
		}
	}
	digitA := 0
	if a != "" {
		digitA = strings.IndexByte(rankDigits, a[0])
	}
	digitB := len(rankDigits)
	if b != "" {
		digitB = strings.IndexByte(rankDigits, b[0])
	}
	if digitB-digitA > 1 {
		mid := (digitA + digitB + 1) / 2
		return string(rankDigits[mid]), nil
	}
	if len(b) > 1 {
		return b[:1], nil
	}
	m, err := midpoint(safeSlice(a, 1), "")
	return string(rankDigits[digitA]) + m, err
}

func digitAt(s string, i int) byte {
	if i < len(s) {
		return s[i]
	}
	return '0'
}

func safeSlice(s string, i int) string {
	if i >= len(s) {
		return ""
	}
	return s[i:]
}

func integerLength(head byte) (int, error) {
	switch {
	case head >= 'a' && head <= 'z':
		return int(head-'a') + 2, nil
	case head >= 'A' && head <= 'Z':
		return int('Z'-head) + 2, nil
	}
	return 0, errRank
}

func integerPart(key string) (string, error) {
	if key == "" {
		return "", errRank
	}
	n, err := integerLength(key[0])
	if err != nil || n > len(key) {
		return "", errRank
	}
	return key[:n], nil
}

func validateRank(key string) error {
	if key == smallestInteger {
		return errRank
	}
	i, err := integerPart(key)
	if err != nil {
		return err
	}
	for j := 1; j < len(key); j++ {
		if strings.IndexByte(rankDigits, key[j]) < 0 {
			return errRank
		}
	}
	f := key[len(i):]
	if f != "" && f[len(f)-1] == '0' {
		return errRank
	}
	return nil
}

func incrementInteger(x string) (string, bool) {
	head, digs := x[0], []byte(x[1:])
	carry := true
	for i := len(digs) - 1; carry && i >= 0; i-- {
		d := strings.IndexByte(rankDigits, digs[i]) + 1
		if d == len(rankDigits) {
			digs[i] = '0'
		} else {
			digs[i] = rankDigits[d]
			carry = false
		}
	}
	if carry {
		if head == 'Z' {
			return "a0", true
		}
		if head == 'z' {
			return "", false
		}
		h := head + 1
		if h > 'a' {
			digs = append(digs, '0')
		} else {
			digs = digs[:len(digs)-1]
		}
		return string(h) + string(digs), true
	}
	return string(head) + string(digs), true
}

func decrementInteger(x string) (string, bool) {
	head, digs := x[0], []byte(x[1:])
	borrow := true
	for i := len(digs) - 1; borrow && i >= 0; i-- {
		d := strings.IndexByte(rankDigits, digs[i]) - 1
		if d == -1 {
			digs[i] = rankDigits[len(rankDigits)-1]
		} else {
			digs[i] = rankDigits[d]
			borrow = false
		}
	}
	if borrow {
		if head == 'a' {
			return "Z" + string(rankDigits[len(rankDigits)-1]), true
		}
		if head == 'A' {
			return "", false
		}
		h := head - 1
		if h < 'Z' {
			digs = append(digs, rankDigits[len(rankDigits)-1])
		} else {
			digs = digs[:len(digs)-1]
		}
		return string(h) + string(digs), true
	}
	return string(head) + string(digs), true
}
