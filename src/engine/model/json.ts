/** A parsed JSON object (not null, not an array), read-only: the shape every reader of raw input checks first. */
export type JsonObject = { readonly [key: string]: unknown };

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
