// The text colour on an organisation's accent, shared by the widget and the preview of the widget keys page so that
// both show the same: white or near-black (#1a1b1e), whichever contrasts more (WCAG relative luminance).
export function textOnAccent(hex: string): string {
  const channel = (index: number) => {
    const value = parseInt(hex.slice(index, index + 2), 16) / 255;
    return value <= 0.03928 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
  // Contrast with white (luminance 1) against contrast with #1a1b1e (luminance about 0.011).
  return 1.05 / (luminance + 0.05) >= (luminance + 0.05) / 0.061 ? '#fff' : '#1a1b1e';
}
