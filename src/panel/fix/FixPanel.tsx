/**
 * <FixPanel> — the explanation and the paste-ready fix for one finding, for the exchange detail pane.
 *
 *   <FixPanel finding={finding} exchange={exchange} recorded={harEntries} />
 *
 * Props
 *   finding      Finding from the report (`exchange.findings[i]`). Renders its explanation (message, why the
 *                rule exists, Fetch standard and MDN links) and its `fix`: the header diff, the what-if
 *                verdict (`fix.verifies` / `fix.whatIf`), the snippet of the chosen stack and curl commands.
 *                A finding with no fix and no `noServerFix` renders the explanation only.
 *   exchange     The finding's ReportExchange (entries, origin, preflight facts).
 *   recorded     `log.entries` of the capture the report was built from (HAR entries as getHAR() gives them),
 *                indexed like `exchange.entries` / `finding.entry`. Used for the diff against the recorded
 *                header values and for the curl commands. Entries may be missing (undefined): the diff then
 *                shows only the added lines.
 *   preferences  Optional. Where the stack choice is remembered (key "fix.stack"); defaults to
 *                LocalStoragePreferences (the panel page's localStorage, no extension permission).
 *   clipboard    Optional. Defaults to navigator.clipboard with a textarea fallback.
 *   onTryFix     Optional. When given, a "Try this fix" button hands the fix to the panel's what-if editor as
 *                edits: Map<log.entries index, { status, headers }>.
 *   showMessage  Optional, default true. False when the finding's message is already shown beside the panel.
 *
 * Mount it once per finding that has a fix (or once per exchange, for its first error finding: every
 * server fix of an exchange shares the same snippets and what-if verdict). All values from the capture are
 * rendered as text; nothing uses innerHTML.
 */
import { useMemo, useState } from 'preact/hooks';
import { describeRule, stackInfos, verificationText, type Finding, type ReportExchange } from '../../engine/index';
import { LocalStoragePreferences, type Preferences } from '../../platform/preferences';
import type { Clipboard } from './clipboard';
import { clip, PROSE_LIMIT } from '../clip';
import { CopyButton } from './CopyButton';
import { curlCommands } from './curl';
import { CurlCommands } from './CurlCommands';
import { HeaderDiff } from './HeaderDiff';
import { fixAsEdits, headerDiff, targetedResponses, type RecordedEntries, type RecordedHeader } from './recorded';
import { StackPicker } from './StackPicker';

export interface FixPanelProps {
  finding: Finding;
  exchange: ReportExchange;
  recorded: RecordedEntries;
  preferences?: Preferences;
  clipboard?: Clipboard;
  onTryFix?(edits: Map<number, { status: number; headers: RecordedHeader[] }>): void;
  /** False when the finding's message is already on screen next to the panel (the detail pane's findings list). */
  showMessage?: boolean;
}

export const DEFAULT_STACK = 'express';

let sharedPreferences: Preferences | null = null;
const defaultPreferences = () => (sharedPreferences ??= new LocalStoragePreferences());

