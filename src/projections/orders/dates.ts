// Instants the orders projection stores: checked here, so an event holding something else fails
// the projection on that event (an operator skips it with `dealerline skip-event`), rather than
// an Invalid Date reaching PostgreSQL (pg sends it as "NaN-NaN-..." and warns that it will throw).

/** The instant `value` names, or an error naming `field` and the value. */
export function instantOf(value: unknown, field: string): Date {
  const date = typeof value === 'string' || typeof value === 'number' ? new Date(value) : new Date(Number.NaN);
  if (Number.isNaN(date.getTime())) throw new Error(`${field} is not an instant: ${JSON.stringify(value)}`);
  return date;
}
