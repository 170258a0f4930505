import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(import.meta.url);
const dir = path.join(path.dirname(require.resolve("dejavu-fonts-ttf/package.json")), "ttf");

/**
 * DejaVu (npm `dejavu-fonts-ttf`, Bitstream Vera licence): full Latin coverage — é è à ç œ « » ’ ° ≥ —
 * embedded as a subset in every sheet, so the text renders and copies out exactly. Never fetched at run time.
 */
export const FONTS = {
  regular: path.join(dir, "DejaVuSans.ttf"),
  bold: path.join(dir, "DejaVuSans-Bold.ttf"),
  italic: path.join(dir, "DejaVuSans-Oblique.ttf"),
} as const;
