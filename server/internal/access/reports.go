package access

// Reports read the tickets a user may see (TicketFilter), summed up (the pivot) or change by change (the
// history); who may open them is decided here.

// CanSeePivot reports whether s may build pivot tables over the tickets s sees.
func CanSeePivot(s Subject) bool { return s.Has(ReportPivot) }

// CanSeeHistoryReport reports whether s may read the change history of the tickets s sees, across
// tickets.
func CanSeeHistoryReport(s Subject) bool { return s.Has(ReportHistory) }

// CanExportPivot reports whether s may download a pivot table: those who see it and may export tickets.
func CanExportPivot(s Subject) bool { return CanSeePivot(s) && CanExportTickets(s) }

// CanExportHistory reports whether s may download the history report: those who read it and may export
// tickets.
func CanExportHistory(s Subject) bool { return CanSeeHistoryReport(s) && CanExportTickets(s) }
