import { parseUrl } from '../model/origin.js';

/**
 * A URL's path as a route template: the segments that name one item of many become ":id", so that 5,210
 * requests to /v1/items/1 … /v1/items/5210 read as one route. Query and fragment are dropped.
 */
export function routeTemplate(url: string): string {
  const path = parseUrl(url)?.pathname ?? '/';
  return path.split('/').map((segment) => (isItemSegment(segment) ? ':id' : segment)).join('/') || '/';
}

const NUMERIC = /^\d+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Hex ids (object ids, hashes): at least 8 hex digits with at least one digit, so words like "deadbeef" stay. */
const HEX = /^(?=[0-9a-f]*\d)[0-9a-f]{8,}$/i;
/** Long opaque tokens (base64url ids, slugs with ids): 20+ characters of letters, digits, "-", "_", with a digit. */
const OPAQUE = /^(?=.*\d)[A-Za-z0-9_-]{20,}$/;

function isItemSegment(segment: string): boolean {
  if (segment === '') return false;
  return NUMERIC.test(segment) || UUID.test(segment) || HEX.test(segment) || OPAQUE.test(segment);
}
