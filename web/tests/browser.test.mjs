// The page in a real browser (headless Chromium through playwright-core):
// it runs the examples to the end with the same roots as the CLI, shows bad
// files and a trapping kernel as messages, and leaves a screenshot of the
// level view in web/tests/out. Needs the built page: scripts/build-web.sh.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PAGE_DIR, serve } from './serve.mjs';
import { launch } from './browser.mjs';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const OUT = join(ROOT, 'web/tests/out');
const EXAMPLE = join(PAGE_DIR, 'example');

let server;
let browser;

before(async () => {
    assert.ok(existsSync(join(PAGE_DIR, 'pkg/zkos_web_bg.wasm')), `no page in ${PAGE_DIR}: run scripts/build-web.sh`);
    mkdirSync(OUT, { recursive: true });
    server = await serve(PAGE_DIR);
    browser = await launch();
});

after(async () => {
    await browser?.close();
    await server?.close();
});

// `pvm-runner run --engine pvm --json` over the same files the page loads:
// one JSON object per level. Files are named relative to the page's example
// folder. $PVM_RUNNER names a built CLI (scripts/test.sh passes the one
// `cargo test` built); otherwise cargo builds and runs pvm-runner.
function cli(kernel, inbox, genesis) {
    const at = (f) => (isAbsolute(f) ? f : join(EXAMPLE, f));
    const args = ['run', '--engine', 'pvm', '--json', '--kernel', at(kernel), '--inbox', at(inbox)];
    if (genesis) args.push('--genesis', at(genesis));
    const [cmd, argv] = process.env.PVM_RUNNER
        ? [process.env.PVM_RUNNER, args]
        : [process.env.CARGO ?? 'cargo', ['run', '--quiet', '--locked', '-p', 'pvm-runner', '--', ...args]];
    const out = execFileSync(cmd, argv, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    return out.trim().split('\n').map((l) => JSON.parse(l));
}

async function openPage(query = '') {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server.url}${query}`);
    // The example loads by itself; wait until the engine originated it.
    await page.waitForFunction(() => !document.getElementById('run').disabled, null, { timeout: 60_000 });
    return { page, errors };
}

async function runToEnd(page) {
    await page.click('#run');
    await page.waitForFunction(() => document.getElementById('final-root').dataset.done === 'true', null, { timeout: 300_000 });
    return page.textContent('#final-root');
}

// The root each level shows, clicking through the level list.
async function levelRoots(page) {
    const roots = [];
    for (const button of await page.$$('#levels .level')) {
        await button.click();
        roots.push(await page.textContent('#state-root'));
    }
    return roots;
}

test('the ERC-20 example runs to the end with the roots and outbox of pvm-runner --engine pvm', async () => {
    const expected = cli('zkos_kernel.wasm', 'erc20.json', 'dev.json');
    const { page, errors } = await openPage();
    const root = await runToEnd(page);
    assert.equal(root, expected.at(-1).state_root, 'final state root');
    assert.deepEqual(await levelRoots(page), expected.map((l) => l.state_root), 'every level');

    // The withdrawal level: its outbox message decoded, the same bytes as the CLI's.
    const last = expected.at(-1);
    await page.click(`#levels .level[data-level="${last.level}"]`);
    const outbox = await page.$$eval('.outbox li', (lis) => lis.map((li) => li.textContent));
    assert.equal(outbox.length, last.outbox.length);
    assert.match(outbox[0], /^Withdrawal: 2,000,000 mutez to tz1/);
    assert.ok(outbox[0].endsWith(`0x${last.outbox[0]}`), 'outbox bytes equal the CLI');
    // Its receipt names the OS's Withdrawal event with its arguments.
    const logs = await page.$$eval('table.receipts .log', (ls) => ls.map((l) => l.textContent));
    assert.ok(logs.some((l) => /^Withdrawal\(sender 0x[0-9a-fA-F]{8}…[0-9a-fA-F]{8}, l1Receiver tz1\w+, amount 2000000000000000000, id 0\)/.test(l)), logs.join(' | '));

    // Level 3 holds the failing transfer: a failed receipt on the EVM.
    await page.click('#levels .level[data-level="3"]');
    const statuses = await page.$$eval('table.receipts tbody tr', (rows) => rows.map((r) => r.cells[0].textContent + ' ' + r.cells[3].textContent));
    assert.ok(statuses.includes('✗ failed EVM'), statuses.join(', '));
    assert.ok(statuses.includes('✓ success EVM'), statuses.join(', '));
    const transfers = await page.$$eval('table.receipts .log', (ls) => ls.map((l) => l.textContent));
    assert.ok(transfers.some((l) => /^Transfer\(from 0x.+, to 0x.+, value 50000000000000000000\)/.test(l)), transfers.join(' | '));

    // Level 1: the deposit decoded from the L1 ticket, and the transactions with their selector.
    await page.click('#levels .level[data-level="1"]');
    const kinds = await page.$$eval('table.messages tbody tr', (rows) => rows.map((r) => r.cells[1].textContent));
    assert.deepEqual(kinds.slice(0, 2), ['StartOfLevel', 'InfoPerLevel']);
    assert.ok(kinds.includes('Ethereum transaction'), kinds.join(', '));
    await page.click('#levels .level[data-level="2"]');
    const tx = await page.$$eval('tr.msg.transaction td:nth-child(3)', (tds) => tds.map((t) => t.textContent));
    assert.ok(tx.some((t) => t.includes('selector 0xa9059cbb')), `an ERC-20 transfer(address,uint256): ${tx.join(' | ')}`);

    // Level 2 replayed in the tab from its witness alone reaches the run's
    // (and the CLI's) root; the witness downloads whole.
    await page.click('#replay');
    await page.waitForSelector('#replay-result [data-verdict]', { timeout: 120_000 });
    assert.equal(await page.getAttribute('#replay-result [data-verdict]', 'data-verdict'), 'matches',
        await page.textContent('#replay-result'));
    assert.equal(await page.textContent('#replay-root'), expected[1].state_root);
    const size = Number((await page.textContent('.witness-size')).replace(/[^0-9]/g, ''));
    assert.ok(size > 0);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-witness')]);
    assert.equal(download.suggestedFilename(), 'level-2.witness');
    assert.equal(statSync(await download.path()).size, size);

    // The storage browser marks what the level changed.
    const changed = await page.$$eval('#tree .node.changed, #tree .node.added', (ns) => ns.map((n) => n.dataset.path));
    assert.ok(changed.length > 0, 'highlighted paths in the tree');
    await page.locator('main').screenshot({ path: join(OUT, 'level-view.png') });
    assert.deepEqual(errors, []);
    await page.close();
});

