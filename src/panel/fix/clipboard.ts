/** Writes text to the clipboard. */
export interface Clipboard {
  writeText(text: string): Promise<void>;
}

/**
 * navigator.clipboard when the page may use it (DevTools extension panels often may not), else a hidden
 * textarea + execCommand('copy'). The text is assigned to `.value`, never parsed as HTML.
 */
export const browserClipboard: Clipboard = {
  async writeText(text) {
    try {
      if (typeof navigator !== 'undefined' && navigator.clipboard?.writeText) {
        await navigator.clipboard.writeText(text);
        return;
      }
    } catch {
      // Permission denied or not focused: fall through to the textarea.
    }
    copyWithTextarea(text);
  },
};

export function copyWithTextarea(text: string): void {
  const textarea = document.createElement('textarea');
  textarea.value = text;
  textarea.setAttribute('readonly', '');
  textarea.style.position = 'fixed';
  textarea.style.opacity = '0';
  document.body.append(textarea);
  textarea.select();
  try {
    if (!document.execCommand('copy')) throw new Error('copy refused');
  } finally {
    textarea.remove();
  }
}
