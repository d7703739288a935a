import { create } from 'zustand';
import { persist } from 'zustand/middleware';

export type Theme = 'dark' | 'light';

interface ThemeState {
  theme: Theme;
  toggle: () => void;
}

export const THEME_STORAGE_KEY = 'zpanel.theme';

/** The operating system's preference, used until the user picks a theme. */
export function preferredTheme(): Theme {
  return window.matchMedia?.('(prefers-color-scheme: light)').matches ? 'light' : 'dark';
}

export const useThemeStore = create<ThemeState>()(
  persist(
    (set) => ({
      theme: preferredTheme(),
      toggle: () => set(({ theme }) => ({ theme: theme === 'dark' ? 'light' : 'dark' })),
    }),
    { name: THEME_STORAGE_KEY, partialize: ({ theme }) => ({ theme }) },
  ),
);

/** Mirrors the theme onto `<html data-theme>`, where the CSS variables switch. */
export function bindThemeToDocument(root: HTMLElement = document.documentElement): () => void {
  const apply = (theme: Theme) => {
    root.dataset.theme = theme;
  };
  apply(useThemeStore.getState().theme);
  return useThemeStore.subscribe(({ theme }) => apply(theme));
}
