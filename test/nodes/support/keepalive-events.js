'use strict';
// The session pool's 'keepalive' events, awaited by count: keep-alive tests wait for
// these, never for a time.

/** Resolves after `n` 'keepalive' events of `pool`, with them. */
function keepAlives(pool, n) {
  const got = [];
  return new Promise((resolve) => {
    const on = (e) => {
      got.push(e);
      if (got.length === n) {
        pool.events.off('keepalive', on);
        resolve(got);
      }
    };
    pool.events.on('keepalive', on);
  });
}

/** Resolves with the first failed 'keepalive' event of `pool`. */
function failedKeepAlive(pool) {
  return new Promise((resolve) => {
    const on = (e) => {
      if (e.ok) return;
      pool.events.off('keepalive', on);
      resolve(e);
    };
    pool.events.on('keepalive', on);
  });
}

module.exports = { keepAlives, failedKeepAlive };
