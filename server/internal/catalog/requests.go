package catalog

import (
	"encoding/json"
)

// Optional is a field of a partial update that tells absent (Set false) from null (Set, Value nil).
type Optional[T any] struct {
	Set   bool
	Value *T
}

// UnmarshalJSON records that the field was present, and its value unless it is null.
func (o *Optional[T]) UnmarshalJSON(b []byte) error {
	o.Set = true
	if string(b) == "null" {
		o.Value = nil
		return nil
	}
	v := new(T)
	if err := json.Unmarshal(b, v); err != nil {
		return err
	}
	o.Value = v
	return nil
}

// Every creation request may name its key (else derived from name_en), its place (else last) and whether
// it starts inactive. Every patch carries the version it was based on and only the fields to change.

// CategoryInput creates a category (parent_id null) or a subcategory.
type CategoryInput struct {
	Key           string  `json:"key" validate:"max=40"`
	NameES        string  `json:"name_es" validate:"required,max=80"`
	NameEN        string  `json:"name_en" validate:"required,max=80"`
	Position      *int    `json:"position" validate:"omitempty,gte=1"`
	Active        *bool   `json:"active"`
	ParentID      *int64  `json:"parent_id" validate:"omitempty,gte=1"`
	DescriptionES string  `json:"description_es" validate:"max=500"`
	DescriptionEN string  `json:"description_en" validate:"max=500"`
	RoleIDs       []int64 `json:"role_ids"`
}

// CategoryPatch changes a category.
type CategoryPatch struct {
	Version       int64           `json:"version" validate:"required,gte=1"`
	NameES        *string         `json:"name_es" validate:"omitempty,max=80"`
	NameEN        *string         `json:"name_en" validate:"omitempty,max=80"`
	Active        *bool           `json:"active"`
	ParentID      Optional[int64] `json:"parent_id"`
	DescriptionES *string         `json:"description_es" validate:"omitempty,max=500"`
	DescriptionEN *string         `json:"description_en" validate:"omitempty,max=500"`
	RoleIDs       *[]int64        `json:"role_ids"`
}

// StatusInput creates a status (a board column) at the end of its group unless placed.
type StatusInput struct {
	Key       string `json:"key" validate:"max=40"`
	NameES    string `json:"name_es" validate:"required,max=80"`
	NameEN    string `json:"name_en" validate:"required,max=80"`
	Position  *int   `json:"position" validate:"omitempty,gte=1"`
	Active    *bool  `json:"active"`
	Group     Group  `json:"group" validate:"required,oneof=todo doing done"`
	Color     string `json:"color" validate:"required"`
	WIPLimit  *int   `json:"wip_limit" validate:"omitempty,gte=1"`
	PausesSLA bool   `json:"pauses_sla"`
}

// StatusPatch changes a status; a new group puts it last in that group.
type StatusPatch struct {
	Version   int64         `json:"version" validate:"required,gte=1"`
	NameES    *string       `json:"name_es" validate:"omitempty,max=80"`
	NameEN    *string       `json:"name_en" validate:"omitempty,max=80"`
	Active    *bool         `json:"active"`
	Group     *Group        `json:"group" validate:"omitempty,oneof=todo doing done"`
	Color     *string       `json:"color"`
	WIPLimit  Optional[int] `json:"wip_limit"`
	PausesSLA *bool         `json:"pauses_sla"`
}

// PriorityPatch renames, recolors or (de)activates a priority; the four priorities themselves are fixed.
type PriorityPatch struct {
	Version int64   `json:"version" validate:"required,gte=1"`
	NameES  *string `json:"name_es" validate:"omitempty,max=80"`
	NameEN  *string `json:"name_en" validate:"omitempty,max=80"`
	Color   *string `json:"color"`
	Active  *bool   `json:"active"`
}

// EntryInput creates an entry of a catalog with only the common fields (KB categories, channels).
type EntryInput struct {
	Key      string `json:"key" validate:"max=40"`
	NameES   string `json:"name_es" validate:"required,max=80"`
	NameEN   string `json:"name_en" validate:"required,max=80"`
	Position *int   `json:"position" validate:"omitempty,gte=1"`
	Active   *bool  `json:"active"`
}

// EntryPatch changes an entry of a catalog with only the common fields.
type EntryPatch struct {
	Version int64   `json:"version" validate:"required,gte=1"`
	NameES  *string `json:"name_es" validate:"omitempty,max=80"`
	NameEN  *string `json:"name_en" validate:"omitempty,max=80"`
	Active  *bool   `json:"active"`
}

