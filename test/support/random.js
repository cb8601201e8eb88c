'use strict';
// Seeded randomness for fuzzers and the soak: a failing run is replayed
// from the seed it prints.

/** mulberry32: a small, fast 32-bit PRNG; returns floats in [0, 1). */
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The seed from env var `name` when set, else a fresh one. */
function seedFrom(name, shift = 16) {
  return process.env[name] !== undefined ? Number(process.env[name]) >>> 0 : (Date.now() ^ (process.pid << shift)) >>> 0;
}

module.exports = { mulberry32, seedFrom };
