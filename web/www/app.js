// The page: inputs, the level list, one level's view and the storage
// browser. The rollup itself lives in worker.js.
import { EXAMPLES } from './examples.js';

const $ = (id) => document.getElementById(id);
const worker = new Worker('worker.js', { type: 'module' });

const state = { views: [], selected: null, levels: 0, nodeWaiters: new Map(), nextId: 0, totalMs: 0, totalTicks: 0 };

function el(tag, attrs = {}, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
        if (k === 'class') e.className = v;
        else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
        else if (v !== undefined && v !== null) e.setAttribute(k, v);
    }
    for (const c of children.flat()) {
        if (c === null || c === undefined || c === false) continue;
        e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
}

function showError(message) {
    const box = $('error');
    box.textContent = message;
    box.hidden = false;
}

function clearError() {
    $('error').hidden = true;
    $('error').textContent = '';
}

function setStatus(text) {
    $('status').textContent = text;
}

function setRunning(running) {
    $('step').disabled = running || state.levels === 0 || state.views.length >= state.levels;
    $('run').disabled = $('step').disabled;
    $('stop').disabled = !running;
    $('load-example').disabled = running;
    $('load-files').disabled = running;
}

const fmt = new Intl.NumberFormat('en');
const ticksText = (t) => (t >= 1e9 ? `${(t / 1e9).toFixed(1)} G` : t >= 1e6 ? `${(t / 1e6).toFixed(1)} M` : fmt.format(t));

// ---- loading -------------------------------------------------------------

async function fetchBytes(url) {
    const r = await fetch(url);
    if (!r.ok) throw new Error(`${url}: ${r.status} ${r.statusText}`);
    return r.arrayBuffer();
}

async function fetchText(url) {
    const r = await fetch(url);
    if (!r.ok) throw new Error(`${url}: ${r.status} ${r.statusText}`);
    return r.text();
}

function reset() {
    state.views = [];
    state.selected = null;
    state.levels = 0;
    state.totalMs = 0;
    state.totalTicks = 0;
    $('levels').replaceChildren();
    $('level-view').replaceChildren(el('p', { class: 'hint' }, 'Run a level to see what it did.'));
    $('final-root').textContent = '–';
    $('progress').value = 0;
    clearError();
}

function load(kernel, genesis, inbox, name, extra = {}) {
    reset();
    setStatus(`Loading ${name}…`);
    worker.postMessage({ type: 'load', kernel, genesis, inbox, witness: $('record-witness').checked, ...extra }, [kernel]);
}

async function loadExample() {
    const ex = EXAMPLES[$('example').value];
    try {
        const [kernel, genesis, inbox] = await Promise.all([
            fetchBytes(ex.kernel),
            ex.genesis ? fetchText(ex.genesis) : Promise.resolve(null),
            fetchText(ex.inbox),
        ]);
        load(kernel, genesis, inbox, $('example').selectedOptions[0].textContent);
    } catch (e) {
        showError(`Cannot fetch the example: ${e.message}`);
    }
}

async function loadFiles() {
    const kernelFile = $('kernel-file').files[0];
    const inboxFile = $('inbox-file').files[0];
    const genesisFile = $('genesis-file').files[0];
    if (!kernelFile || !inboxFile) {
        showError('Choose a kernel (.wasm) and an inbox file (.json); the genesis is optional.');
        return;
    }
    const tick = $('tick-limit').value.trim();
    if (tick && !/^[0-9]+$/.test(tick)) {
        showError(`Tick limit "${tick}" is not a whole number.`);
        return;
    }
    const rollup = $('rollup-address').value.trim() || null;
    const preimages = await Promise.all(Array.from($('preimage-files').files, (f) => f.arrayBuffer()));
    load(await kernelFile.arrayBuffer(), genesisFile ? await genesisFile.text() : null, await inboxFile.text(),
        kernelFile.name, { tickLimit: tick || null, rollup, preimages });
}

// ---- the worker's answers ---------------------------------------------------