// QueueInput creates a queue.
type QueueInput struct {
	Key      string `json:"key" validate:"max=40"`
	NameES   string `json:"name_es" validate:"required,max=80"`
	NameEN   string `json:"name_en" validate:"required,max=80"`
	Position *int   `json:"position" validate:"omitempty,gte=1"`
	Active   *bool  `json:"active"`
	Level    *int   `json:"level" validate:"required,gte=1,lte=9"`
	// RoleIDs and SupervisorIDs: see Queue.
	RoleIDs       []int64 `json:"role_ids"`
	SupervisorIDs []int64 `json:"supervisor_ids"`
	// MemberIDs, Assignment and MaxPerAgent: see Queue (default: no members, manual, no cap).
	MemberIDs   []int64 `json:"member_ids"`
	Assignment  string  `json:"assignment"`
	MaxPerAgent *int    `json:"max_per_agent"`
}

// QueuePatch changes a queue.
type QueuePatch struct {
	Version int64   `json:"version" validate:"required,gte=1"`
	NameES  *string `json:"name_es" validate:"omitempty,max=80"`
	NameEN  *string `json:"name_en" validate:"omitempty,max=80"`
	Active  *bool   `json:"active"`
	Level   *int    `json:"level" validate:"omitempty,gte=1,lte=9"`
	// RoleIDs and SupervisorIDs replace the queue's lists when present.
	RoleIDs       *[]int64 `json:"role_ids"`
	SupervisorIDs *[]int64 `json:"supervisor_ids"`
	// MemberIDs and Assignment replace the queue's when present; MaxPerAgent null lifts the cap.
	MemberIDs   *[]int64      `json:"member_ids"`
	Assignment  *string       `json:"assignment"`
	MaxPerAgent Optional[int] `json:"max_per_agent"`
}

// NoteReasonInput creates a note reason.
type NoteReasonInput struct {
	Key      string   `json:"key" validate:"max=40"`
	NameES   string   `json:"name_es" validate:"required,max=80"`
	NameEN   string   `json:"name_en" validate:"required,max=80"`
	Position *int     `json:"position" validate:"omitempty,gte=1"`
	Active   *bool    `json:"active"`
	Kind     NoteKind `json:"kind" validate:"required,oneof=credit debit"`
}

// NoteReasonPatch changes a note reason.
type NoteReasonPatch struct {
	Version int64     `json:"version" validate:"required,gte=1"`
	NameES  *string   `json:"name_es" validate:"omitempty,max=80"`
	NameEN  *string   `json:"name_en" validate:"omitempty,max=80"`
	Active  *bool     `json:"active"`
	Kind    *NoteKind `json:"kind" validate:"omitempty,oneof=credit debit"`
}

// CannedResponseInput creates a canned response.
type CannedResponseInput struct {
	Key      string `json:"key" validate:"max=40"`
	NameES   string `json:"name_es" validate:"required,max=80"`
	NameEN   string `json:"name_en" validate:"required,max=80"`
	Position *int   `json:"position" validate:"omitempty,gte=1"`
	Active   *bool  `json:"active"`
	BodyES   string `json:"body_es" validate:"required,max=10000"`
	BodyEN   string `json:"body_en" validate:"required,max=10000"`
}

// CannedResponsePatch changes a canned response.
type CannedResponsePatch struct {
	Version int64   `json:"version" validate:"required,gte=1"`
	NameES  *string `json:"name_es" validate:"omitempty,max=80"`
	NameEN  *string `json:"name_en" validate:"omitempty,max=80"`
	Active  *bool   `json:"active"`
	BodyES  *string `json:"body_es" validate:"omitempty,max=10000"`
	BodyEN  *string `json:"body_en" validate:"omitempty,max=10000"`
}

// ReorderRequest lists one list's entries in their new order.
type ReorderRequest struct {
	IDs []int64 `json:"ids" validate:"required,min=1,max=500,unique,dive,gte=1"`
}

// SchemeRequest picks the naming scheme of the priorities.
type SchemeRequest struct {
	Scheme Scheme `json:"scheme" validate:"required,oneof=eisenhower altisima bajisima custom"`
}

func (r PriorityPatch) expected() int64       { return r.Version }
func (r CategoryPatch) expected() int64       { return r.Version }
func (r StatusPatch) expected() int64         { return r.Version }
func (r EntryPatch) expected() int64          { return r.Version }
func (r QueuePatch) expected() int64          { return r.Version }
func (r NoteReasonPatch) expected() int64     { return r.Version }
func (r CannedResponsePatch) expected() int64 { return r.Version }

