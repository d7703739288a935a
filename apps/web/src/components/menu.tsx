import { useEffect, useId, useRef, useState } from 'react';

interface MenuProps {
  /** Accessible name of the button and the menu. */
  label: string;
  trigger: React.ReactNode;
  triggerClassName?: string;
  align?: 'start' | 'end';
  /** Next to `menu__list`, e.g. for a wider panel. */
  listClassName?: string;
  /** Items; gets a `close` to call after an item has acted. */
  children: (close: () => void) => React.ReactNode;
  testId?: string;
}

const ITEM_SELECTOR = '[role^="menuitem"]:not([aria-disabled="true"])';

/**
 * A button that opens a list of actions below it. Closes on Escape (back to the button), on a
 * click outside, and after an item acts; arrow keys move between items.
 */
export function Menu({ label, trigger, triggerClassName = 'menu-trigger', align = 'end', listClassName, children, testId }: MenuProps) {
  const [open, setOpen] = useState(false);
  const menuId = useId();
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const list = useRef<HTMLDivElement>(null);

  const close = (refocus = true) => {
    setOpen(false);
    if (refocus) button.current?.focus();
  };

  useEffect(() => {
    if (!open) return;
    list.current?.querySelector<HTMLElement>(ITEM_SELECTOR)?.focus();
    const onPointerDown = (event: PointerEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', onPointerDown);
    return () => document.removeEventListener('pointerdown', onPointerDown);
  }, [open]);

  const onKeyDown = (event: React.KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      close();
      return;
    }
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    event.preventDefault();
    const items = Array.from(list.current?.querySelectorAll<HTMLElement>(ITEM_SELECTOR) ?? []);
    if (items.length === 0) return;
    const at = items.indexOf(document.activeElement as HTMLElement);
    const step = event.key === 'ArrowDown' ? 1 : -1;
    items[(at + step + items.length) % items.length].focus();
  };

  return (
    <div className="menu" ref={root} data-testid={testId}>
      <button
        ref={button}
        type="button"
        className={triggerClassName}
        aria-label={label}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        onClick={() => setOpen((was) => !was)}
      >
        {trigger}
      </button>
      {open && (
        <div
          id={menuId}
          ref={list}
          role="menu"
          aria-label={label}
          className={`menu__list menu__list--${align}${listClassName ? ` ${listClassName}` : ''}`}
          onKeyDown={onKeyDown}
          onBlur={(event) => {
            // Tabbing out of the menu closes it, as a click outside does.
            if (event.relatedTarget && !root.current?.contains(event.relatedTarget)) setOpen(false);
          }}
        >
          {children(() => close(false))}
        </div>
      )}
    </div>
  );
}
