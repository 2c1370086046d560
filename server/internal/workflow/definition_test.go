package workflow

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/atiende/atiende/server/internal/errs"
	"github.com/atiende/atiende/server/internal/i18n"
)

// valid is a small workflow: 1 (start) → 2 → 3 (final), with a way back from 2 to 1.
func valid() *Definition {
	lim := 60
	return &Definition{
		States: []State{{StatusID: 1, Start: true}, {StatusID: 2, LimitMinutes: &lim}, {StatusID: 3, Final: true}},
		Transitions: []Transition{
			{Key: "take", NameES: "Tomar", NameEN: "Take", From: []int64{1}, To: 2},
			{Key: "back", NameES: "Devolver", NameEN: "Give back", From: []int64{2}, To: 1},
			{Key: "accept", NameES: "Aceptar", NameEN: "Accept", From: []int64{2}, To: 3, Roles: []int64{10}, Perms: []string{"ticket.assign"},
				Fields:  []Field{{Key: "amount", Required: true}, {Key: "note_reason_id", Required: true}},
				Actions: []Action{{Kind: KindDomain, Action: DomainCreditNote}, {Kind: KindNotify, To: "requester"}, {Kind: KindSetField, Field: "priority_id", Value: json.RawMessage(`3`)}}},
		},
	}
}

