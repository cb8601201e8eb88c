/**
 * ftps-watch: poll a remote directory and send one message per file that
 * arrived, changed or (optionally) went away, once it stopped growing.
 * The change detection lives in nodes/watch-state.ts; this file does the
 * polling, the actions (download, delete, move), status, backoff and
 * keeping the state in the node's context.
 */
import * as path from 'node:path';
import { promises as fsp } from 'node:fs';
import { assertSafeArgument, exists, globMatches, isConnectionLost, isFtpError, LIST_METHODS, mkdirp, remoteDirname, staysBelow } from './lib';
import type { FtpsClient } from './lib';
import type { ActionDef } from './nodes/action';
import { FtpsNodeError, inputError, toNodeError } from './nodes/node-error';
import { choice, count, flag, optionProblem } from './nodes/options';
import { linkServer } from './nodes/server-link';
import { planSelection, MsgEntry, relativeTo, selectEntries, toMsgEntry } from './nodes/listing';
import type { Node, NodeAPI, NodeDone, NodeMessage, NodeSend } from './nodes/red';
import { backoffMs, EVENT_SETS, restoreState, WatchEvent, WatchState } from './nodes/watch-state';
import { claimInstance, claimPathFor, ClaimTracker, isClaimName, parseClaim } from './nodes/watch-claim';
import { t } from './nodes/i18n';
import { statusHint } from './nodes/status-view';

interface WatchDef extends ActionDef {
  path?: string;
  pattern?: string;
  recursive?: boolean | string;
  interval?: number | string;
  emitExisting?: boolean | string;
  events?: string;
  download?: boolean | string;
  afterEmit?: string;
  moveTo?: string;
  /** Extensions. Seconds a file must be old before it is sent. */
  minAge?: number | string;
  /** Save each file under this local folder (msg.localFilename). */
  localFolder?: string;
  /** Context store for the state ('' = the default store). */
  store?: string;
  method?: string;
  /** Let the glob match names starting with a dot (default false). */
  dot?: boolean | string;
  /** Several instances share the directory: rename each file to a claim name before it is emitted. */
  claim?: boolean | string;
  /** Seconds after which a claim left behind (its instance stopped) is taken over. */
  claimTimeout?: number | string;
}

interface ContextStore {
  get(key: string, store: string | undefined, cb: (err: Error | null | undefined, value: unknown) => void): void;
  set(key: string, value: unknown, store: string | undefined, cb: (err?: Error | null) => void): void;
}

type WatchNode = Node & { context(): ContextStore };

const STATE_KEY = 'ftpsWatch';

/** "/in" + "done" → "/in/done"; an absolute moveTo stays as it is. */
function resolveUnder(base: string, p: string): string {
  if (p.startsWith('/')) return p;
  if (base === '' || base === '.') return p;
  return `${base.replace(/\/+$/, '')}/${p}`;
}

function isUnder(dir: string, p: string): boolean {
  const d = dir.replace(/\/+$/, '');
  return d !== '' && (p === d || p.startsWith(`${d}/`));
}

function shuffle<T>(a: T[]): void {
  for (let i = a.length - 1; i > 0; i -= 1) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
}

function clock(d: Date): string {
  return d.toTimeString().slice(0, 8);
}

