// Which day an instant falls on, for the rules that count in days (stock sellable until its
// expiry date, reservations and picks as of today). The domain has no clock: callers pass `now`.

/** The UTC calendar day of an instant, `YYYY-MM-DD`. */
export const todayOf = (now: Date): string => now.toISOString().slice(0, 10);