test('the counter example: reboots counted, the trapping level shown and rolled back, same roots as the CLI', async () => {
    const expected = cli('counter_kernel.wasm', 'counter.json');
    const { page, errors } = await openPage('?example=counter');
    assert.equal(await runToEnd(page), expected.at(-1).state_root);
    assert.deepEqual(await levelRoots(page), expected.map((l) => l.state_root));
    const failed = expected.find((l) => l.failures.length > 0);
    await page.click(`#levels .level[data-level="${failed.level}"]`);
    const text = await page.textContent('#level-view .failure');
    assert.match(text, /kernel_run \d+ failed and was rolled back: trap/);
    assert.equal(await page.$$eval('.ticks .bar.failed', (b) => b.length), failed.failures.length);
    assert.deepEqual(errors, []);
    await page.close();
});

test('a file that is not a kernel, and an invalid inbox, are refused with a message', async () => {
    const { page } = await openPage();
    await page.click('#own-files summary');
    const emptyLevel = join(ROOT, 'web/tests/empty-level.json');
    const inbox = { name: 'inbox.json', mimeType: 'application/json', buffer: readFileSync(emptyLevel) };
    await page.setInputFiles('#kernel-file', { name: 'broken.wasm', mimeType: 'application/wasm', buffer: Buffer.from('not a kernel') });
    await page.setInputFiles('#inbox-file', inbox);
    await page.click('#load-files');
    await page.waitForSelector('#error:not([hidden])');
    assert.match(await page.textContent('#error'), /^not a kernel: invalid WebAssembly/);
    assert.ok(await page.isDisabled('#run'), 'nothing to run');

    const kernel = await page.evaluate(async () => Array.from(new Uint8Array(await (await fetch('example/counter_kernel.wasm')).arrayBuffer())));
    await page.setInputFiles('#kernel-file', { name: 'counter.wasm', mimeType: 'application/wasm', buffer: Buffer.from(kernel) });
    await page.setInputFiles('#inbox-file', { name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from('[[{"external": "zz"}]]') });
    await page.click('#load-files');
    await page.waitForFunction(() => document.getElementById('error').textContent.startsWith('inbox:'));
    assert.match(await page.textContent('#error'), /^inbox: level 1 \(index 0 in the file\), message 0: external/);

    // The same kernel with a good inbox loads and runs.
    await page.setInputFiles('#inbox-file', inbox);
    await page.click('#load-files');
    await page.waitForFunction(() => !document.getElementById('run').disabled);
    assert.equal(await runToEnd(page), cli('counter_kernel.wasm', emptyLevel).at(-1).state_root);

    // A tick limit the kernel cannot live with: the run fails and says why.
    await page.fill('#tick-limit', '50');
    await page.click('#load-files');
    await page.waitForFunction(() => !document.getElementById('run').disabled);
    await runToEnd(page);
    assert.match(await page.textContent('#level-view .failure'), /kernel_run 0 failed and was rolled back: out of ticks/);
    assert.match(await page.textContent('.bar-value'), /of 50 \)$|% of 50\)$/);
    await page.fill('#tick-limit', 'lots');
    await page.click('#load-files');
    await page.waitForFunction(() => document.getElementById('error').textContent.startsWith('Tick limit'));
    await page.close();
});

test('a run stops between levels and resumes to the same root; a path reads back whole', async () => {
    const expected = cli('zkos_kernel.wasm', 'erc20.json', 'dev.json');
    const { page, errors } = await openPage();
    await page.click('#run');
    await page.click('#stop');
    await page.waitForFunction(() => document.getElementById('status').textContent.startsWith('Stopped after level'));
    const done = await page.$$eval('#levels .level', (b) => b.length);
    assert.ok(done >= 1 && done < expected.length, `stopped between levels (after ${done} of ${expected.length})`);
    assert.equal(await runToEnd(page), expected.at(-1).state_root);

    await page.fill('#path', '/zkos/accounts/311f8db88a01003cec1a0c209b0aea4468736636/balance');
    await page.click('#read-path');
    await page.waitForSelector('#path-value pre');
    assert.match(await page.textContent('#path-value'), /— 32 bytes: balance \d+ wei \([0-9.]+ ETH\)/);
    await page.fill('#path', 'zkos/no-leading-slash');
    await page.press('#path', 'Enter');
    await page.waitForSelector('#path-value .failure');
    assert.match(await page.textContent('#path-value'), /is not a durable-storage path/);
    assert.ok(await page.isHidden('#error'), 'a bad path is no error of the rollup');
    assert.deepEqual(errors, []);
    await page.close();
});
