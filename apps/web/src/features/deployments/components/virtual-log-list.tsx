import { useLayoutEffect, useRef, useState } from 'react';

interface VirtualLogListProps {
  count: number;
  /** Every row has this height in px (the stylesheet gives the rows the same). */
  rowHeight: number;
  renderRow: (index: number) => React.ReactNode;
  /** Keep the newest row in view as rows are added. */
  following: boolean;
  /** The user scrolled: whether the view now ends at the last row. */
  onScrolled: (atEnd: boolean) => void;
  /** Shown instead of rows while there are none. */
  empty: React.ReactNode;
  label: string;
  testId?: string;
}

/** Rows rendered above and below the visible ones, so a fast scroll does not show blanks. */
const OVERSCAN = 20;
/** Until the viewport is measured (and in tests, where nothing has a size): about the stylesheet's height. */
const FALLBACK_HEIGHT_PX = 480;

/**
 * A scrolled list of fixed-height rows that mounts only the rows in view (windowing): a log of
 * 50,000 lines costs the DOM a few dozen elements. The full height is kept by a spacer, so the
 * scroll bar and scrolling behave as if every row were there.
 */
export function VirtualLogList({ count, rowHeight, renderRow, following, onScrolled, empty, label, testId }: VirtualLogListProps) {
  const viewport = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(FALLBACK_HEIGHT_PX);

  useLayoutEffect(() => {
    const element = viewport.current;
    if (!element || typeof ResizeObserver === 'undefined') return;
    const measure = () => {
      if (element.clientHeight > 0) setHeight(element.clientHeight);
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  // Following: the view sits at the end, whatever the last scroll event said.
  useLayoutEffect(() => {
    const element = viewport.current;
    if (!following || !element) return;
    element.scrollTop = element.scrollHeight;
  }, [following, count]);

  const visible = Math.ceil(height / rowHeight);
  const top = following ? Math.max(0, count * rowHeight - height) : scrollTop;
  const first = Math.max(0, Math.floor(top / rowHeight) - OVERSCAN);
  const last = Math.min(count, Math.floor(top / rowHeight) + visible + OVERSCAN);

  const onScroll = () => {
    const element = viewport.current;
    if (!element) return;
    setScrollTop(element.scrollTop);
    onScrolled(element.scrollHeight - element.scrollTop - element.clientHeight <= rowHeight);
  };

  const rows: React.ReactNode[] = [];
  for (let index = first; index < last; index += 1) rows.push(renderRow(index));

  return (
    <div ref={viewport} className="log-list" role="log" aria-label={label} aria-live="off" tabIndex={0} onScroll={onScroll} data-testid={testId}>
      {count === 0 ? (
        empty
      ) : (
        <div className="log-list__spacer" style={{ height: count * rowHeight }}>
          <div className="log-list__window" style={{ transform: `translateY(${first * rowHeight}px)` }}>
            {rows}
          </div>
        </div>
      )}
    </div>
  );
}
