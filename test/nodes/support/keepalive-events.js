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

module.exports = { keepAlives };
