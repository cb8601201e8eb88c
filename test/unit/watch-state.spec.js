'use strict';
// ftps-watch's change detector: snapshot diff, stability across two polls,
// minimum age, event selection, commit / re-offer, stored state.
const assert = require('node:assert/strict');
const { WatchState, emptyState, restoreState, backoffMs, EVENT_SETS } = require('../../nodes/nodes/watch-state');

const T0 = Date.parse('2026-01-01T12:00:00Z');
const f = (p, size, modified = '2026-01-01T11:00:00.000Z') => ({ path: p, name: p.split('/').pop(), size, modified });
const make = (opts = {}, scope = 's') => new WatchState(emptyState(scope), { events: EVENT_SETS['add,change'], emitExisting: false, minAgeMs: 0, ...opts });
const kinds = (evs) => evs.map((e) => `${e.event} ${e.path}`);
/** poll, and commit everything due (the node's actions succeeded). */
function pollCommit(w, files, now) {
  const evs = w.poll(files, now);
  for (const e of evs) w.commit(e);
  return kinds(evs);
}

describe('watch-state', () => {
  it('the first poll is the baseline; a new file is sent after two polls with the same size and time', () => {
    const w = make();
    assert.deepEqual(pollCommit(w, [f('/a', 1)], T0), []);
    assert.deepEqual(pollCommit(w, [f('/a', 1), f('/b', 5)], T0 + 1), [], 'first sight of /b: not yet');
    assert.deepEqual(pollCommit(w, [f('/a', 1), f('/b', 5)], T0 + 2), ['add /b']);
    assert.deepEqual(pollCommit(w, [f('/a', 1), f('/b', 5)], T0 + 3), [], 'once only');
  });

  it('a growing file is not sent until it stops growing', () => {
    const w = make();
    pollCommit(w, [], T0);
    for (let i = 1; i <= 5; i += 1) assert.deepEqual(pollCommit(w, [f('/up', i * 100)], T0 + i), []);
    assert.deepEqual(pollCommit(w, [f('/up', 600)], T0 + 6), []);
    assert.deepEqual(pollCommit(w, [f('/up', 600)], T0 + 7), ['add /up']);
  });

  it('a new modification time alone counts as a change', () => {
    const w = make();
    pollCommit(w, [f('/a', 1)], T0);
    assert.deepEqual(pollCommit(w, [f('/a', 1, '2026-01-01T11:30:00.000Z')], T0 + 1), []);
    assert.deepEqual(pollCommit(w, [f('/a', 1, '2026-01-01T11:30:00.000Z')], T0 + 2), ['change /a']);
  });

  it('emitExisting: the files there at start are sent once stable', () => {
    const w = make({ emitExisting: true });
    assert.deepEqual(pollCommit(w, [f('/a', 1)], T0), []);
    assert.deepEqual(pollCommit(w, [f('/a', 1)], T0 + 1), ['add /a']);
  });

  it('events "add": changes are recorded silently; "add,change,unlink": removals are reported', () => {
    const w = make({ events: EVENT_SETS.add });
    pollCommit(w, [f('/a', 1)], T0);
    pollCommit(w, [f('/a', 2)], T0 + 1);
    assert.deepEqual(pollCommit(w, [f('/a', 2)], T0 + 2), []);
    assert.equal(w.data.known['/a'].sig, '2|2026-01-01T11:00:00.000Z');
    assert.deepEqual(pollCommit(w, [], T0 + 3), [], 'no unlink');
    assert.equal(w.knownCount, 0);

    const u = make({ events: EVENT_SETS['add,change,unlink'] });
    pollCommit(u, [f('/a', 1)], T0);
    const evs = u.poll([], T0 + 1);
    assert.deepEqual(kinds(evs), ['unlink /a']);
    assert.equal(evs[0].entry.size, 1, 'the last entry seen');
    u.commit(evs[0]);
    assert.deepEqual(pollCommit(u, [], T0 + 2), []);
  });

  it('an event not committed (its action failed) is offered again at the next poll', () => {
    const w = make({ events: EVENT_SETS['add,change,unlink'] });
    pollCommit(w, [], T0);
    w.poll([f('/a', 1)], T0 + 1);
    assert.deepEqual(kinds(w.poll([f('/a', 1)], T0 + 2)), ['add /a']);
    assert.deepEqual(kinds(w.poll([f('/a', 1)], T0 + 3)), ['add /a'], 'again');
    assert.deepEqual(pollCommit(w, [f('/a', 1)], T0 + 4), ['add /a']);
    assert.deepEqual(pollCommit(w, [f('/a', 1)], T0 + 5), []);
    // a removal not committed comes back too
    assert.deepEqual(kinds(w.poll([], T0 + 6)), ['unlink /a']);
    assert.deepEqual(pollCommit(w, [], T0 + 7), ['unlink /a']);
  });

  it('commit(gone): a file the node deleted or moved is forgotten, not reported as unlinked', () => {
    const w = make({ events: EVENT_SETS['add,change,unlink'] });
    pollCommit(w, [], T0);
    w.poll([f('/a', 1)], T0 + 1);
    const [ev] = w.poll([f('/a', 1)], T0 + 2);
    w.commit(ev, true);
    assert.deepEqual(pollCommit(w, [], T0 + 3), []);
    // the same name arriving again is a new file
    w.poll([f('/a', 1)], T0 + 4);
    assert.deepEqual(pollCommit(w, [f('/a', 1)], T0 + 5), ['add /a']);
  });

  it('minimum age: by the modification time, or by how long the watch has seen it unchanged', () => {
    const w = make({ minAgeMs: 60_000 });
    pollCommit(w, [], T0);
    const fresh = '2026-01-01T12:00:00.000Z';
    w.poll([f('/a', 1, fresh)], T0);
    assert.deepEqual(pollCommit(w, [f('/a', 1, fresh)], T0 + 30_000), [], 'stable but 30 s old');
    assert.deepEqual(pollCommit(w, [f('/a', 1, fresh)], T0 + 60_000), ['add /a']);
    // a time in the future (a server clock ahead): the time seen here still ages it
    const future = '2026-01-01T13:00:00.000Z';
    w.poll([f('/a', 1, fresh), f('/b', 1, future)], T0);
    assert.deepEqual(pollCommit(w, [f('/a', 1, fresh), f('/b', 1, future)], T0 + 59_000), []);
    assert.deepEqual(pollCommit(w, [f('/a', 1, fresh), f('/b', 1, future)], T0 + 60_000), ['add /b']);
    // an old file needs no waiting beyond the two polls
    w.poll([f('/a', 1, fresh), f('/b', 1, future), f('/c', 1)], T0 + 60_001);
    assert.deepEqual(pollCommit(w, [f('/a', 1, fresh), f('/b', 1, future), f('/c', 1)], T0 + 60_002), ['add /c']);
  });

  it('files without size or time (a bare listing) are still tracked', () => {
    const w = make();
    pollCommit(w, [], T0);
    w.poll([{ path: '/n', size: null, modified: null }], T0 + 1);
    assert.deepEqual(pollCommit(w, [{ path: '/n', size: null, modified: null }], T0 + 2), ['add /n']);
  });

  it('stored state: restored for the same scope (survives JSON), started afresh for another or a broken one', () => {
    const w = make({}, 'scope-1');
    pollCommit(w, [f('/a', 1)], T0);
    w.poll([f('/a', 1), f('/b', 2)], T0 + 1);
    const stored = JSON.parse(JSON.stringify(w.data));
    const again = new WatchState(restoreState(stored, 'scope-1'), { events: EVENT_SETS['add,change'], emitExisting: false, minAgeMs: 0 });
    assert.deepEqual(pollCommit(again, [f('/a', 1), f('/b', 2)], T0 + 2), ['add /b'], 'the pending /b carried over, /a not sent again');
    assert.equal(restoreState(stored, 'scope-2').primed, false);
    assert.deepEqual(restoreState(stored, 'scope-2').known, {});
    for (const bad of [null, 'x', 42, { version: 2 }, { version: 1, scope: 'scope-1', known: null, pending: {} }]) {
      assert.equal(restoreState(bad, 'scope-1').primed, false);
    }
  });

  it('backoff: the interval, doubled per failed poll, capped at 10 minutes (or the interval when longer)', () => {
    assert.deepEqual([0, 1, 2, 3, 4, 5, 6].map((n) => backoffMs(60_000, n)), [60_000, 120_000, 240_000, 480_000, 600_000, 600_000, 600_000]);
    assert.equal(backoffMs(3_600_000, 3), 3_600_000);
    assert.equal(backoffMs(1000, 1000), 600_000);
  });
});
