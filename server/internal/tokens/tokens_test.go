package tokens

import (
	"bytes"
	"testing"
)

func TestTokens(t *testing.T) {
	a, ha, err := NewHashed()
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := NewHashed()
	if err != nil {
		t.Fatal(err)
	}
	if a == b || !WellFormed(a) || !WellFormed(b) || !bytes.Equal(ha, Hash(a)) || len(ha) != 32 {
		t.Fatalf("tokens %q %q: well formed %v %v", a, b, WellFormed(a), WellFormed(b))
	}
	for _, bad := range []string{"", "abc", a[:Len-1], a + "A", a[:Len-1] + "*", a[:Len-1] + "="} {
		if WellFormed(bad) {
			t.Errorf("%q is not a token", bad)
		}
	}
}
