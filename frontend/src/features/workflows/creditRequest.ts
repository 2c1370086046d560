// Who may ask for a credit study from a person page, and the form's own checks.

/** mayRequestCredit: the person is a consultant and the viewer may create tickets for others
 * (ticket.create_for) or is that consultant (same email as the signed-in account). */
export function mayRequestCredit(person: { kind: string; email: string }, viewer: { email: string; createFor: boolean } | null): boolean {
  if (viewer === null || person.kind !== 'consultant') return false;
  return viewer.createFor || viewer.email.toLowerCase() === person.email.toLowerCase();
}

/** creditRequestErrors checks the amount (a positive decimal, 2 places) and the reason (required,
 * ≤ 2000); values are i18n keys under workflows.dialog.errors. */
export function creditRequestErrors(amount: string, reason: string): Record<string, string> {
  const out: Record<string, string> = {};
  const a = amount.trim();
  if (a === '') out.amount = 'required';
  else if (!/^\d{1,15}(\.\d{1,2})?$/.test(a) || Number(a) <= 0) out.amount = 'money';
  if (reason.trim() === '') out.reason = 'required';
  else if (reason.length > 2000) out.reason = 'tooLong';
  return out;
}
