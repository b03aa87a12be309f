// The browser side of scripts/bench-web.sh: the page's own worker runs an
// example to the end `reps` times; each level's time is measured in the
// worker around Rollup.step (the engine and the level's report). Then,
// with witnesses on, it runs the example again and times each level's
// replay from its witness (Rollup.replay, in the worker).
import { EXAMPLES } from './examples.js';

const params = new URLSearchParams(location.search);
const reps = Number(params.get('reps') ?? 5);
const example = params.get('example') ?? 'erc20';
const worker = new Worker('worker.js', { type: 'module' });
const next = () => new Promise((ok) => { worker.onmessage = ({ data }) => ok(data); });

async function main() {
    const ex = EXAMPLES[example];
    const kernel = await (await fetch(ex.kernel)).arrayBuffer();
    const genesis = ex.genesis ? await (await fetch(ex.genesis)).text() : null;
    const inbox = await (await fetch(ex.inbox)).text();
    const rows = [];
    const runAll = async (witness) => {
        const loaded = next();
        worker.postMessage({ type: 'load', kernel: kernel.slice(0), genesis, inbox, witness });
        const l = await loaded;
        if (l.type !== 'loaded') throw new Error(l.message);
        worker.postMessage({ type: 'run' });
        const levels = [];
        for (;;) {
            const m = await next();
            if (m.type === 'error') throw new Error(m.message);
            if (m.type === 'done') return levels;
            levels.push(m);
        }
    };
    for (let rep = 0; rep < reps; rep++) {
        for (const m of await runAll(false)) {
            rows.push({ rep, level: m.view.level, ticks: m.view.ticks.reduce((a, b) => a + b, 0), ms: m.ms });
        }
        for (const m of await runAll(true)) {
            const replayed = next();
            worker.postMessage({ type: 'replay', level: m.view.level });
            const r = await replayed;
            if (r.error) throw new Error(r.error);
            if (r.view.mismatches.length) throw new Error(`level ${r.level}: the replay differs in ${r.view.mismatches}`);
            const row = rows.find((x) => x.rep === rep && x.level === r.level);
            row.replay_ms = r.ms;
            row.witness_bytes = r.view.witness_bytes;
        }
    }
    return rows;
}

main().then((rows) => {
    window.benchResult = { rows, userAgent: navigator.userAgent };
    document.getElementById('out').textContent = JSON.stringify(rows, null, 1);
}, (e) => {
    window.benchResult = { error: e.message };
});