func TestValidateEveryRule(t *testing.T) {
	refs := Refs{Statuses: map[int64]bool{1: true, 2: true, 3: true, 4: true}, Roles: map[int64]bool{10: true}}
	if err := Validate(valid(), refs); err != nil {
		t.Fatalf("a valid definition was refused: %+v", err)
	}
	cases := []struct {
		name   string
		change func(d *Definition)
		field  string
		en     string // part of the English message
		es     string // part of the Spanish message
	}{
		{"no states", func(d *Definition) { d.States = nil; d.Transitions = nil }, "states", "Add at least one state", "Agrega al menos un estado"},
		{"two starts", func(d *Definition) { d.States[1].Start = true }, "states", "exactly one state as the start", "exactamente un estado como inicial"},
		{"no start", func(d *Definition) { d.States[0].Start = false }, "states", "exactly one state as the start", "exactamente un estado como inicial"},
		{"no final", func(d *Definition) { d.States[2].Final = false; d.Transitions[1].From = []int64{2, 3} }, "states", "at least one state as final", "al menos un estado como final"},
		{"unknown status", func(d *Definition) { d.States = append(d.States, State{StatusID: 99, Final: true}) }, "states[3].status_id", "does not exist", "no existe"},
		{"status twice", func(d *Definition) { d.States = append(d.States, State{StatusID: 3, Final: true}) }, "states[3].status_id", "each status appears once", "cada estado aparece una sola vez"},
		{"unreachable", func(d *Definition) { d.States = append(d.States, State{StatusID: 4, Final: true}) }, "states[3].status_id", "cannot be reached", "No se puede llegar"},
		{"no exit", func(d *Definition) {
			d.States = append(d.States, State{StatusID: 4})
			d.Transitions[0].To = 4
			d.Transitions = append(d.Transitions, Transition{Key: "t4", NameES: "a", NameEN: "b", From: []int64{1}, To: 2})
		}, "states[3].status_id", "no transition leaves it", "ninguna transición sale"},
		{"limit zero", func(d *Definition) { z := 0; d.States[1].LimitMinutes = &z }, "states[1].limit_minutes", "between 1 and 525600", "entre 1 y 525600"},
		{"limit too long", func(d *Definition) { z := 525601; d.States[1].LimitMinutes = &z }, "states[1].limit_minutes", "between 1 and 525600", "entre 1 y 525600"},
		{"bad key", func(d *Definition) { d.Transitions[0].Key = "Take!" }, "transitions[0].key", "lowercase letters", "letras minúsculas"},
		{"key too long", func(d *Definition) { d.Transitions[0].Key = "a" + strings.Repeat("b", 40) }, "transitions[0].key", "lowercase letters", "letras minúsculas"},
		{"key twice", func(d *Definition) { d.Transitions[1].Key = "take" }, "transitions[1].key", "already uses this key", "ya usa esta clave"},
		{"no Spanish name", func(d *Definition) { d.Transitions[0].NameES = " " }, "transitions[0].name_es", "name of 1 to 80", "nombre de 1 a 80"},
		{"no English name", func(d *Definition) { d.Transitions[0].NameEN = "" }, "transitions[0].name_en", "name of 1 to 80", "nombre de 1 a 80"},
		{"no from", func(d *Definition) { d.Transitions[1].From = nil }, "transitions[1].from", "at least one state it leaves from", "al menos un estado de origen"},
		{"from not a state", func(d *Definition) { d.Transitions[0].From = []int64{1, 4} }, "transitions[0].from[1]", "not part of the workflow", "no es parte del flujo"},
		{"to not a state", func(d *Definition) { d.Transitions[2].To = 4 }, "transitions[2].to", "not part of the workflow", "no es parte del flujo"},
		{"to in from", func(d *Definition) { d.Transitions[0].From = []int64{1, 2}; d.Transitions[0].To = 2 }, "transitions[0].to", "cannot lead to one of the states it leaves", "no puede llevar a uno de sus estados"},
		{"unknown role", func(d *Definition) { d.Transitions[2].Roles = []int64{10, 11} }, "transitions[2].roles[1]", "role does not exist", "rol no existe"},
		{"unknown perm", func(d *Definition) { d.Transitions[2].Perms = []string{"ticket.fly"} }, "transitions[2].perms[0]", "permission does not exist", "permiso no existe"},
		{"unknown field", func(d *Definition) { d.Transitions[2].Fields = append(d.Transitions[2].Fields, Field{Key: "color"}) }, "transitions[2].fields[2].key", "field does not exist", "campo no existe"},
		{"field twice", func(d *Definition) { d.Transitions[2].Fields = append(d.Transitions[2].Fields, Field{Key: "amount"}) }, "transitions[2].fields[2].key", "already in the transition", "ya está en la transición"},
		{"unknown action kind", func(d *Definition) { d.Transitions[2].Actions[0].Kind = "email" }, "transitions[2].actions[0].kind", "kind of action does not exist", "clase de acción no existe"},
		{"unknown domain action", func(d *Definition) { d.Transitions[2].Actions[0].Action = "refund" }, "transitions[2].actions[0].action", "credit note, backorder or credit limit", "nota crédito, backorder o cupo"},
		{"domain action without its fields", func(d *Definition) { d.Transitions[2].Fields = d.Transitions[2].Fields[:1] }, "transitions[2].actions[0].action", "ask for the field “Note reason”", "pida el campo «Motivo de la nota»"},
		{"credit limit without its fields", func(d *Definition) { d.Transitions[2].Actions[0].Action = DomainCreditLimit }, "transitions[2].actions[0].action", "“Credit limit”", "«Cupo de crédito»"},
		{"unknown notify target", func(d *Definition) { d.Transitions[2].Actions[1].To = "everyone" }, "transitions[2].actions[1].to", "Choose whom to notify", "Elige a quién notificar"},
		{"unknown set field", func(d *Definition) { d.Transitions[2].Actions[2].Field = "subject" }, "transitions[2].actions[2].field", "Choose a field the action may change", "Elige un campo que la acción pueda cambiar"},
		{"bad set value", func(d *Definition) { d.Transitions[2].Actions[2].Value = json.RawMessage(`"high"`) }, "transitions[2].actions[2].value", "does not fit the field", "no sirve para este campo"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := valid()
			c.change(d)
			err := Validate(d, refs)
			e, ok := errs.As(err)
			if !ok || e.Code != errs.Invalid {
				t.Fatalf("want an invalid error, got %v", err)
			}
			m, ok := e.Fields[c.field]
			if !ok {
				t.Fatalf("no message on %s: %+v", c.field, e.Fields)
			}
			if en := i18n.T(i18n.EN, m.Key, m.Args); !strings.Contains(en, c.en) {
				t.Fatalf("en: %q does not say %q", en, c.en)
			}
			if es := i18n.T(i18n.ES, m.Key, m.Args); !strings.Contains(es, c.es) {
				t.Fatalf("es: %q does not say %q", es, c.es)
			}
		})
	}
}
