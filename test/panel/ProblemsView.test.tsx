// @vitest-environment happy-dom
import { fireEvent, render } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { diagnose, type Report } from '../../src/engine/index';
import { ProblemsView } from '../../src/panel/problems/ProblemsView';
import { exchange, har } from '../fixtures/builders';

function reportOf(entries: unknown[]): Report {
  const result = diagnose(har(entries as never));
  if (!result.ok) throw new Error(result.error.message);
  return result.report;
}

const capture = [
  ...exchange({ url: 'https://api.example.net/v1/items/1', at: 0 }).actual({ error: 'net::ERR_FAILED' }).entries(),
  ...exchange({ url: 'https://api.example.net/v1/items/2', at: 10, origin: 'https://b.example' }).actual({ error: 'net::ERR_FAILED' }).entries(),
  ...exchange({ url: 'https://api.example.net/ok', at: 20 }).actual({ acao: '*' }).entries(),
];

describe('<ProblemsView>', () => {
  it('lists one row per cause with its count, and expands to the fix and the requests behind it', () => {
    const { problems, servers } = reportOf(capture);
    const shown: string[] = [];
    const { container, getByText } = render(<ProblemsView problems={problems} servers={servers} stack="express" onShowRequests={(problem) => shown.push(problem.id)} />);
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

  it('puts each server\'s one configuration on top: every page origin it needs, echoed with Vary: Origin', () => {
    const { problems, servers } = reportOf(capture);
    const { container } = render(<ProblemsView problems={problems} servers={servers} stack="express" onShowRequests={() => undefined} />);
    const blocks = [...container.querySelectorAll('.server-fix')];
    expect(blocks).toHaveLength(1);
    expect(blocks[0]?.getAttribute('data-server')).toBe('https://api.example.net');
    expect(blocks[0]?.hasAttribute('open')).toBe(true);
    expect(blocks[0]?.querySelector('summary')?.textContent).toBe('https://api.example.net 1 problem, 2 requests');
    expect(blocks[0]?.querySelector('.problem-patch')?.textContent).toBe("Access-Control-Allow-Origin: <the request's Origin when it is one of https://app.example, https://b.example>\nVary: Origin");
    // The server section comes before the problem list.
    expect(container.querySelector('.server-fixes + .problem-list, .server-fixes ~ .problem-list')).not.toBeNull();
  });

  it('shows each server\'s configuration as code for the chosen stack: one allow-list of its page origins', () => {
    const { problems, servers } = reportOf(capture);
    const express = render(<ProblemsView problems={problems} servers={servers} stack="express" onShowRequests={() => undefined} />);
    const code = express.container.querySelector('.server-fix .server-fix-snippet')?.textContent ?? '';
    expect(code).toContain('origin: ["https://app.example", "https://b.example"]');
    expect(express.container.querySelector('.server-fix .problem-snippet-label')?.textContent).toMatch(/^express: the whole configuration/);
    const nginx = render(<ProblemsView problems={problems} servers={servers} stack="nginx" onShowRequests={() => undefined} />);
    expect(nginx.container.querySelector('.server-fix .server-fix-snippet')?.textContent).toContain('map $http_origin $cors_allow_origin {');
    // A report from before server snippets shows the header lines alone.
    const old = servers.map(({ snippets: _snippets, ...fix }) => fix) as unknown as typeof servers;
    const before = render(<ProblemsView problems={problems} servers={old} stack="express" onShowRequests={() => undefined} />);
    expect(before.container.querySelector('.server-fix-snippet')).toBeNull();
    expect(before.container.querySelector('.server-fix .problem-patch')).not.toBeNull();
  });

  it('renders hostile values as text, and says so when there is nothing to fix', () => {
    const hostile = reportOf(exchange({ url: 'https://api.example.net/<img src=x onerror=alert(1)>', at: 0, origin: 'https://<b>x</b>.example' }).actual({ error: 'net::ERR_FAILED' }).entries());
    const { container } = render(<ProblemsView problems={hostile.problems} servers={hostile.servers} stack="nginx" onShowRequests={() => undefined} />);
    fireEvent.click(container.querySelector('.problem-head') as Element);
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('b')).toBeNull();
    const empty = render(<ProblemsView problems={[]} servers={[]} stack="express" onShowRequests={() => undefined} />);
    expect(empty.container.textContent).toMatch(/No problems/);
  });
});
