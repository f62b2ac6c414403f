/**
 * Small user preferences for the panel (the fix stack picker's choice). Backed by the panel page's
 * localStorage — no chrome.storage, so the extension needs no "storage" permission — behind an interface with
 * an in-memory implementation for tests. Values are plain strings; readers validate what they get back.
 */
export type PreferenceKey = 'fix.stack' | 'capture.limit';

export interface Preferences {
  get(key: PreferenceKey): string | null;
  set(key: PreferenceKey, value: string): void;
}

const PREFIX = 'cors-lens.';

/** localStorage-backed; silently in-memory when storage is unavailable (disabled, quota, sandboxed). */
export class LocalStoragePreferences implements Preferences {
  private readonly fallback = new Map<PreferenceKey, string>();

  constructor(private readonly storage: Pick<Storage, 'getItem' | 'setItem'> | null = defaultStorage()) {}

  get(key: PreferenceKey): string | null {
    try {
      return this.storage?.getItem(PREFIX + key) ?? this.fallback.get(key) ?? null;
    } catch {
      return this.fallback.get(key) ?? null;
    }
  }

  set(key: PreferenceKey, value: string): void {
    this.fallback.set(key, value);
    try {
      this.storage?.setItem(PREFIX + key, value);
    } catch {
      // Storage full or disabled: the in-memory value still holds for this session.
    }
  }
}

export class MemoryPreferences implements Preferences {
  private readonly values: Map<PreferenceKey, string>;

  constructor(initial: Partial<Record<PreferenceKey, string>> = {}) {
    this.values = new Map(Object.entries(initial) as Array<[PreferenceKey, string]>);
  }

  get(key: PreferenceKey): string | null {
    return this.values.get(key) ?? null;
  }

  set(key: PreferenceKey, value: string): void {
    this.values.set(key, value);
  }
}

function defaultStorage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}
