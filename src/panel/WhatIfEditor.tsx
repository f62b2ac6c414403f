import { DISPLAY_LIMIT, clip } from './clip';
import type { HeaderLine } from './entry-facts';
import type { ResponseEdit } from './model/what-if';

export interface WhatIfEditorProps {
  label: string;
  recorded: ResponseEdit;
  /** The current edit, or null when the recording is shown. */
  edit: ResponseEdit | null;
  onChange(edit: ResponseEdit | null): void;
}

/** Edits one recorded response; every change re-runs the diagnosis. "Reset" returns to the recording. */
export function WhatIfEditor({ label, recorded, edit, onChange }: WhatIfEditorProps) {
  const current = edit ?? recorded;
  const update = (next: Partial<ResponseEdit>) => onChange({ ...current, ...next });
  const setLine = (position: number, line: HeaderLine) =>
    update({ headers: current.headers.map((existing, index) => (index === position ? line : existing)) });
  return (
    <fieldset class={`what-if${edit ? ' edited' : ''}`} data-what-if={label}>
      <legend>{label}</legend>
      <label class="what-if-status">
        Status{' '}
        <input
          type="number"
          min={0}
          max={999}
          value={current.status}
          aria-label={`${label} status`}
          onInput={(event) => update({ status: Number(event.currentTarget.value) || 0 })}
        />
      </label>
      <ul class="what-if-headers">
        {current.headers.map((line, position) => (
          <li key={position}>
            <input
              value={clip(line.name)}
              aria-label={`${label} header ${position + 1} name`}
              onInput={(event) => setLine(position, { ...line, name: event.currentTarget.value })}
            />
            {line.value.length > DISPLAY_LIMIT ? (
              // Too long to edit in place: shown cut and read-only; remove the line to replace it.
              <input value={clip(line.value)} readOnly aria-label={`${label} header ${position + 1} value (too long to edit)`} />
            ) : (
              <input
                value={line.value}
                aria-label={`${label} header ${position + 1} value`}
                onInput={(event) => setLine(position, { ...line, value: event.currentTarget.value })}
              />
            )}
            <button
              type="button"
              class="toolbar-button"
              aria-label={`Remove ${line.name || 'header'}`}
              onClick={() => update({ headers: current.headers.filter((_, index) => index !== position) })}
            >
              −
            </button>
          </li>
        ))}
      </ul>
      <button type="button" class="toolbar-button" onClick={() => update({ headers: [...current.headers, { name: '', value: '' }] })}>
        Add header
      </button>{' '}
      <button type="button" class="toolbar-button" disabled={!edit} onClick={() => onChange(null)}>
        Reset to recording
      </button>
    </fieldset>
  );
}
