/**
 * <ProblemsView> — the capture's problems, like DevTools' Issues panel but by cause: each row is one change on one
 * server, with how many requests it affects; it expands to the explanation, the one consolidated fix (header lines,
 * the snippet of the chosen stack, the re-check) and a button that filters the exchange grid to its requests.
 *
 *   <ProblemsView problems={report.problems} servers={report.servers} stack="express" onShowRequests={(ids) => …} />
 *
 * Above the list, each server with blocking problems gets its one configuration (report.servers): the header
 * lines that fix all of its blocking problems at once, collapsed in a native <details> (keyboard and screen
 * readers handle it).
 *
 * Problems arrive sorted (most severe, then those behind Chromium's named errors, then the most frequent). Every
 * value from the capture is rendered as text. Rows are native buttons (Tab, Enter, Space) with aria-expanded.
 */
import { useState } from 'preact/hooks';
import { NO_HEADER_FIX, clientFixText, patchLine, serverFixLine, type Problem, type ServerFix, type StackId } from '../../engine/index';

/** A problem as the panel has it: the worker leaves out the affected exchanges' ids (rows name their problems). */
type ListedProblem = Omit<Problem, 'exchanges'>;

export interface ProblemsViewProps {
  problems: readonly ListedProblem[];
  /** One configuration per server with blocking problems, most affected requests first. */
  servers: readonly ServerFix[];
  /** The stack whose snippet a fix shows (the fix picker's choice). */
  stack: StackId;
  /** Filters the request list to this problem's requests. */
  onShowRequests(problem: ListedProblem): void;
}

const SEVERITY_LABEL: Readonly<Record<Problem['severity'], string>> = { error: 'Error', warning: 'Warning', info: 'Note' };
const LISTED_MAX = 6;

function listed(values: readonly string[]): string {
  return values.length > LISTED_MAX ? `${values.slice(0, LISTED_MAX).join(', ')} and ${values.length - LISTED_MAX} more` : values.join(', ');
}

