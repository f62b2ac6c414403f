/** Longest header value or URL the panel lays out in full; longer ones are shown cut, with their length. */
export const DISPLAY_LIMIT = 2_000;
/** Sentences (messages, summaries) quote values and run longer: they get four times the room. */
export const PROSE_LIMIT = 4 * DISPLAY_LIMIT;

/**
 * A capture can hold a 50 MB header value; laying that out would freeze the panel. Values past the limit are
 * shown cut, with a marker saying how long they really are (the engine and exports still see all of it).
 */
export function clip(value: string, limit = DISPLAY_LIMIT): string {
  if (value.length <= limit) return value;
  return `${value.slice(0, limit)}… [${value.length.toLocaleString('en')} characters in all]`;
}
