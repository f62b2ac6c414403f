import { CopyButton } from './CopyButton';
import type { Clipboard } from './clipboard';
import type { CurlCommands as Commands } from './curl';

export interface CurlCommandsProps {
  commands: Commands;
  clipboard?: Clipboard;
}

/** The preflight and actual request as curl commands (secrets redacted), to check the server after deploying. */
export function CurlCommands({ commands, clipboard }: CurlCommandsProps) {
  const items = [
    ...(commands.preflight === null ? [] : [{ label: 'preflight curl command', text: commands.preflight }]),
    ...(commands.actual === null ? [] : [{ label: 'request curl command', text: commands.actual }]),
  ];
  if (items.length === 0) return null;
  return (
    <section class="curl-commands" aria-label="Check the server with curl">
      <h4>Check the server after deploying</h4>
      <p class="note">curl ignores CORS: read the Access-Control-* lines of each response. Cookies and tokens are redacted.</p>
      {items.map((item) => (
        <div key={item.label} class="curl-command">
          <pre data-curl={item.label}>{item.text}</pre>
          <CopyButton text={item.text} label={item.label} {...(clipboard ? { clipboard } : {})} />
        </div>
      ))}
    </section>
  );
}
