// A static file server for the built page (target/web): `node serve.mjs
// [dir] [port]`, or `serve(dir)` from a test. Only files under `dir` are
// served; `.wasm` goes out as application/wasm so browsers can stream it.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES = {
    '.html': 'text/html; charset=utf-8',
    '.js': 'text/javascript; charset=utf-8',
    '.mjs': 'text/javascript; charset=utf-8',
    '.css': 'text/css; charset=utf-8',
    '.json': 'application/json',
    '.wasm': 'application/wasm',
    '.png': 'image/png',
};

export const PAGE_DIR = resolve(fileURLToPath(new URL('../../target/web', import.meta.url)));

export function serve(dir = PAGE_DIR, port = 0) {
    const root = resolve(dir);
    const server = createServer(async (req, res) => {
        const path = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
        const file = normalize(join(root, path.endsWith('/') ? `${path}index.html` : path));
        if (!file.startsWith(root)) {
            res.writeHead(403).end();
            return;
        }
        try {
            const body = await readFile(file);
            res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
        } catch {
            res.writeHead(404).end('not found');
        }
    });
    return new Promise((ok) => {
        server.listen(port, '127.0.0.1', () => {
            const { port: p } = server.address();
            ok({ url: `http://127.0.0.1:${p}/`, close: () => new Promise((done) => server.close(done)) });
        });
    });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
    const { url } = await serve(process.argv[2] ?? PAGE_DIR, Number(process.argv[3] ?? 8080));
    console.log(`serving the page at ${url}`);
}