worker.onmessage = ({ data }) => {
    switch (data.type) {
        case 'loaded':
            state.levels = data.levels;
            $('progress').max = Math.max(1, data.levels);
            setStatus(`Originated: ${data.levels} levels to run. Root ${short(data.root)}` +
                (data.preimages.length ? `; ${data.preimages.length} preimages` : ''));
            setRunning(false);
            refreshTree();
            break;
        case 'level':
            addLevel(data.view, data.ms);
            $('progress').value = data.done;
            setStatus(`Level ${data.view.level} of ${data.levels}: ${ticksText(sum(data.view.ticks))} ticks in ${data.ms.toFixed(0)} ms`);
            setRunning($('stop').disabled === false);
            break;
        case 'done':
            finish(data.root);
            break;
        case 'stopped':
            setRunning(false);
            setStatus(`Stopped after level ${state.views.length} of ${state.levels}.`);
            break;
        case 'node': {
            const w = state.nodeWaiters.get(data.id);
            state.nodeWaiters.delete(data.id);
            w?.(data.node);
            break;
        }
        case 'read':
            showValue(data);
            break;
        case 'replay':
            showReplay(data);
            break;
        case 'witness':
            if (data.bytes) download(data.bytes, `level-${data.level}.witness`);
            break;
        case 'error':
            showError(data.message);
            setStatus('Error.');
            setRunning(false);
            break;
    }
};

worker.onerror = (e) => {
    showError(`The engine failed: ${e.message}`);
    setRunning(false);
};

function finish(root) {
    $('final-root').textContent = root;
    $('final-root').dataset.done = 'true';
    const rate = state.totalMs > 0 ? (state.totalTicks / (state.totalMs / 1000) / 1e6).toFixed(1) : '–';
    setStatus(`All ${state.levels} levels run: ${ticksText(state.totalTicks)} ticks in ${state.totalMs.toFixed(0)} ms (${rate} M ticks/s).`);
    setRunning(false);
}

const sum = (xs) => xs.reduce((a, b) => a + b, 0);
const short = (h) => (h && h.length > 20 ? `${h.slice(0, 10)}…${h.slice(-8)}` : h);

// ---- levels ------------------------------------------------------------------

function addLevel(view, ms) {
    view.ms = ms;
    state.views.push(view);
    state.totalMs += ms;
    state.totalTicks += sum(view.ticks);
    const bad = view.failures.length > 0;
    const button = el('button', { class: bad ? 'level failed' : 'level', 'data-level': view.level,
        onclick: () => select(view.level) },
        `Level ${view.level}`, el('small', {}, `${ticksText(sum(view.ticks))} ticks${bad ? ' · failed run' : ''}`));
    $('levels').append(button);
    select(view.level);
}

function select(level) {
    state.selected = state.views.find((v) => v.level === level);
    for (const b of $('levels').children) b.classList.toggle('selected', Number(b.dataset.level) === level);
    renderLevel(state.selected);
    refreshTree();
}

function section(title, ...body) {
    return el('section', { class: 'part' }, el('h3', {}, title), ...body);
}

function renderLevel(v) {
    const view = $('level-view');
    const parts = [
        el('h2', {}, `Level ${v.level}`),
        el('dl', { class: 'summary' },
            el('dt', {}, 'State root'), el('dd', {}, el('code', { id: 'state-root' }, v.state_root)),
            el('dt', {}, 'Outbox commitment'), el('dd', {}, el('code', {}, v.outbox_commitment)),
            el('dt', {}, 'Messages read'), el('dd', {}, `${v.messages_read} of ${v.messages.length}`),
            el('dt', {}, 'kernel_run calls'), el('dd', {}, `${v.ticks.length} (${v.reboots} reboots${v.too_many_reboots ? ', stopped at the reboot limit' : ''})`),
            el('dt', {}, 'Time in this tab'), el('dd', {}, `${v.ms.toFixed(1)} ms`)),
        v.failures.length ? el('div', { class: 'failure', role: 'alert' },
            v.failures.map(([i, why]) => el('p', {}, `kernel_run ${i} failed and was rolled back: ${why}`))) : null,
        v.refused_upgrades.length ? el('div', { class: 'failure' },
            v.refused_upgrades.map((u) => el('p', {}, `Upgrade refused: ${u}`))) : null,
        section('Ticks per kernel_run', tickChart(v)),
        section('Inbox', messagesTable(v.messages)),
        section('Blocks and receipts', v.blocks.length ? v.blocks.map(blockView) : el('p', { class: 'hint' }, 'No block.'),
            v.block_errors.map((e) => el('p', { class: 'failure' }, e))),
        section('Outbox', v.outbox.length ? outboxList(v.outbox) : el('p', { class: 'hint' }, 'Empty.')),
        section('Debug log', v.debug ? el('pre', { class: 'debug' }, v.debug) : el('p', { class: 'hint' }, 'Nothing written.')),
        section('Witness', witnessPart(v)),
        section(`Storage changes (${v.changes.length})`, changesTable(v.changes)),
    ];
    view.replaceChildren(...parts.filter((p) => p));
}

