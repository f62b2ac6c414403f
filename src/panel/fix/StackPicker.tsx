import type { StackInfo } from '../../engine/index';

export interface StackPickerProps {
  stacks: readonly StackInfo[];
  value: string;
  onChange(stack: string): void;
}

/** The server stack to show snippets for; run-verified stacks are marked. */
export function StackPicker({ stacks, value, onChange }: StackPickerProps) {
  return (
    <label class="stack-picker">
      Server stack{' '}
      <select value={value} aria-label="Server stack" onChange={(event) => onChange(event.currentTarget.value)}>
        {stacks.map((stack) => (
          <option key={stack.id} value={stack.id}>
            {stack.label}{stack.verified ? ' ✓' : ''}
          </option>
        ))}
      </select>
    </label>
  );
}
