// The browser side of scripts/bench-web.sh: the page's own worker runs an
// example to the end `reps` times; each level's time is measured in the
// worker around Rollup.step (the engine and the level's report).
const params = new URLSearchParams(location.search);
const reps = Number(params.get('reps') ?? 5);
const example = params.get('example') ?? 'erc20';
const FILES = {
    erc20: ['example/zkos_kernel.wasm', 'example/dev.json', 'example/erc20.json'],
    transfers: ['example/zkos_kernel.wasm', 'example/dev.json', 'example/transfers.json'],
    counter: ['example/counter_kernel.wasm', null, 'example/counter.json'],
};

const worker = new Worker('worker.js', { type: 'module' });
const next = () => new Promise((ok) => { worker.onmessage = ({ data }) => ok(data); });

async function main() {
    const [k, g, i] = FILES[example];
    const kernel = await (await fetch(k)).arrayBuffer();
    const genesis = g ? await (await fetch(g)).text() : null;
    const inbox = await (await fetch(i)).text();
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