// The level's witness: replayed in the worker from the witness alone (what a
// proof of the level proves), or saved for `pvm-runner`.
function witnessPart(v) {
    if (v.witness_error) return el('p', { class: 'failure' }, `No witness: ${v.witness_error}`);
    if (v.witness_bytes == null) return el('p', { class: 'hint' }, 'Not recorded: load with "Record witnesses" on.');
    return el('div', {},
        el('p', {}, el('span', { class: 'witness-size' }, fmt.format(v.witness_bytes)), ` bytes: the level's inbox and the part of the pre-state it read, with Merkle paths to the pre-state root. `,
            el('button', { id: 'replay', onclick: () => {
                $('replay-result').replaceChildren(el('p', { class: 'hint' }, 'Replaying…'));
                worker.postMessage({ type: 'replay', level: v.level });
            } }, 'Replay from the witness'),
            ' ',
            el('button', { id: 'download-witness', onclick: () => worker.postMessage({ type: 'witness', level: v.level }) }, 'Download')),
        el('div', { id: 'replay-result' }));
}

function showReplay(data) {
    const out = $('replay-result');
    if (!out || state.selected?.level !== data.level) return;
    if (data.error) {
        out.replaceChildren(el('p', { class: 'failure' }, data.error));
        return;
    }
    const r = data.view;
    const verdict = r.mismatches.length
        ? el('p', { class: 'failure', 'data-verdict': 'differs' }, `✗ The replay differs from the run in: ${r.mismatches.join(', ')}.`)
        : el('p', { class: 'replay-ok', 'data-verdict': 'matches' },
            `✓ Replayed from the witness alone in ${data.ms.toFixed(0)} ms: the same pre-state root, inbox, post-state root and outbox as the run.`);
    out.replaceChildren(verdict, el('dl', { class: 'summary' },
        el('dt', {}, 'Pre-state root'), el('dd', {}, el('code', {}, r.pre_root)),
        el('dt', {}, 'Post-state root'), el('dd', {}, el('code', { id: 'replay-root' }, r.post_root)),
        el('dt', {}, 'Inbox hash'), el('dd', {}, el('code', {}, r.inbox_hash)),
        el('dt', {}, 'Outbox commitment'), el('dd', {}, el('code', {}, r.outbox_commitment)),
        el('dt', {}, 'Ticks'), el('dd', {}, r.ticks.map((t) => fmt.format(t)).join(' + '))));
}

