import { useEffect, useState } from 'react';
import { CopyIcon } from './icons';

interface CopyButtonProps {
  text: string;
  /** Button text, e.g. "Copy token". */
  label: string;
  className?: string;
}

type CopyState = 'idle' | 'copied' | 'failed';

const RESET_AFTER_MS = 2_000;

/** Copies `text` to the clipboard and says so; a refused clipboard asks the user to copy by hand. */
export function CopyButton({ text, label, className = 'button button--secondary button--small' }: CopyButtonProps) {
  const [state, setState] = useState<CopyState>('idle');

  useEffect(() => {
    if (state === 'idle') return;
    const timer = setTimeout(() => setState('idle'), RESET_AFTER_MS);
    return () => clearTimeout(timer);
  }, [state]);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setState('copied');
    } catch {
      // No clipboard (insecure context, permission refused): the text is on screen to select.
      setState('failed');
    }
  };

  return (
    <button type="button" className={className} onClick={() => void copy()} aria-live="polite">
      <CopyIcon />
      {state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed: select the text' : label}
    </button>
  );
}
