/** Inline SVG charts (no library): a horizontal bar chart and a share gauge, both with text alternatives. */
import { h, svg } from "./dom.ts";
import { stateLabel } from "./status.ts";

/** Horizontal bars, one per entry; the table of values is the accessible alternative. */
export function barChart(
  title: string,
  entries: readonly (readonly [string, number])[],
  id: string,
): HTMLElement {
  const max = Math.max(1, ...entries.map(([, v]) => v));
  const rowH = 30;
  const labelW = 150;
  const width = 340;
  const chart = svg(
    "svg",
    {
      viewBox: `0 0 ${String(width)} ${String(Math.max(1, entries.length) * rowH + 8)}`,
      role: "img",
      "aria-labelledby": `${id}-t`,
      class: "chart",
    },
    svg("title", { id: `${id}-t` }, title),
    ...entries.flatMap(([k, v], i) => {
      const y = i * rowH + 4;
      const w = ((width - labelW - 50) * v) / max;
      return [
        svg("text", { x: labelW - 8, y: y + 18, "text-anchor": "end", class: "chart-label" }, stateLabel(k)),
        svg("rect", {
          x: labelW,
          y: y + 4,
          width: Math.max(w, v > 0 ? 2 : 0),
          height: rowH - 10,
          class: `bar bar-${k}`,
          rx: 3,
        }),
        svg("text", { x: labelW + w + 6, y: y + 18, class: "chart-value" }, String(v)),
      ];
    }),
  );
  return h(
    "figure",
    { class: "chart-figure", id },
    chart,
    h("figcaption", {}, title),
    entries.length === 0 ? h("p", { class: "muted" }, "Aucune donnée.") : null,
  );
}

/** A semicircle gauge for a share between 0 and 1, e.g. the HAS indicator. */
export function gauge(title: string, share: number | undefined, caption: string, id: string): HTMLElement {
  const s = share === undefined ? 0 : Math.min(1, Math.max(0, share));
  const angle = Math.PI * (1 - s);
  const [cx, cy, r] = [100, 100, 80];
  const x = cx + r * Math.cos(angle);
  const y = cy - r * Math.sin(angle);
  const text = share === undefined ? "—" : `${(s * 100).toFixed(0)} %`;
  return h(
    "figure",
    { class: "chart-figure gauge", id },
    svg(
      "svg",
      { viewBox: "0 0 200 120", role: "img", "aria-labelledby": `${id}-t`, class: "chart" },
      svg("title", { id: `${id}-t` }, `${title} : ${text}`),
      svg("path", { d: `M 20 100 A 80 80 0 0 1 180 100`, class: "gauge-track" }),
      s > 0
        ? svg("path", { d: `M 20 100 A 80 80 0 0 1 ${x.toFixed(2)} ${y.toFixed(2)}`, class: "gauge-fill" })
        : null,
      svg("text", { x: 100, y: 95, "text-anchor": "middle", class: "gauge-value", "data-value": text }, text),
    ),
    h("figcaption", {}, title, h("br"), h("span", { class: "muted" }, caption)),
  );
}