function download(bytes, name) {
    const url = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
    const a = el('a', { href: url, download: name });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function tickChart(v) {
    const chart = el('div', { class: 'ticks', role: 'img', 'aria-label': 'ticks per kernel_run against the tick limit' });
    v.ticks.forEach((t, i) => {
        const failed = v.failures.some(([j]) => j === i);
        const pct = Math.min(100, (t / v.tick_limit) * 100);
        chart.append(el('div', { class: 'bar-row' },
            el('span', { class: 'bar-label' }, `run ${i}`),
            el('span', { class: 'bar-track' },
                el('span', { class: failed ? 'bar failed' : 'bar', style: `width: ${Math.max(pct, 0.3)}%` })),
            el('span', { class: 'bar-value' }, `${fmt.format(t)} ticks (${pct.toFixed(2)} % of ${ticksText(v.tick_limit)})`)));
    });
    return chart;
}

function messageText(d) {
    switch (d.kind) {
        case 'start_of_level': return ['StartOfLevel', ''];
        case 'end_of_level': return ['EndOfLevel', ''];
        case 'info_per_level': return ['InfoPerLevel', `predecessor ${short(d.predecessor)} at ${new Date(d.timestamp * 1000).toISOString()}`];
        case 'protocol_migration': return ['ProtocolMigration', ''];
        case 'deposit': return ['Deposit (L1 ticket)', `${d.eth} (${fmt.format(d.mutez)} mutez) to ${d.receiver}`];
        case 'transfer': return ['L1 transfer', `not credited: ${d.refused}`];
        case 'transaction': return ['Ethereum transaction',
            `${d.sender} → ${d.to ?? 'create'}, value ${d.value} wei, nonce ${d.nonce}, gas ${fmt.format(d.gas_limit)}` +
            (d.selector ? `, selector ${d.selector}` : '') + ` (${d.tx_type}, ${d.input_len} bytes of input) ${short(d.hash)}`];
        case 'chunk': return ['Transaction chunk', `${d.index + 1} of ${d.count} of ${short(d.hash)}, ${d.len} bytes`];
        case 'refused': return ['Refused', d.reason];
        case 'not_for_us': return ['External, for another rollup', ''];
        default: return ['Undecodable', d.reason ?? ''];
    }
}

function messagesTable(messages) {
    return el('table', { class: 'messages' },
        el('thead', {}, el('tr', {}, el('th', {}, '#'), el('th', {}, 'Kind'), el('th', {}, 'What the OS makes of it'), el('th', {}, 'Bytes'))),
        el('tbody', {}, messages.map((m, i) => {
            const [kind, text] = messageText(m.decoded);
            return el('tr', { class: `msg ${m.decoded.kind}` }, el('td', {}, i), el('td', {}, kind), el('td', {}, text),
                el('td', {}, el('code', { title: m.hex }, `${m.len} B`)));
        })));
}

function blockView(b) {
    return el('div', { class: 'block' },
        el('p', {}, `Block ${b.number} `, el('code', {}, short(b.hash)),
            ` · ${b.transactions.length} transactions · gas ${fmt.format(b.gas_used)} of ${fmt.format(b.gas_limit)} · time ${b.timestamp}`),
        b.deposits.length ? el('p', {}, 'Deposits credited: ', b.deposits.map((d) => `${d.eth} to ${d.receiver}`).join('; ')) : null,
        b.transactions.length ? el('table', { class: 'receipts' },
            el('thead', {}, el('tr', {}, ['Status', 'Transaction', 'From → to', 'VM', 'Gas used', 'Created', 'Logs'].map((h) => el('th', {}, h)))),
            el('tbody', {}, b.transactions.map((t) => el('tr', { class: t.status ? 'ok' : 'reverted' },
                el('td', {}, t.status ? '✓ success' : '✗ failed'),
                el('td', {}, el('code', { title: t.hash }, short(t.hash))),
                el('td', {}, `${short(t.from)} → ${t.to ? short(t.to) : 'create'}`),
                el('td', {}, el('span', { class: `vm vm-${t.vm.toLowerCase().replace(/[^a-z]/g, '')}` }, t.vm)),
                el('td', {}, fmt.format(t.gas_used)),
                el('td', {}, t.created ? el('code', {}, t.created) : ''),
                el('td', {}, t.logs.map((l) => el('div', { class: 'log' },
                    `${logName(l)} from ${short(l.address)}`,
                    el('code', { title: `topics ${l.topics.join(' ')}\ndata ${l.data}` }, ` ${l.topics.length} topics, ${(l.data.length - 2) / 2} B`))))))))
            : null);
}

// A named event with its arguments (`Transfer(from 0xAb…, to 0xCd…, value
// 250)`), else the first topic.
function logName(l) {
    if (!l.event) return l.topics[0] ? short(l.topics[0]) : 'anonymous';
    const name = l.event.slice(0, l.event.indexOf('('));
    const args = l.args.map((a) => `${a.name} ${a.value.startsWith('0x') ? short(a.value) : a.value}`);
    return `${name}(${args.join(', ')})`;
}

function outboxList(outbox) {
    return el('ol', { class: 'outbox' }, outbox.map((o) => el('li', {},
        o.withdrawal
            ? `Withdrawal: ${fmt.format(o.withdrawal.mutez)} mutez to ${o.withdrawal.receiver}, calling ${o.withdrawal.destination}%${o.withdrawal.entrypoint} (ticketer ${o.withdrawal.ticketer})`
            : 'Message not decoded',
        el('code', { class: 'hex' }, o.hex))));
}

function changesTable(changes) {
    if (!changes.length) return el('p', { class: 'hint' }, 'Nothing changed.');
    return el('table', { class: 'changes' },
        el('thead', {}, el('tr', {}, ['', 'Path', 'Value', 'Meaning'].map((h) => el('th', {}, h)))),
        el('tbody', {}, changes.map((c) => el('tr', { class: `change ${c.kind}` },
            el('td', {}, c.kind),
            el('td', {}, el('code', {}, c.path)),
            el('td', {}, valueCell(c)),
            el('td', {}, c.decoded ?? '')))));
}

function valueCell(c) {
    const clip = (h) => (h.length > 80 ? `${h.slice(0, 80)}…` : h);
    const size = ` (${fmt.format(c.len)} B)`;
    if (c.kind === 'changed') return el('span', {}, el('del', {}, clip(c.before)), ' → ', el('ins', {}, clip(c.after)), size);
    if (c.kind === 'deleted') return el('del', {}, clip(c.before) + size);
    return el('ins', {}, clip(c.after) + size);
}

// ---- the storage browser ---------------------------------------------------------

function readNode(path) {
    return new Promise((resolve) => {
        const id = state.nextId++;
        state.nodeWaiters.set(id, resolve);
        worker.postMessage({ type: 'node', path, id });
    });
}

// How the selected level touched `path`: its own change, or "inside" when a
// path below it changed.
function marks() {
    const m = new Map();
    for (const c of state.selected?.changes ?? []) {
        m.set(c.path, c.kind);
        const steps = c.path.split('/');
        for (let i = 2; i < steps.length; i++) {
            const parent = steps.slice(0, i).join('/');
            if (!m.has(parent)) m.set(parent, 'inside');
        }
    }
    return m;
}

const open = new Set(['', '/zkos', '/zkos/accounts']);

async function refreshTree() {
    const tree = $('tree');
    const m = marks();
    const root = await renderNode('', '/', m);
    tree.replaceChildren(root);
    // Deleted paths are no longer in the tree: list them under it.
    const deleted = (state.selected?.changes ?? []).filter((c) => c.kind === 'deleted');
    if (deleted.length) {
        tree.append(el('div', { class: 'deleted-list' }, el('strong', {}, 'Deleted in this level: '),
            deleted.map((c) => el('div', { class: 'node deleted' }, el('code', {}, c.path)))));
    }
}

async function renderNode(path, name, m) {
    const node = await readNode(path);
    if (!node) return el('div', { class: 'hint' }, 'No rollup loaded.');
    const mark = m.get(path) ?? '';
    const isOpen = open.has(path);
    const hasChildren = node.children.length > 0;
    const head = el('div', { class: `node ${mark}`, 'data-path': path || '/' },
        hasChildren ? el('button', { class: 'toggle', 'aria-expanded': String(isOpen), onclick: () => {
            if (open.has(path)) open.delete(path); else open.add(path);
            refreshTree();
        } }, isOpen ? '▾' : '▸') : el('span', { class: 'toggle' }, ' '),
        el('span', { class: 'name' }, name),
        node.value ? el('code', { class: 'hex', title: node.value }, ` ${node.value.length > 66 ? node.value.slice(0, 66) + '…' : node.value} (${fmt.format(node.len)} B)`) : null,
        node.decoded ? el('span', { class: 'decoded' }, ` ${node.decoded}`) : null,
        mark && mark !== 'inside' ? el('span', { class: 'badge' }, mark) : null);
    const box = el('div', { class: 'subtree' }, head);
    if (isOpen && hasChildren) {
        const kids = await Promise.all(node.children.map((c) => renderNode(`${path}/${c}`, c, m)));
        box.append(el('div', { class: 'children' }, kids));
    }
    return box;
}

// ---- reading one path ------------------------------------------------------------

const MAX_HEX_BYTES = 16 * 1024;

function showValue({ path, value, decoded, error }) {
    const box = $('path-value');
    if (error) {
        box.replaceChildren(el('p', { class: 'failure' }, error));
        return;
    }
    if (value === undefined || value === null) {
        box.replaceChildren(el('p', { class: 'hint' }, `No value at ${path}.`));
        return;
    }
    const shown = value.subarray(0, MAX_HEX_BYTES);
    const hex = Array.from(shown, (b) => b.toString(16).padStart(2, '0')).join('');
    box.replaceChildren(
        el('p', {}, el('code', {}, path), ` — ${fmt.format(value.length)} bytes`, decoded ? `: ${decoded}` : ''),
        el('pre', { class: 'value-hex' }, `0x${hex}${value.length > MAX_HEX_BYTES ? '…' : ''}`));
}

function readPath() {
    clearError();
    const path = $('path').value.trim();
    if (!path) return;
    worker.postMessage({ type: 'read', path });
}

// ---- wiring ------------------------------------------------------------------------

$('load-example').addEventListener('click', loadExample);
$('load-files').addEventListener('click', () => loadFiles().catch((e) => showError(e.message)));
$('step').addEventListener('click', () => { clearError(); setRunning(true); $('stop').disabled = true; worker.postMessage({ type: 'step' }); });
$('run').addEventListener('click', () => { clearError(); setRunning(true); worker.postMessage({ type: 'run' }); });
$('read-path').addEventListener('click', readPath);
$('path').addEventListener('keydown', (e) => { if (e.key === 'Enter') readPath(); });
$('stop').addEventListener('click', () => worker.postMessage({ type: 'stop' }));

const params = new URLSearchParams(location.search);
if (params.get('example') && EXAMPLES[params.get('example')]) $('example').value = params.get('example');
loadExample();
