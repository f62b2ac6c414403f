// @vitest-environment happy-dom
import { fireEvent, render } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { diagnose, type Problem } from '../../src/engine/index';
import { ProblemsView } from '../../src/panel/problems/ProblemsView';
import { exchange, har } from '../fixtures/builders';

function problemsOf(entries: unknown[]): readonly Problem[] {
  const result = diagnose(har(entries as never));
  if (!result.ok) throw new Error(result.error.message);
  return result.report.problems;
}

const capture = [
  ...exchange({ url: 'https://api.example.net/v1/items/1', at: 0 }).actual({ error: 'net::ERR_FAILED' }).entries(),
  ...exchange({ url: 'https://api.example.net/v1/items/2', at: 10, origin: 'https://b.example' }).actual({ error: 'net::ERR_FAILED' }).entries(),
  ...exchange({ url: 'https://api.example.net/ok', at: 20 }).actual({ acao: '*' }).entries(),
];

describe('<ProblemsView>', () => {
  it('lists one row per cause with its count, and expands to the fix and the requests behind it', () => {
    const problems = problemsOf(capture);
    const shown: string[] = [];
    const { container, getByText } = render(<ProblemsView problems={problems} stack="express" onShowRequests={(problem) => shown.push(problem.id)} />);
    const rows = [...container.querySelectorAll('.problem-head')];
    expect(rows).toHaveLength(problems.length);
    expect(rows[0]?.textContent).toBe('Error2 requestsThe response has no Access-Control-Allow-Origin header — https://api.example.net/v1/items/:id');
    expect(rows[0]?.getAttribute('aria-expanded')).toBe('false');
    fireEvent.click(rows[0] as Element);
    expect(rows[0]?.getAttribute('aria-expanded')).toBe('true');
    const details = container.querySelector(`#${rows[0]?.getAttribute('aria-controls') ?? 'none'}`);
    expect(details?.textContent).toContain('https://app.example, https://b.example');
    expect(details?.querySelector('.problem-patch')?.textContent).toContain('Access-Control-Allow-Origin: https://app.example');
    expect(details?.querySelector('.problem-snippet')?.textContent).toContain('cors(');
    fireEvent.click(getByText('Show the 2 requests in the list'));
    expect(shown).toEqual([problems[0]?.id]);
  });

  it('renders hostile values as text, and says so when there is nothing to fix', () => {
    const hostile = problemsOf(exchange({ url: 'https://api.example.net/<img src=x onerror=alert(1)>', at: 0 }).actual({ error: 'net::ERR_FAILED' }).entries());
    const { container } = render(<ProblemsView problems={hostile} stack="nginx" onShowRequests={() => undefined} />);
    fireEvent.click(container.querySelector('.problem-head') as Element);
    expect(container.querySelector('img')).toBeNull();
    const empty = render(<ProblemsView problems={[]} stack="express" onShowRequests={() => undefined} />);
    expect(empty.container.textContent).toMatch(/No problems/);
  });
});
