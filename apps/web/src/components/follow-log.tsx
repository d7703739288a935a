import { useLayoutEffect, useRef, useState } from 'react';
import './follow-log.css';

interface FollowLogProps {
  /** The log so far. */
  text: string;
  /** Shown, muted, while there is no text. */
  empty: string;
  /** The log's accessible name. */
  label: string;
  testId?: string;
}

/** A run's log, kept scrolled to the newest line until the reader scrolls up (and again once they scroll back down). */
export function FollowLog({ text, empty, label, testId }: FollowLogProps) {
  const [stuck, setStuck] = useState(true);
  const viewport = useRef<HTMLPreElement>(null);
  useLayoutEffect(() => {
    const element = viewport.current;
    if (stuck && element) element.scrollTop = element.scrollHeight;
  }, [text, stuck]);
  const onScroll = () => {
    const element = viewport.current;
    if (element) setStuck(element.scrollHeight - element.scrollTop - element.clientHeight <= 8);
  };
  return (
    <pre ref={viewport} className="follow-log" role="log" aria-label={label} tabIndex={0} onScroll={onScroll} data-testid={testId}>
      {text === '' ? <span className="muted">{empty}</span> : text}
    </pre>
  );
}
