import { Fragment, memo } from 'react';
import { type AnsiStyle, parseAnsi } from '../ansi';

function classesOf(style: AnsiStyle): string | undefined {
  const classes: string[] = [];
  if (typeof style.fg === 'number') classes.push(`ansi-fg-${style.fg}`);
  if (typeof style.bg === 'number') classes.push(`ansi-bg-${style.bg}`);
  if (style.bold) classes.push('ansi-bold');
  if (style.dim) classes.push('ansi-dim');
  if (style.italic) classes.push('ansi-italic');
  if (style.underline) classes.push('ansi-underline');
  return classes.length > 0 ? classes.join(' ') : undefined;
}

function inlineOf(style: AnsiStyle): React.CSSProperties | undefined {
  const color = typeof style.fg === 'string' ? style.fg : undefined;
  const backgroundColor = typeof style.bg === 'string' ? style.bg : undefined;
  return color || backgroundColor ? { color, backgroundColor } : undefined;
}

/** A log line with its colour codes applied, as React text nodes (never HTML). */
export const AnsiText = memo(function AnsiText({ line }: { line: string }) {
  return parseAnsi(line).map((span, i) => {
    const className = classesOf(span.style);
    const style = inlineOf(span.style);
    return className || style ? (
      <span key={i} className={className} style={style}>
        {span.text}
      </span>
    ) : (
      <Fragment key={i}>{span.text}</Fragment>
    );
  });
});
