import { useEffect, useState } from 'preact/hooks';
import { browserClipboard, type Clipboard } from './clipboard';

export interface CopyButtonProps {
  text: string;
  /** What is copied, for the accessible name: "Copy {label}". */
  label: string;
  clipboard?: Clipboard;
}

/** A button that copies `text` and says whether it worked. */
export function CopyButton({ text, label, clipboard = browserClipboard }: CopyButtonProps) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return undefined;
    const timer = setTimeout(() => setState('idle'), 2000);
    return () => clearTimeout(timer);
  }, [state]);
  const copy = () => {
    clipboard.writeText(text).then(() => setState('copied'), () => setState('failed'));
  };
  return (
    <button type="button" class="toolbar-button copy-button" aria-label={`Copy ${label}`} data-copy={label} onClick={copy}>
      {state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed — select the text' : 'Copy'}
    </button>
  );
}
