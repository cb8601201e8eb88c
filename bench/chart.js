'use strict';
// The bench's table as an SVG bar chart: one group of bars per workload and
// server, one bar per client, each bar's length relative to the group's
// best, its value written beside it. No dependencies.

const COLORS = { ours: '#1f77b4', nodes: '#6baed6', 'basic-ftp': '#ff7f0e', curl: '#2ca02c', lftp: '#9467bd' };
const ORDER = ['ours', 'nodes', 'basic-ftp', 'curl', 'lftp'];

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function renderChart(summary, o) {
  // one column per server, one group of bars per workload
  const servers = [...new Set(summary.map((r) => r.server))];
  const columns = servers.map((server) => {
    const groups = [];
    const of = (pred) => summary.filter((r) => r.server === server && pred(r));
    const add = (title, rows, key, unit) => {
      const bars = ORDER.map((c) => rows.find((r) => r.client === c)).filter(Boolean).map((r) => ({ client: r.client, v: r[key] }));
      if (bars.length) groups.push({ title, bars, unit });
    };
    for (const mib of o.sizes) {
      for (const op of ['get', 'put']) add(`${op} ${mib} MiB file (MB/s)`, of((r) => r.workload === op && r.mib === mib), 'mbps', 'MB/s');
    }
    add(`${o.files} x 4 KiB, sequential (files/s)`, of((r) => r.workload === 'small-seq'), 'filesPerS', 'files/s');
    add(`${o.files} x 4 KiB, pool of ${o.pool} (files/s)`, of((r) => r.workload === 'small-pool'), 'filesPerS', 'files/s');
    add('1 KiB get latency p50 (ms, shorter is better)', of((r) => r.workload === 'latency'), 'p50', 'ms');
    return { server, groups };
  });
  const colW = 420;
  const label = 70;
  const barH = 12;
  const gap = 3;
  const barMax = colW - label - 90;
  const parts = [];
  let height = 0;
  columns.forEach((col, i) => {
    const x0 = 10 + i * colW;
    let y = 52;
    parts.push(`<text x="${x0}" y="${y}" font-size="14" font-weight="bold">${esc(col.server)}</text>`);
    y += 10;
    for (const g of col.groups) {
      parts.push(`<text x="${x0}" y="${y + 13}" font-weight="bold">${esc(g.title)}</text>`);
      y += 19;
      const max = Math.max(...g.bars.map((b) => b.v));
      for (const b of g.bars) {
        const len = Math.max(1, (b.v / max) * barMax);
        parts.push(`<text x="${x0 + label - 6}" y="${y + barH - 2}" text-anchor="end">${esc(b.client)}</text>`);
        parts.push(`<rect x="${x0 + label}" y="${y}" width="${len.toFixed(1)}" height="${barH}" fill="${COLORS[b.client]}"/>`);
        parts.push(`<text x="${(x0 + label + len + 5).toFixed(1)}" y="${y + barH - 2}">${b.v >= 100 ? b.v.toFixed(0) : b.v.toFixed(2)} ${g.unit}</text>`);
        y += barH + gap;
      }
      y += 8;
    }
    height = Math.max(height, y);
  });
  const W = 20 + columns.length * colW;
  const head = `<text x="10" y="24" font-size="14" font-weight="bold">Explicit FTPS, PROT P, loopback; best of ${o.rounds} rounds; bars relative to the best in each group</text>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height + 10}" viewBox="0 0 ${W} ${height + 10}" font-family="sans-serif" font-size="11">\n<rect width="100%" height="100%" fill="#fff"/>\n${head}\n${parts.join('\n')}\n</svg>\n`;
}

module.exports = { renderChart };
