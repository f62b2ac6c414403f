import type { HeaderField, HeaderList } from '../model/headers.js';
import type { HeaderPatch } from '../rules/types.js';

/**
 * Applies header patches to a recorded header list the way a server change would: "set" replaces every
 * line of that name with one line, "add" appends a line, "remove" drops every line of that name.
 */
export function applyHeaderPatches(headers: HeaderList, patches: readonly HeaderPatch[]): HeaderField[] {
  let result: HeaderField[] = [...headers];
  for (const patch of patches) {
    const lowerName = patch.name.toLowerCase();
    switch (patch.action) {
      case 'remove':
        result = result.filter((field) => field.lowerName !== lowerName);
        break;
      case 'set':
        result = [...result.filter((field) => field.lowerName !== lowerName), { name: patch.name, lowerName, value: patch.value ?? '' }];
        break;
      case 'add':
        result = [...result, { name: patch.name, lowerName, value: patch.value ?? '' }];
        break;
    }
  }
  return result;
}

/** Later patches of the same header name win; one patch per name, in first-seen order. */
export function mergeHeaderPatches(patches: readonly HeaderPatch[]): HeaderPatch[] {
  const byName = new Map<string, HeaderPatch>();
  for (const patch of patches) {
    const key = patch.name.toLowerCase();
    const previous = byName.get(key);
    if (previous !== undefined && previous.action === 'set' && patch.action === 'set' && isListHeader(key)) {
      byName.set(key, { ...patch, value: unionList(previous.value ?? '', patch.value ?? '', key !== 'access-control-allow-methods') });
    } else {
      byName.set(key, patch);
    }
  }
  return [...byName.values()];
}

const LIST_HEADERS: ReadonlySet<string> = new Set(['access-control-allow-methods', 'access-control-allow-headers', 'vary']);

function isListHeader(lowerName: string): boolean {
  return LIST_HEADERS.has(lowerName);
}

/** Methods compare case-sensitively (Chromium 156), header names and Vary tokens case-insensitively. */
function unionList(a: string, b: string, caseInsensitive: boolean): string {
  const seen = new Map<string, string>();
  for (const item of [...a.split(','), ...b.split(',')]) {
    const trimmed = item.trim();
    const key = caseInsensitive ? trimmed.toLowerCase() : trimmed;
    if (trimmed !== '' && !seen.has(key)) seen.set(key, trimmed);
  }
  return [...seen.values()].join(', ');
}
