// Mantine theme: darker filled shades and text greys so that every text passes WCAG AA contrast.
import { createTheme, DEFAULT_THEME, type CSSVariablesResolver, type MantineColorsTuple } from '@mantine/core';

/** A Mantine palette with a darker shade 9, the text colour of light badges and alerts (4.5:1 on shade 1). */
function darkerText(name: 'yellow' | 'orange' | 'teal' | 'green', shade9: string): MantineColorsTuple {
  const colours = [...DEFAULT_THEME.colors[name]] as unknown as string[];
  colours[9] = shade9;
  return colours as unknown as MantineColorsTuple;
}

export const theme = createTheme({
  primaryColor: 'blue',
  // Mantine's yellow, orange, teal and green shade 9 stay under 4.5:1 on their light backgrounds.
  colors: {
    yellow: darkerText('yellow', '#7c4a00'),
    orange: darkerText('orange', '#a23c06'),
    teal: darkerText('teal', '#05664a'),
    green: darkerText('green', '#1f6b30'),
  },
  // Shade 8 of each colour under white text is above 4.5:1; Mantine's default shade 6 is not.
  primaryShade: { light: 8, dark: 8 },
  defaultRadius: 'sm',
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  headings: { fontWeight: '650' },
  focusRing: 'auto',
  cursorType: 'pointer',
});

/** Grey text (dimmed, placeholders) dark enough for 4.5:1 on white. */
export const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': 'var(--mantine-color-gray-7)',
    '--mantine-color-placeholder': '#6c757d',
    // Error text under fields: red 8 (5.6:1 on white) instead of red 6 (3.6:1).
    '--mantine-color-error': 'var(--mantine-color-red-8)',
  },
  dark: {},
});
