// Reading plain objects keyed by codes that people choose (tiers, dealer, promotion and SKU ids).

/**
 * The record's own entry for `key`, if any. Codes such as `constructor` or `tostring` are valid
 * tiers and ids, and every plain object inherits a property of the first name: `record[key]` would
 * answer that function where the record has no entry.
 */
export function ownEntry<Value>(record: Readonly<Record<string, Value>> | undefined, key: string | undefined): Value | undefined {
  return record !== undefined && key !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}
