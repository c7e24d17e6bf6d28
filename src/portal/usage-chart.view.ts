import { escapeHtml, trusted, type Html } from './html';
import type { UsageView } from './energy-data.service';

const WIDTH = 960;
const HEIGHT = 220;
const AXIS = 40;
const MAX_TITLED_BARS = 1300;

interface Bar {
  kwh: number;
  estimated: boolean;
  label: string;
}

/**
 * The bar chart above each table (CR003), drawn on the server as SVG: no script, no library, no
 * request of its own, and the numbers cannot disagree with the table since both come from the same
 * rows. One <rect> per interval, day or billing period with data; a gap where there is none.
 */
export function usageChart(view: UsageView): Html {
  const slots: (Bar | null)[] = [];
  // USAGE_KWH (TOTAL_KWH for monthly usage) and ESTIMATED_ACTUAL in the report files' columns.
  const kwhColumn = view.type === 'DAILY' ? 6 : 5;
  const flagColumn = view.type === 'DAILY' ? 7 : 6;
  for (const group of view.groups) {
    if (group.rows.length === 0) {
      slots.push(...new Array<null>(view.type === 'INTERVAL' ? 96 : 1).fill(null));
      continue;
    }
    for (const row of group.rows) {
      const kwh = row[kwhColumn] ?? '';
      slots.push(kwh === '' ? null : { kwh: Number(kwh), estimated: view.type === 'MONTHLY' ? row[4] !== '0.000' : row[flagColumn] === 'E', label: `${group.label} ${view.type === 'INTERVAL' ? row[3] : ''}` });
    }
  }
  const max = Math.max(0.001, ...slots.map((s) => s?.kwh ?? 0));
  const step = (WIDTH - AXIS) / Math.max(1, slots.length);
  const width = Math.max(0.5, step * 0.8);
  // A tooltip per bar doubles a 40-day interval chart (3,840 bars): only the shorter charts get them.
  const titles = slots.length <= MAX_TITLED_BARS;
  const w = width.toFixed(2);
  let rects = '';
  for (let i = 0; i < slots.length; i++) {
    const bar = slots[i];
    if (!bar) continue;
    const h = Math.max(1, (bar.kwh / max) * (HEIGHT - 20));
    rects += `<rect class="bar${bar.estimated ? ' est' : ''}" x="${tenths(AXIS + i * step)}" y="${tenths(HEIGHT - h)}" width="${w}" height="${tenths(h)}"`;
    rects += titles ? `><title>${escapeHtml(bar.label.trim())}: ${bar.kwh.toFixed(3)} kWh${bar.estimated ? ' (estimated)' : ''}</title></rect>` : '/>';
  }
  const axis = `<text class="axis" x="0" y="12">${max.toFixed(3)}</text><text class="axis" x="0" y="${HEIGHT}">0</text><text class="axis" x="0" y="26">kWh</text>`;
  return trusted(`<svg class="chart" role="img" aria-label="Usage chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" xmlns="http://www.w3.org/2000/svg">${axis}${rects}</svg>`);
}

/** One decimal, without toFixed's cost (it shows in profiles of 3,840-bar charts). */
function tenths(n: number): number {
  return Math.round(n * 10) / 10;
}
