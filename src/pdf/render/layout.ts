/** Page geometry and palette of a liaison sheet (A4 portrait, points). */
export const PAGE = {
  size: "A4",
  margins: { top: 96, bottom: 64, left: 50, right: 50 },
  headerTop: 26,
  footerFromBottom: 40,
} as const;

export const COLORS = {
  accent: "#1f4e79",
  band: "#eef3f8",
  label: "#4a4a4a",
  muted: "#6b6b6b",
  rule: "#c9d3de",
  text: "#111111",
} as const;

export const SIZES = {
  title: 16,
  section: 11.5,
  group: 10,
  label: 8.5,
  body: 9.5,
  small: 7.5,
} as const;