function plural(count: number, one: string): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? one : `${one}s`}`;
}

export function ProblemsView({ problems, servers, stack, onShowRequests }: ProblemsViewProps) {
  const [open, setOpen] = useState<ReadonlySet<string>>(() => new Set());
  const errors = problems.filter((problem) => problem.severity === 'error').length;
  const toggle = (id: string) => setOpen((current) => {
    const next = new Set(current);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    return next;
  });
  if (problems.length === 0) {
    return <section class="problems" aria-label="Problems"><p class="problems-empty">No problems: every request passed its checks and the audit found nothing to report.</p></section>;
  }
  return (
    <section class="problems" aria-label="Problems">
      <p class="problems-summary">
        {plural(problems.length, 'problem')} ({plural(errors, 'error')}), one change each — most severe and most frequent first.
      </p>
      {servers.length > 0 && <ServerFixes servers={servers} stack={stack} />}
      <ul class="problem-list">
        {problems.map((problem) => (
          <ProblemRow key={problem.id} problem={problem} stack={stack} expanded={open.has(problem.id)} onToggle={() => toggle(problem.id)} onShowRequests={onShowRequests} />
        ))}
      </ul>
    </section>
  );
}

interface ProblemRowProps {
  problem: ListedProblem;
  stack: StackId;
  expanded: boolean;
  onToggle(): void;
  onShowRequests(problem: ListedProblem): void;
}

function ProblemRow({ problem, stack, expanded, onToggle, onShowRequests }: ProblemRowProps) {
  const detailsId = `problem-${problem.id}`;
  return (
    <li class={`problem severity-${problem.severity}`} data-problem={problem.id}>
      <button type="button" class="problem-head" aria-expanded={expanded} aria-controls={detailsId} onClick={onToggle}>
        <span class={`badge severity-${problem.severity}`}>{SEVERITY_LABEL[problem.severity]}</span>
        <span class="problem-count">{plural(problem.count, 'request')}</span>
        <span class="problem-title">{problem.title}</span>
      </button>
      {expanded && <ProblemDetails id={detailsId} problem={problem} stack={stack} onShowRequests={onShowRequests} />}
    </li>
  );
}

function ProblemDetails({ id, problem, stack, onShowRequests }: { id: string; problem: ListedProblem; stack: StackId; onShowRequests: ProblemRowProps['onShowRequests'] }) {
  const { fix } = problem;
  const snippet = fix?.snippets.find((candidate) => candidate.stack === stack) ?? null;
  const facts: [string, string][] = [
    ['Server', problem.server],
    [problem.routes.length === 1 ? 'Route' : 'Routes', listed(problem.routes)],
    [problem.methods.length === 1 ? 'Method' : 'Methods', listed(problem.methods)],
    ...(problem.requestKinds.length > 0 ? [['Requests', problem.requestKinds.join('; ')] as [string, string]] : []),
    ...(problem.initiatorOrigins.length > 0 ? [['Pages', listed(problem.initiatorOrigins)] as [string, string]] : []),
    // firefoxErrors is filled only when the capture is judged for Firefox; Chromium's nearest codes follow.
    ...(problem.firefoxErrors.length > 0 ? [['Firefox', listed(problem.firefoxErrors)] as [string, string]] : []),
    ...(problem.corsErrors.length > 0 ? [['Chromium', listed(problem.corsErrors)] as [string, string]] : []),
    ['Rule', `${problem.rule} (${problem.reason})`],
  ];
  return (
    <div class="problem-details" id={id}>
      <dl class="problem-facts">
        {facts.map(([name, value]) => [<dt key={`${name}-t`}>{name}</dt>, <dd key={`${name}-d`}>{value}</dd>])}
      </dl>
      <p class="problem-explanation">{problem.example}</p>
      {fix === null && <p class="problem-fix">{NO_HEADER_FIX}: {problem.noServerFix ?? ''}</p>}
      {fix !== null && fix.target === 'client' && <p class="problem-fix">{NO_HEADER_FIX}: {clientFixText(fix.summary)}</p>}
      {fix !== null && fix.target !== 'client' && (
        <div class="problem-fix">
          <p><strong>Fix</strong> ({fix.target}): {fix.summary}</p>
          {fix.status !== undefined && <p>Answer with status {fix.status}.</p>}
          {fix.headers.length > 0 && <pre class="problem-patch">{fix.headers.map(patchLine).join('\n')}</pre>}
          <p class="problem-recheck">{fix.note}</p>
          {snippet !== null && (
            <>
              <p class="problem-snippet-label">{snippet.stack} ({snippet.verified ? 'run-verified in Chromium' : 'not run-verified'})</p>
              <pre class="problem-snippet">{snippet.code}</pre>
            </>
          )}
        </div>
      )}
      <button type="button" class="toolbar-button" onClick={() => onShowRequests(problem)}>
        Show the {plural(problem.count, 'request')} in the list
      </button>
    </div>
  );
}

/** "Or configure each server once": one collapsible block per server, the first one open. */
function ServerFixes({ servers, stack }: { servers: readonly ServerFix[]; stack: StackId }) {
  return (
    <section class="server-fixes" aria-label="One configuration per server">
      <h2 class="server-fixes-title">One configuration per server</h2>
      <p class="problems-summary">Each block fixes all of that server's blocking problems at once; send its lines on every response (errors and redirects too).</p>
      {servers.map((fix, position) => (
        <details key={fix.server} class="server-fix" data-server={fix.server} open={position === 0}>
          <summary>
            <span class="server-fix-server">{fix.server}</span>{' '}
            <span class="problem-count">{plural(fix.problems.length, 'problem')}, {plural(fix.exchanges, 'request')}</span>
          </summary>
          {fix.preflightStatus !== null && (
            <p>Answer OPTIONS with {fix.preflightStatus}, before authentication{fix.routes.length > 0 ? `, on ${listed(fix.routes)}` : ''}.</p>
          )}
          {fix.headers.length > 0 && <pre class="problem-patch">{fix.headers.map((patch) => serverFixLine(fix, patch)).join('\n')}</pre>}
          {fix.notes.length > 0 && <ul class="server-fix-notes">{fix.notes.map((note) => <li key={note}>{note}</li>)}</ul>}
          <ServerSnippet fix={fix} stack={stack} />
        </details>
      ))}
    </section>
  );
}

/** The server's configuration as code for the chosen stack: one allow-list of every page origin (report.servers[].snippets). */
function ServerSnippet({ fix, stack }: { fix: ServerFix; stack: StackId }) {
  // Reports from before server snippets have none.
  const snippet = (fix.snippets ?? []).find((candidate) => candidate.stack === stack) ?? null;
  if (snippet === null) return null;
  return (
    <>
      <p class="problem-snippet-label">{snippet.stack}: the whole configuration, in place of the server's other CORS settings ({snippet.verified ? 'run-verified in Chromium' : 'not run-verified'})</p>
      <pre class="problem-snippet server-fix-snippet">{snippet.code}</pre>
    </>
  );
}
