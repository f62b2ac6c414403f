import type { DiffLine } from './recorded';

export interface HeaderDiffProps {
  /** "the preflight (OPTIONS) response", "the GET response"… */
  title: string;
  lines: readonly DiffLine[];
}

const SIGN = { status: '', keep: ' ', remove: '-', add: '+' } as const;

/** One response's patch as diff lines; every value is rendered as text. */
export function HeaderDiff({ title, lines }: HeaderDiffProps) {
  return (
    <figure class="header-diff" data-diff={title}>
      <figcaption>{title}</figcaption>
      <pre>
        {lines.flatMap((line, position) =>
          line.kind === 'status'
            ? [
                <span key={`${position}-before`} class="diff-remove" data-diff-line="remove">{`- HTTP ${line.before}\n`}</span>,
                <span key={`${position}-after`} class="diff-add" data-diff-line="add">{`+ HTTP ${line.after}\n`}</span>,
              ]
            : [<span key={position} class={`diff-${line.kind}`} data-diff-line={line.kind}>{`${SIGN[line.kind]} ${line.name}: ${line.value}\n`}</span>],
        )}
      </pre>
    </figure>
  );
}
