'use strict';
// The bench's table as an SVG bar chart: one group of bars per workload and
// server, one bar per client, each bar's length relative to the group's
// best, its value written beside it. No dependencies.

const COLORS = { ours: '#1f77b4', nodes: '#6baed6', 'basic-ftp': '#ff7f0e', curl: '#2ca02c', lftp: '#9467bd' };
const ORDER = ['ours', 'nodes', 'basic-ftp', 'curl', 'lftp'];

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function renderChart(summary, o) {
  const groups = [];
  const add = (title, rows, key, unit, lowerIsBetter) => {
    const bars = ORDER.map((c) => rows.find((r) => r.client === c)).filter(Boolean).map((r) => ({ client: r.client, v: r[key] }));
    if (bars.length) groups.push({ title, bars, unit, lowerIsBetter });
  };
  const servers = [...new Set(summary.map((r) => r.server))];
  for (const server of servers) {
    const of = (pred) => summary.filter((r) => r.server === server && pred(r));
    for (const mib of o.sizes) {
      for (const op of ['get', 'put']) add(`${server}: ${op} ${mib} MiB file (MB/s)`, of((r) => r.workload === op && r.mib === mib), 'mbps', 'MB/s', false);
    }
    add(`${server}: ${o.files} x 4 KiB, sequential (files/s)`, of((r) => r.workload === 'small-seq'), 'filesPerS', 'files/s', false);
    add(`${server}: ${o.files} x 4 KiB, pool of ${o.pool} (files/s)`, of((r) => r.workload === 'small-pool'), 'filesPerS', 'files/s', false);
    add(`${server}: 1 KiB get latency p50 (ms, shorter is better)`, of((r) => r.workload === 'latency'), 'p50', 'ms', true);
  }
  const W = 760;
  const label = 90;
  const barH = 14;
  const gap = 4;
  const titleH = 22;
  const barMax = W - label - 90;
  let y = 40;
  const parts = [];
  for (const g of groups) {
    parts.push(`<text x="10" y="${y + 14}" font-weight="bold">${esc(g.title)}</text>`);
    y += titleH;
    const max = Math.max(...g.bars.map((b) => b.v));
    for (const b of g.bars) {
      const len = Math.max(1, (b.v / max) * barMax);
      parts.push(`<text x="${label - 6}" y="${y + barH - 3}" text-anchor="end">${esc(b.client)}</text>`);
      parts.push(`<rect x="${label}" y="${y}" width="${len.toFixed(1)}" height="${barH}" fill="${COLORS[b.client]}"/>`);
      parts.push(`<text x="${(label + len + 5).toFixed(1)}" y="${y + barH - 3}">${b.v >= 100 ? b.v.toFixed(0) : b.v.toFixed(2)} ${g.unit}</text>`);
      y += barH + gap;
    }
    y += 10;
  }
  const head = `<text x="10" y="22" font-size="14" font-weight="bold">node-red-contrib-ftps bench: explicit FTPS, PROT P, loopback (bars relative to the best in each group)</text>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${y + 10}" viewBox="0 0 ${W} ${y + 10}" font-family="sans-serif" font-size="12">\n<rect width="100%" height="100%" fill="#fff"/>\n${head}\n${parts.join('\n')}\n</svg>\n`;
}

module.exports = { renderChart };
