// The rollup runs here, off the page's thread: a level can take seconds of
// wasmi, and the page must keep answering. One level per message turn, so a
// "stop" (or a storage read) between levels is answered at once.
import init, { Rollup } from './pkg/zkos_web.js';

let ready = null;
let rollup = null;
let running = false;

function fail(e) {
    running = false;
    postMessage({ type: 'error', message: e && e.message ? e.message : String(e) });
}

// Runs the next level; after the last one, says `done` (once) and answers
// false.
function step() {
    const t0 = performance.now();
    const json = rollup.step();
    const ms = performance.now() - t0;
    if (json !== undefined) {
        postMessage({ type: 'level', view: JSON.parse(json), ms, done: rollup.done(), levels: rollup.levels() });
    }
    if (rollup.done() < rollup.levels()) return true;
    running = false;
    postMessage({ type: 'done', root: rollup.root() });
    return false;
}

function runOn() {
    if (!running) return;
    try {
        if (step()) setTimeout(runOn, 0);
    } catch (e) {
        fail(e);
    }
}

onmessage = async ({ data }) => {
    try {
        ready ??= init();
        await ready;
        switch (data.type) {
            case 'load': {
                running = false;
                rollup?.free();
                rollup = null;
                const tickLimit = data.tickLimit ? BigInt(data.tickLimit) : undefined;
                rollup = new Rollup(new Uint8Array(data.kernel), data.genesis ?? undefined, data.inbox, tickLimit,
                    data.rollup ?? undefined, data.witness ?? false);
                const preimages = (data.preimages ?? []).map((p) => rollup.add_preimage(new Uint8Array(p)));
                postMessage({ type: 'loaded', levels: rollup.levels(), root: rollup.root(), preimages });
                break;
            }
            case 'step':
                if (!rollup) throw new Error('load a kernel and an inbox first');
                running = false;
                step();
                break;
            case 'run':
                if (!rollup) throw new Error('load a kernel and an inbox first');
                running = true;
                runOn();
                break;
            case 'stop':
                running = false;
                postMessage({ type: 'stopped' });
                break;
            case 'replay': {
                // A level without a witness is the asker's mistake: answered, and a run goes on.
                try {
                    if (!rollup) throw new Error('load a kernel and an inbox first');
                    const t0 = performance.now();
                    const view = JSON.parse(rollup.replay(data.level));
                    postMessage({ type: 'replay', level: data.level, view, ms: performance.now() - t0 });
                } catch (e) {
                    postMessage({ type: 'replay', level: data.level, error: e.message });
                }
                break;
            }
            case 'witness': {
                const bytes = rollup?.witness(data.level);
                postMessage({ type: 'witness', level: data.level, bytes }, bytes ? [bytes.buffer] : []);
                break;
            }
            case 'read': {
                // A bad path is the reader's mistake: answered, and a run goes on.
                try {
                    const value = rollup ? rollup.read(data.path) : undefined;
                    const node = rollup && value !== undefined ? JSON.parse(rollup.node(data.path)) : null;
                    postMessage({ type: 'read', path: data.path, value, decoded: node?.decoded ?? null });
                } catch (e) {
                    postMessage({ type: 'read', path: data.path, error: e.message });
                }
                break;
            }
            case 'node': {
                let node = null;
                try {
                    node = rollup ? JSON.parse(rollup.node(data.path)) : null;
                } catch {
                    // A path that is gone answers as nothing; a run goes on.
                }
                postMessage({ type: 'node', id: data.id, node });
                break;
            }
        }
    } catch (e) {
        fail(e);
    }
};