export = function (RED: NodeAPI): void {
  /**
   * The state of each watch node at its last close. Without a configured
   * context store Node-RED deletes a node's context whenever the node stops
   * (a redeploy too), so this carries it over redeploys; a restart needs a
   * persistent store.
   */
  const carried = new Map<string, unknown>();

  function FtpsWatch(this: WatchNode, def: WatchDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    const pattern = String(def.pattern ?? '').trim();
    const recursive = flag(def.recursive, false);
    const intervalS = Number(def.interval);
    const intervalMs = Number.isFinite(intervalS) && intervalS > 0 ? intervalS * 1000 : 60_000;
    const events = EVENT_SETS[choice(def, 'events', ['add', 'add,change', 'add,change,unlink'], 'add,change')];
    const download = flag(def.download, false);
    const afterEmit = choice(def, 'afterEmit', ['keep', 'delete', 'move'], 'keep');
    const moveToRaw = String(def.moveTo ?? '').trim();
    const minAgeS = Number(def.minAge);
    const minAgeMs = Number.isFinite(minAgeS) && minAgeS > 0 ? minAgeS * 1000 : 0;
    const localFolder = String(def.localFolder ?? '').trim();
    const store = String(def.store ?? '').trim() || undefined;
    const method = choice(def, 'method', LIST_METHODS.filter((m) => m !== 'nlst'), 'auto');
    const emitExisting = flag(def.emitExisting, false);
    const dot = flag(def.dot, false);
    const claim = flag(def.claim, false);
    const instance = claimInstance(node.id);

    let watched = String(def.path ?? '').trim() || '/';
    let closing = false;
    let failures = 0;
    let timer: NodeJS.Timeout | undefined;
    let state: WatchState<MsgEntry> | undefined;
    let chain: Promise<unknown> = Promise.resolve();

    // dot joins the scope only when on, so the state saved before the option existed stays valid
    const scopeOf = (dir: string): string => JSON.stringify(dot ? [dir, pattern, recursive, true] : [dir, pattern, recursive]);
    const moveTo = (): string => resolveUnder(watched, moveToRaw);

    const claims = new ClaimTracker(count(def, 'claimTimeout', 600, 0) * 1000);
    let configError: string | undefined = optionProblem(def);
    try {
      assertSafeArgument(watched, 'path');
      if (moveToRaw) assertSafeArgument(moveToRaw, 'moveTo');
      if (afterEmit === 'move' && !moveToRaw) configError ??= t('ftps-watch.errors.noMoveTo');
      if (claim && afterEmit === 'keep') configError ??= t('ftps-watch.errors.claimKeep');
    } catch (e) {
      configError ??= (e as Error).message;
    }

    // the watch shows its own polls; only a failed connection is worth showing in between
    const link = linkServer(RED, node, def.server, (s) => {
      if (s.fill === 'red') node.status(s);
    });
    const run = link.run;

    const ctx = (): ContextStore => node.context();

    const loadState = (): Promise<void> =>
      new Promise((resolve) => {
        try {
          ctx().get(STATE_KEY, store, (err, value) => {
            if (err) node.warn(t('ftps-watch.warn.stateRead', { error: err.message }));
            const saved = !err && value !== undefined ? value : carried.get(node.id);
            carried.delete(node.id);
            state = new WatchState(restoreState<MsgEntry>(saved, scopeOf(watched)), { events, emitExisting, minAgeMs });
            resolve();
          });
        } catch (e) {
          node.warn(t('ftps-watch.warn.stateRead', { error: (e as Error).message }));
          state = new WatchState(restoreState<MsgEntry>(carried.get(node.id), scopeOf(watched)), { events, emitExisting, minAgeMs });
          carried.delete(node.id);
          resolve();
        }
      });

    const saveState = (): Promise<void> =>
      new Promise((resolve) => {
        if (!state) return resolve();
        try {
          ctx().set(STATE_KEY, state.data, store, (err) => {
            if (err) node.warn(t('ftps-watch.warn.stateSave', { error: err.message }));
            resolve();
          });
        } catch (e) {
          node.warn(t('ftps-watch.warn.stateSave', { error: (e as Error).message }));
          resolve();
        }
      });

    /**
     * The files below the watched path that the pattern selects (the glob
     * rule of ftps-list), as ftps-list gives them, and the claims there
     * (names starting .ftps-claim.: never emitted by any watcher).
     */
    const snapshot = (dir: string): Promise<{ files: MsgEntry[]; claimed: MsgEntry[] }> =>
      run(async (client: FtpsClient, jc) => {
        const skip = recursive && afterEmit === 'move' ? moveTo() : '';
        const plan = planSelection(dir, { pattern, recursive, method });
        // claims are found whatever the pattern says (they start with a dot); the pattern is applied here
        const found = await selectEntries(client, claim ? { ...plan, pattern: '' } : plan, { pattern, recursive, method, dot, signal: jc.signal });
        const plain = found.filter((e) => e.type === 'file' && !isUnder(skip, e.path));
        const claimed = plain.filter((e) => isClaimName(e.name));
        const files = plain.filter((e) => !isClaimName(e.name) && (!claim || globMatches(plan.pattern, e.rel, { dot })));
        const takeable = claimed.filter((e) => {
          const c = parseClaim(e.rel);
          return c !== null && globMatches(plan.pattern, c.original, { dot });
        });
        return { files: files.map(toMsgEntry), claimed: takeable.map(toMsgEntry) };
      });

    /**
     * Claim the file before it is emitted: rename it (atomic on the server)
     * from `from` to this instance's claim name and refresh the claim's
     * time, so others see when it was claimed. Resolves with the claim's
     * path, or null when another instance was first (the file is gone).
     */
    const takeClaim = (original: string, from: string): Promise<string | null> =>
      run(async (client) => {
        const mine = claimPathFor(instance, original);
        try {
          if (from !== mine) await client.rename(from, mine);
        } catch (e) {
          // another instance was first: RNFR finds nothing (550), or RNTO does after RNFR did (Pure-FTPd: 451)
          if (isFtpError(e) && e.code !== undefined && e.code >= 400 && !isConnectionLost(e) && !(await exists(client, from))) return null;
          throw e;
        }
        // best effort: without a way to set times, a claim keeps the file's own time
        await client.setModified(mine, new Date()).catch(() => undefined);
        return mine;
      });

    /** Download, send, then delete or move one event's file; a failure goes to Catch with the file's msg and leaves the event uncommitted. */
    const handle = async (ev: WatchEvent<MsgEntry>, dir: string, send: NodeSend, takeOver?: string): Promise<void> => {
      const msg: NodeMessage = { filename: ev.path, event: ev.event, entry: ev.entry, payload: ev.entry, topic: ev.path };
      let step = 'send';
      // where the file is on the server: its own path, or this instance's claim of it
      let src = ev.path;
      try {
        let gone = false;
        if (claim && ev.event === 'unlink') {
          // with several instances a file going away is usually another instance's claim: not an event
          state?.commit(ev, true);
          return;
        }
        if (claim) {
          step = 'claim';
          const mine = await takeClaim(ev.path, takeOver ?? ev.path);
          if (mine === null) {
            if (!takeOver) state?.commit(ev, true);
            return;
          }
          src = mine;
        }
        if (ev.event !== 'unlink') {
          if (afterEmit !== 'keep' && !staysBelow(dir, ev.path)) throw inputError(t('ftps-watch.errors.outside', { action: afterEmit, path: ev.path, dir }));
          const rel = relativeTo(dir, ev.path).replace(/^\/+/, '');
          if (localFolder) {
            step = 'download';
            const local = path.resolve(localFolder, rel);
            if (!isUnder(path.resolve(localFolder), local)) throw inputError(t('ftps-watch.errors.outsideLocal', { path: rel, dir: localFolder }));
            await fsp.mkdir(path.dirname(local), { recursive: true });
            // client.get writes a scratch file and renames it into place once complete
            await run((client, jc) => client.get(src, local, { signal: jc.signal, onProgress: (p) => p.bytes > 0 && jc.commit() }));
            msg.localFilename = local;
            if (download) msg.payload = await fsp.readFile(local);
          } else if (download) {
            step = 'download';
            msg.payload = await run((client, jc) => client.getBuffer(src, { signal: jc.signal }));
          }
          if (closing) return;
          step = 'send';
          send(msg);
          if (afterEmit === 'delete') {
            step = 'delete';
            await run((client) => client.delete(src));
            gone = true;
          } else if (afterEmit === 'move') {
            const target = resolveUnder(moveTo(), rel);
            step = `move to ${target}`;
            await run(async (client) => {
              // a file from a subdirectory keeps its place below moveTo
              if (rel.includes('/')) await mkdirp(client, remoteDirname(target));
              await client.rename(src, target);
            });
            gone = true;
          }
        } else {
          if (closing) return;
          send(msg);
        }
        if (!takeOver) state?.commit(ev, gone);
      } catch (e) {
        if (src !== ev.path && step !== 'delete' && !step.startsWith('move')) {
          // not emitted: give the file back so it is offered again (else its claim goes stale and is taken over)
          const claimed = src;
          await run((client) => client.rename(claimed, ev.path)).catch(() => undefined);
        }
        if (closing) return;
        const err = toNodeError(e);
        const text = t('ftps-watch.errors.stepFailed', { step, path: ev.path, error: err.message });
        node.error(new FtpsNodeError(text, { code: err.code, kind: err.kind, command: err.command, cause: e }), msg);
      }
    };

    /** One poll; resolves with the error when it failed (already shown). */
    const poll = async (send: NodeSend): Promise<Error | undefined> => {
      if (closing) return undefined;
      if (configError) {
        node.status({ fill: 'red', shape: 'ring', text: configError });
        return inputError(configError);
      }
      if (!state) await loadState();
      const st = state as WatchState<MsgEntry>;
      const dir = watched;
      if (st.data.scope !== scopeOf(dir)) st.data = restoreState<MsgEntry>(undefined, scopeOf(dir));
      let files: MsgEntry[];
      let claimed: MsgEntry[];
      try {
        ({ files, claimed } = await snapshot(dir));
      } catch (e) {
        if (closing) return undefined;
        const err = toNodeError(e);
        failures += 1;
        if (failures === 1) node.warn(t('ftps-watch.warn.pollFailed', { dir, error: err.message }));
        // the hint, not a cut message: the full text went to the log above and to Catch
        node.status({ fill: 'red', shape: 'ring', text: `${clock(new Date())} ${statusHint(err)}` });
        return err;
      }
      if (failures > 0) node.log(t('ftps-watch.warn.pollWorks', { dir }));
      failures = 0;
      const due = st.poll(files, Date.now());
      // instances sharing a directory see the same files due at once: each takes them in its own order,
      // so they rarely race for one file (a lost race is a refused RNFR, which Pure-FTPd answers ever more slowly)
      if (claim) shuffle(due);
      for (const ev of due) {
        if (closing) break;
        await handle(ev, dir, send);
      }
      if (claim) {
        // claims left by an instance that stopped: emitted under the file's original path
        for (const stalePath of claims.poll(claimed, Date.now())) {
          if (closing) break;
          const c = parseClaim(stalePath);
          const entry = claimed.find((e) => e.path === stalePath);
          if (!c || !entry) continue;
          claims.forget(stalePath);
          const orig = { ...entry, name: c.original.slice(c.original.lastIndexOf('/') + 1), path: c.original };
          await handle({ event: 'add', path: c.original, entry: orig, sig: '' }, dir, send, stalePath);
        }
      }
      await saveState();
      if (!closing) {
        const seen = t(files.length === 1 ? 'ftps-watch.status.file' : 'ftps-watch.status.files', { n: files.length });
        const sent = due.length === 0 ? '' : t(due.length === 1 ? 'ftps-watch.status.event' : 'ftps-watch.status.events', { n: due.length });
        node.status({ fill: 'green', shape: 'dot', text: `${clock(new Date())} · ${seen}${sent}` });
      }
      return undefined;
    };

    /** Polls never overlap: each waits for the one before. */
    const enqueue = (send: NodeSend): Promise<Error | undefined> => {
      const p = chain.then(() => poll(send));
      chain = p.catch(() => undefined);
      return p;
    };

    const schedule = (): void => {
      if (closing) return;
      const delay = backoffMs(intervalMs, failures);
      timer = setTimeout(() => {
        timer = undefined;
        void enqueue((m) => node.send(m as NodeMessage)).then(schedule, schedule);
      }, delay);
    };

    if (configError) {
      // nothing to poll until the node is fixed and redeployed; an input msg gets the error
      node.status({ fill: 'red', shape: 'ring', text: configError });
    } else if (!link.server) {
      node.status({ fill: 'red', shape: 'ring', text: t('ftps-server.status.noServer') });
    } else {
      // the first poll at once: it lays down the baseline (or sends what is there with emitExisting)
      void enqueue((m) => node.send(m as NodeMessage)).then(schedule, schedule);
    }

    node.on('input', (msg: NodeMessage, send: NodeSend, done: NodeDone) => {
      const p = typeof msg.path === 'string' && msg.path !== '' ? msg.path : typeof msg.filename === 'string' && msg.filename !== '' ? msg.filename : undefined;
      if (p !== undefined) {
        try {
          assertSafeArgument(p, 'path');
        } catch (e) {
          done(toNodeError(e));
          return;
        }
        watched = p;
      }
      void enqueue(send).then((err) => (err ? done(err) : done()));
    });

    node.on('close', (removed: boolean, done: () => void) => {
      closing = true;
      if (timer) clearTimeout(timer);
      const settled = chain.then(() => {
        if (!removed && state) carried.set(node.id, state.data);
        return saveState();
      });
      link.close(settled, () => {
        node.status({});
        done();
      });
    });
  }

  RED.nodes.registerType('ftps-watch', FtpsWatch);
};
