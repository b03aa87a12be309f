// scripts/bench-web.sh: time per level and ticks per second of the
// in-browser engine (the page's worker in headless Chromium) against the
// same code natively (web/benches/native_levels.rs), on the same example,
// in one run. Prints a Markdown table for BENCHMARKS.md.
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PAGE_DIR, serve } from './serve.mjs';
import { launch } from './browser.mjs';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const reps = Number(process.argv[2] ?? 5);
const EX = join(PAGE_DIR, 'example');
const examples = {
    erc20: [join(EX, 'zkos_kernel.wasm'), join(EX, 'erc20.json'), join(EX, 'dev.json')],
    counter: [join(EX, 'counter_kernel.wasm'), join(EX, 'counter.json'), '-'],
};

const median = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function native(name) {
    const [kernel, inbox, genesis] = examples[name];
    const out = execFileSync('cargo', ['bench', '--quiet', '--locked', '-p', 'zkos-web', '--bench', 'native_levels', '--',
        kernel, inbox, genesis, String(reps)], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    return out.trim().split('\n').map((l) => JSON.parse(l));
}

async function browser(ctx, url, name) {
    const page = await ctx.newPage();
    await page.goto(`${url}bench.html?example=${name}&reps=${reps}`);
    await page.waitForFunction(() => window.benchResult, null, { timeout: 600_000 });
    const r = await page.evaluate(() => window.benchResult);
    await page.close();
    if (r.error) throw new Error(r.error);
    return r;
}

function byLevel(rows) {
    const m = new Map();
    for (const r of rows) {
        if (!m.has(r.level)) m.set(r.level, { ticks: r.ticks, witness: r.witness_bytes, ms: [], replay: [] });
        m.get(r.level).ms.push(r.ms);
        m.get(r.level).replay.push(r.replay_ms);
    }
    return m;
}

const server = await serve(PAGE_DIR);
const ctx = await launch();
try {
    let agent = '';
    for (const name of Object.keys(examples)) {
        const n = byLevel(native(name));
        const b = await browser(ctx, server.url, name);
        agent = b.userAgent;
        const w = byLevel(b.rows);
        console.log(`\n${name} (median of ${reps} runs)\n`);
        console.log('| level | ticks | native ms | browser ms | browser / native | native M ticks/s | browser M ticks/s |');
        console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
        let tn = 0, tb = 0, tt = 0;
        for (const [level, { ticks, ms }] of n) {
            const nm = median(ms), bm = median(w.get(level).ms);
            if (w.get(level).ticks !== ticks) throw new Error(`level ${level}: ticks differ (${ticks} vs ${w.get(level).ticks})`);
            tn += nm; tb += bm; tt += ticks;
            console.log(`| ${level} | ${ticks.toLocaleString('en')} | ${nm.toFixed(1)} | ${bm.toFixed(1)} | ${(bm / nm).toFixed(2)}x | ${(ticks / nm / 1e3).toFixed(0)} | ${(ticks / bm / 1e3).toFixed(0)} |`);
        }
        console.log(`| all | ${tt.toLocaleString('en')} | ${tn.toFixed(1)} | ${tb.toFixed(1)} | ${(tb / tn).toFixed(2)}x | ${(tt / tn / 1e3).toFixed(0)} | ${(tt / tb / 1e3).toFixed(0)} |`);
        console.log(`\n${name}: replay from the witness alone (median of ${reps} runs)\n`);
        console.log('| level | witness bytes | native replay ms | browser replay ms | browser / native |');
        console.log('| ---: | ---: | ---: | ---: | ---: |');
        for (const [level, { witness, replay }] of n) {
            const nm = median(replay), bm = median(w.get(level).replay);
            console.log(`| ${level} | ${witness.toLocaleString('en')} | ${nm.toFixed(1)} | ${bm.toFixed(1)} | ${(bm / nm).toFixed(2)}x |`);
        }
    }
    console.log(`\nbrowser: ${agent}`);
} finally {
    await ctx.close();
    await server.close();
}
