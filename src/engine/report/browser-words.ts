/**
 * How every renderer (text, Markdown, HTML, the panel) words the judged browser and its error names, decided
 * once: a Firefox report leads with Firefox's reason keys and gives Chromium's nearest code beside them.
 */
import { BROWSER_NAMES, type JudgedBrowser } from '../spec/browsers.js';
import type { Finding, Report, ReportExchange } from './types.js';

/** "Firefox's checks (the HAR's browser, Firefox 153.0)" — what the verdicts replay, and why that browser. */
export function judgedBrowserText(browser: JudgedBrowser): string {
  const name = BROWSER_NAMES[browser.id];
  const recorded = browser.recordedBy === null ? '' : `, ${browser.recordedBy}`;
  switch (browser.basis) {
    case 'live-host':
      return `${name}'s checks (the browser capturing)`;
    case 'chosen':
      return `${name}'s checks (chosen${browser.recordedBy === null ? '' : `; recorded by ${browser.recordedBy}`})`;
    case 'har-browser':
      return `${name}'s checks (the HAR's browser${recorded})`;
    case 'har-creator':
      return `${name}'s checks (the HAR's producer)`;
    case 'assumed':
      return browser.recordedBy === null
        ? `${name}'s checks (assumed: the HAR names no browser)`
        : `${name}'s checks (assumed: ${browser.recordedBy} recorded it, whose checks are not modelled)`;
  }
}

/** A problem's or exchange's error names in the judged browser's words: "CORSMissingAllowOrigin (Chromium: MissingAllowOriginHeader)". */
export function errorNamesText(report: Pick<Report, 'browser'>, chromium: readonly string[], firefox: readonly string[]): string | null {
  if (report.browser.id === 'firefox') {
    if (firefox.length === 0) return chromium.length === 0 ? null : `Chromium: ${chromium.join(', ')}`;
    return `Firefox: ${firefox.join(', ')}${chromium.length === 0 ? '' : ` (Chromium: ${chromium.join(', ')})`}`;
  }
  return chromium.length === 0 ? null : `Chromium: ${chromium.join(', ')}`;
}

/** The judged browser's name for an exchange's block: Firefox's key when it judges for Firefox, else Chromium's code. */
export function exchangeErrorName(report: Pick<Report, 'browser'>, exchange: Pick<ReportExchange, 'corsError' | 'firefoxError'>): string | null {
  return report.browser.id === 'firefox' ? exchange.firefoxError ?? exchange.corsError : exchange.corsError;
}

/** The column or field label for those names. */
export function errorLabel(report: Pick<Report, 'browser'>): string {
  return `${BROWSER_NAMES[report.browser.id]} error`;
}

/** A finding's error in the judged browser's words, or null for findings that name none. */
export function findingErrorText(report: Pick<Report, 'browser'>, finding: Pick<Finding, 'corsError' | 'firefoxError'>): string | null {
  if (report.browser.id === 'firefox' && finding.firefoxError !== null) {
    return finding.corsError === null ? finding.firefoxError : `${finding.firefoxError} (Chromium: ${finding.corsError})`;
  }
  return finding.corsError;
}

/** An exchange's error facts as label and name (null: none): Firefox's key first when judging for Firefox. */
export function exchangeErrorFacts(report: Pick<Report, 'browser'>, exchange: Pick<ReportExchange, 'corsError' | 'firefoxError'>): readonly (readonly [string, string | null])[] {
  if (report.browser.id !== 'firefox') return [['Chromium error', exchange.corsError]];
  return [['Firefox error', exchange.firefoxError], ['Chromium error (nearest)', exchange.corsError]];
}
