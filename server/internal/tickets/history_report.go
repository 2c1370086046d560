package tickets

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/access"
)

// HistoryRef is one history row of a ticket a report read, with the visibility fields of its ticket.
type HistoryRef struct {
	TicketID int64
	Vis      access.TicketVis
	Entry    HistoryEntry
}

// VisibleHistory drops, from history rows of tickets the subject sees, those the ticket's own history
// would not show them: files they may not open and links to tickets they may not see. It reads every
// file the rows name in one query, whatever the number of tickets.
func (s *Service) VisibleHistory(ctx context.Context, subj access.Subject, refs []HistoryRef) ([]HistoryRef, error) {
	var fileIDs []int64
	for _, r := range refs {
		if r.Entry.Field == "attachment" {
			var a struct {
				ID int64 `json:"id"`
			}
			if json.Unmarshal(r.Entry.After, &a) == nil && a.ID > 0 {
				fileIDs = append(fileIDs, a.ID)
			}
		}
	}
	hiddenFile := map[int64]bool{}
	if len(fileIDs) > 0 {
		var rows []attachmentWithNote
		if err := s.attachmentsQuery(s.DB, &rows).Where("att.id IN (?)", bun.In(fileIDs)).Scan(ctx); err != nil {
			return nil, fmt.Errorf("tickets: history report: %w", err)
		}
		vis := map[int64]access.TicketVis{}
		for _, r := range refs {
			vis[r.TicketID] = r.Vis
		}
		for _, a := range rows {
			if !access.CanSeeAttachment(subj, vis[a.TicketID], a.vis()) {
				hiddenFile[a.ID] = true
			}
		}
	}
	entries := make([]HistoryEntry, 0, len(refs))
	for _, r := range refs {
		entries = append(entries, r.Entry)
	}
	entries, err := s.withoutHiddenTickets(ctx, subj, entries)
	if err != nil {
		return nil, err
	}
	kept := map[int64]bool{}
	for _, e := range entries {
		kept[e.ID] = true
	}
	out := refs[:0]
	for _, r := range refs {
		if !kept[r.Entry.ID] {
			continue
		}
		if r.Entry.Field == "attachment" {
			var a struct {
				ID int64 `json:"id"`
			}
			if json.Unmarshal(r.Entry.After, &a) != nil || hiddenFile[a.ID] {
				continue
			}
		}
		out = append(out, r)
	}
	return out, nil
}