// newCommon is the common part of a new entry.
// A position of 0 means last.
func newCommon(key, es, en string, position *int, active *bool) Common {
	c := Common{Key: key, NameES: es, NameEN: en, Active: active == nil || *active, Version: 1}
	set(&c.Position, position)
	return c
}

// patchCommon applies the common fields of a patch.
func patchCommon(c *Common, es, en *string, active *bool) {
	set(&c.NameES, es)
	set(&c.NameEN, en)
	set(&c.Active, active)
}

func set[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

func buildCategory(r *CategoryInput) *Category {
	return &Category{Common: newCommon(r.Key, r.NameES, r.NameEN, r.Position, r.Active),
		ParentID: r.ParentID, DescriptionES: r.DescriptionES, DescriptionEN: r.DescriptionEN, RoleIDs: r.RoleIDs}
}

func applyCategory(r *CategoryPatch, c *Category) {
	patchCommon(&c.Common, r.NameES, r.NameEN, r.Active)
	if r.ParentID.Set {
		c.ParentID = r.ParentID.Value
	}
	set(&c.DescriptionES, r.DescriptionES)
	set(&c.DescriptionEN, r.DescriptionEN)
	set(&c.RoleIDs, r.RoleIDs)
}

func buildStatus(r *StatusInput) *Status {
	return &Status{Common: newCommon(r.Key, r.NameES, r.NameEN, r.Position, r.Active),
		Group: r.Group, Color: r.Color, WIPLimit: r.WIPLimit, PausesSLA: r.PausesSLA}
}

func applyStatus(r *StatusPatch, s *Status) {
	patchCommon(&s.Common, r.NameES, r.NameEN, r.Active)
	set(&s.Group, r.Group)
	set(&s.Color, r.Color)
	if r.WIPLimit.Set {
		s.WIPLimit = r.WIPLimit.Value
	}
	set(&s.PausesSLA, r.PausesSLA)
}

func applyPriority(r *PriorityPatch, p *Priority) {
	patchCommon(&p.Common, r.NameES, r.NameEN, r.Active)
	set(&p.Color, r.Color)
}

func buildKBCategory(r *EntryInput) *KBCategory {
	return &KBCategory{Common: newCommon(r.Key, r.NameES, r.NameEN, r.Position, r.Active)}
}

func applyKBCategory(r *EntryPatch, k *KBCategory) {
	patchCommon(&k.Common, r.NameES, r.NameEN, r.Active)
}

func buildChannel(r *EntryInput) *Channel {
	return &Channel{Common: newCommon(r.Key, r.NameES, r.NameEN, r.Position, r.Active)}
}

func applyChannel(r *EntryPatch, c *Channel) { patchCommon(&c.Common, r.NameES, r.NameEN, r.Active) }

func buildQueue(r *QueueInput) *Queue {
	return &Queue{Common: newCommon(r.Key, r.NameES, r.NameEN, r.Position, r.Active), Level: *r.Level,
		RoleIDs: r.RoleIDs, SupervisorIDs: r.SupervisorIDs, MemberIDs: r.MemberIDs, Assignment: r.Assignment,
		MaxPerAgent: r.MaxPerAgent}
}

func applyQueue(r *QueuePatch, q *Queue) {
	patchCommon(&q.Common, r.NameES, r.NameEN, r.Active)
	set(&q.Level, r.Level)
	set(&q.RoleIDs, r.RoleIDs)
	set(&q.SupervisorIDs, r.SupervisorIDs)
	set(&q.MemberIDs, r.MemberIDs)
	set(&q.Assignment, r.Assignment)
	if r.MaxPerAgent.Set {
		q.MaxPerAgent = r.MaxPerAgent.Value
	}
}

func buildNoteReason(r *NoteReasonInput) *NoteReason {
	return &NoteReason{Common: newCommon(r.Key, r.NameES, r.NameEN, r.Position, r.Active), Kind: r.Kind}
}

func applyNoteReason(r *NoteReasonPatch, n *NoteReason) {
	patchCommon(&n.Common, r.NameES, r.NameEN, r.Active)
	set(&n.Kind, r.Kind)
}

func buildCannedResponse(r *CannedResponseInput) *CannedResponse {
	return &CannedResponse{Common: newCommon(r.Key, r.NameES, r.NameEN, r.Position, r.Active), BodyES: r.BodyES, BodyEN: r.BodyEN}
}

func applyCannedResponse(r *CannedResponsePatch, c *CannedResponse) {
	patchCommon(&c.Common, r.NameES, r.NameEN, r.Active)
	set(&c.BodyES, r.BodyES)
	set(&c.BodyEN, r.BodyEN)
}