export function FixPanel({ finding, exchange, recorded, preferences, clipboard, onTryFix, showMessage = true }: FixPanelProps) {
  const prefs = preferences ?? defaultPreferences();
  const stacks = useMemo(() => stackInfos(), []);
  const [stack, setStack] = useState(() => {
    const saved = prefs.get('fix.stack');
    return saved !== null && stacks.some((candidate) => candidate.id === saved) ? saved : DEFAULT_STACK;
  });
  const meta = describeRule(finding.rule);
  const fix = finding.fix;
  const copyProps = clipboard ? { clipboard } : {};
  const choose = (next: string) => {
    setStack(next);
    prefs.set('fix.stack', next);
  };

  const explanation = (
    <div class="fix-explanation">
      {showMessage ? <p data-fix-message>{clip(finding.message, PROSE_LIMIT)}</p> : null}
      {meta ? (
        <p class="fix-why">
          <strong>Why the browser checks this:</strong> {meta.description}{' '}
          <a href={meta.specUrl} target="_blank" rel="noopener noreferrer">Fetch standard</a> ·{' '}
          <a href={meta.mdnUrl} target="_blank" rel="noopener noreferrer">MDN</a>
        </p>
      ) : null}
    </div>
  );

  if (fix === null) {
    return (
      <section class="fix-panel" aria-label="How to fix" data-fix-target="none">
        {explanation}
        {finding.noServerFix ? <p class="note">No server change fixes this: {finding.noServerFix}</p> : null}
      </section>
    );
  }

  if (fix.target === 'client') {
    return (
      <section class="fix-panel" aria-label="How to fix" data-fix-target="client">
        {explanation}
        <p class="fix-summary"><strong>Fix in the client:</strong> {clip(fix.summary, PROSE_LIMIT)}</p>
        <p class="note" data-what-if>{clip(fix.whatIf, PROSE_LIMIT)}</p>
      </section>
    );
  }

  const responses = targetedResponses(finding, exchange, recorded);
  const snippet = fix.snippets.find((candidate) => candidate.stack === stack) ?? fix.snippets[0];
  const headerText = fix.headers.filter((patch) => patch.action !== 'remove').map((patch) => `${patch.name}: ${patch.value ?? ''}`).join('\n');
  const commands = curlCommands(exchange, recorded);
  return (
    <section class="fix-panel" aria-label="How to fix" data-fix-target={fix.target}>
      {explanation}
      <p class="fix-summary"><strong>Fix ({targetLabel(fix.target)}):</strong> {clip(fix.summary, PROSE_LIMIT)}</p>
      <p class={`fix-verdict ${fix.verifies ? 'verifies' : 'does-not-verify'}`} data-verifies={String(fix.verifies)}>
        <span aria-hidden="true">{fix.verifies ? '✓' : '✗'}</span> {clip(fix.whatIf, PROSE_LIMIT)}
      </p>
      {responses.length > 0
        ? responses.map(({ index, role, entry }) => (
            <HeaderDiff
              key={index}
              title={role === 'preflight' ? 'Preflight (OPTIONS) response' : `${entry.request.method} response${(entry.response?.status ?? 0) > 0 ? ` (${entry.response?.status ?? ''})` : ' (never sent)'}`}
              lines={headerDiff(entry.response?.headers ?? [], fix.headers, {
                before: entry.response?.status ?? 0,
                after: role === 'preflight' ? fix.status : undefined,
              })}
            />
          ))
        : (
            <HeaderDiff title={`${targetLabel(fix.target)} response`} lines={headerDiff([], fix.headers, { before: 0, after: fix.status })} />
          )}
      <div class="fix-actions">
        {headerText !== '' ? <CopyButton text={headerText} label="header lines" {...copyProps} /> : null}
        {onTryFix ? (
          <button type="button" class="toolbar-button" onClick={() => onTryFix(fixAsEdits(finding, exchange, recorded))}>
            Try this fix
          </button>
        ) : null}
      </div>
      {snippet ? (
        <section class="fix-snippet" aria-label="Server snippet">
          <StackPicker stacks={stacks} value={snippet.stack} onChange={choose} />
          <span class={`badge ${snippet.verified ? 'verified' : 'unverified'}`} data-verified={String(snippet.verified)}>
            {verificationText(snippet)}
          </span>
          <pre data-snippet={snippet.stack}>{snippet.code}</pre>
          <CopyButton text={snippet.code} label={`${snippet.stack} snippet`} {...copyProps} />
        </section>
      ) : null}
      <CurlCommands commands={commands} {...copyProps} />
    </section>
  );
}

function targetLabel(target: string): string {
  switch (target) {
    case 'preflight':
      return 'preflight';
    case 'actual':
      return 'actual';
    case 'redirect':
      return 'redirect';
    case 'all-responses':
      return 'preflight and actual';
    default:
      return target;
  }
}
