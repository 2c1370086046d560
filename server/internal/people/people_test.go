package people_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/atiende/atiende/server/internal/testutil"
)

type personList struct {
	Items []struct {
		ID    int64  `json:"id"`
		Name  string `json:"name"`
		Email string `json:"email"`
	} `json:"items"`
}

func TestSearchPeople(t *testing.T) {
	dbURL := testutil.DB(t)
	redisURL, prefix := testutil.Redis(t)
	a := testutil.Start(t, testutil.Config(dbURL, redisURL, prefix))
	f := testutil.Seed(t, a, 0)
	if _, err := a.DB.Pool.Exec(t.Context(), `INSERT INTO users (email, name, password_hash, role) VALUES
		('maria.gomez@cliente.test', 'María Gómez', '', 'customer'), ('jose@cliente.test', 'José 100%_Real', '', 'customer')`); err != nil {
		t.Fatal(err)
	}
	agent := testutil.Login(t, a, "agent1@x.test")
	search := func(q string) []string {
		t.Helper()
		st, body := agent.Do("GET", "/api/v1/people?"+q, nil)
		if st != 200 {
			t.Fatalf("%s: %d %s", q, st, body)
		}
		var l personList
		if err := json.Unmarshal(body, &l); err != nil || l.Items == nil {
			t.Fatalf("%s: %s", q, body)
		}
		var out []string
		for _, p := range l.Items {
			out = append(out, p.Email)
		}
		return out
	}
	for q, want := range map[string]string{
		"q=agent":         "agent1@x.test,agent2@x.test", // any role, by name
		"q=GÓMEZ":         "maria.gomez@cliente.test",    // case-insensitive
		"q=cliente.test":  "jose@cliente.test,maria.gomez@cliente.test",
		"q=%25_":          "jose@cliente.test", // % and _ are literal
		"q=zz":            "",
		"q=agent&limit=1": "agent1@x.test",
	} {
		if got := strings.Join(search(q), ","); got != want {
			t.Errorf("%s: got %s, want %s", q, got, want)
		}
	}
	for _, c := range []struct {
		q, field, en, es string
	}{
		{"q=a", "q", "between 2 and 200", "entre 2 y 200"},
		{"", "q", "between 2 and 200", "entre 2 y 200"},
		{"q=" + strings.Repeat("x", 201), "q", "between 2 and 200", "entre 2 y 200"},
		{"q=ab&limit=21", "limit", "between 1 and 20", "entre 1 y 20"},
		{"q=ab&limit=x", "limit", "between 1 and 20", "entre 1 y 20"},
	} {
		for lang, want := range map[string]string{"en": c.en, "es": c.es} {
			agent.Lang = lang
			st, body := agent.Do("GET", "/api/v1/people?"+c.q, nil)
			if st != 422 || !strings.Contains(string(body), want) || !strings.Contains(string(body), `"`+c.field+`"`) {
				t.Errorf("%s in %s: %d %s", c.q, lang, st, body)
			}
		}
	}
	agent.Lang = "en"
	cust := testutil.Login(t, a, "customer@x.test")
	for lang, want := range map[string]string{"en": "cannot search people", "es": "no puede buscar personas"} {
		cust.Lang = lang
		if st, body := cust.Do("GET", "/api/v1/people?q=agent", nil); st != 403 || !strings.Contains(string(body), want) {
			t.Errorf("a customer searching people (%s): %d %s", lang, st, body)
		}
	}
	_ = f
}
