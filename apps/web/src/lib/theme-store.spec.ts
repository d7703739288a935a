import { beforeEach, describe, expect, it, vi } from 'vitest';
import { bindThemeToDocument, preferredTheme, THEME_STORAGE_KEY, useThemeStore } from './theme-store';

function stubColorScheme(scheme: 'light' | 'dark') {
  vi.stubGlobal('matchMedia', (query: string) => ({ matches: query === `(prefers-color-scheme: ${scheme})` }));
}

describe('useThemeStore', () => {
  beforeEach(() => {
    useThemeStore.setState({ theme: 'dark' });
  });

  it('toggles between dark and light', () => {
    useThemeStore.getState().toggle();
    expect(useThemeStore.getState().theme).toBe('light');

    useThemeStore.getState().toggle();
    expect(useThemeStore.getState().theme).toBe('dark');
  });

  it('persists the chosen theme to localStorage', () => {
    useThemeStore.getState().toggle();

    expect(JSON.parse(localStorage.getItem(THEME_STORAGE_KEY) ?? 'null')).toMatchObject({ state: { theme: 'light' } });
  });

  it('restores the saved theme on rehydration', async () => {
    localStorage.setItem(THEME_STORAGE_KEY, JSON.stringify({ state: { theme: 'light' }, version: 0 }));

    await useThemeStore.persist.rehydrate();

    expect(useThemeStore.getState().theme).toBe('light');
  });
});

describe(preferredTheme.name, () => {
  it('follows prefers-color-scheme', () => {
    stubColorScheme('light');
    expect(preferredTheme()).toBe('light');

    stubColorScheme('dark');
    expect(preferredTheme()).toBe('dark');
  });
});

describe(bindThemeToDocument.name, () => {
  it('mirrors the current and every later theme onto data-theme', () => {
    useThemeStore.setState({ theme: 'dark' });
    const root = document.createElement('html');

    const unbind = bindThemeToDocument(root);
    expect(root.dataset.theme).toBe('dark');

    useThemeStore.getState().toggle();
    expect(root.dataset.theme).toBe('light');

    unbind();
    useThemeStore.getState().toggle();
    expect(root.dataset.theme).toBe('light');
  });
});
