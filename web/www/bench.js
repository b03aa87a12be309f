// The browser side of scripts/bench-web.sh: the page's own worker runs an
// example to the end `reps` times; each level's time is measured in the
// worker around Rollup.step (the engine and the level's report).
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
    for (let rep = 0; rep < reps; rep++) {
        const loaded = next();
        worker.postMessage({ type: 'load', kernel: kernel.slice(0), genesis, inbox });
        const l = await loaded;
        if (l.type !== 'loaded') throw new Error(l.message);
        worker.postMessage({ type: 'run' });
        for (;;) {
            const m = await next();
            if (m.type === 'error') throw new Error(m.message);
            if (m.type === 'done') break;
            rows.push({ rep, level: m.view.level, ticks: m.view.ticks.reduce((a, b) => a + b, 0), ms: m.ms });
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
