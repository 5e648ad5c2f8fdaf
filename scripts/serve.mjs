#!/usr/bin/env node
// A tiny static server for the demo (node:http, no dependencies):
//
//   /                    www/ (the demo: a form for every document type of the pack)
//   /react/              www/react/ (the React + react-hook-form page), whose bundle and the
//                        document model both pages read are in www/dist/, written by
//                        scripts/build-demo.mjs
//   /pkg/…               pkg/web/ (the web-target package built by scripts/build-wasm.mjs; the
//                        default pack the page loads is /pkg/packs/default.qpack)
//   /packs/NAME/…        a rule pack directory; /packs/NAME/index.json lists its .toml/.json
//                        files ({"files": [...]}) unless the directory has its own index.json
//
// Every response carries a strict Content-Security-Policy: no inline script or style, no eval;
// WebAssembly compilation needs only 'wasm-unsafe-eval'. No COOP/COEP is needed (no threads,
// no SharedArrayBuffer).
//
// Usage: node scripts/serve.mjs [--port=8080] [--host=127.0.0.1] [--pack=NAME=DIR …]
//        (default pack: kz-orphan=rules/kz-orphan)
import http from 'node:http';
import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export const CSP = [
  "default-src 'none'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "require-trusted-types-for 'script'",
].join('; ');

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.qpack': 'application/octet-stream', // a compiled pack (Validator.fromCompiled)
  '.toml': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.map': 'application/json; charset=utf-8',
};

/** Lists a pack's .toml and .json files, relative to its directory, with `/` separators. */
export async function listPack(dir) {
  const out = [];
  async function walk(d) {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (/\.(toml|json)$/.test(e.name) && !(d === dir && e.name === 'index.json')) out.push(relative(dir, p).split(sep).join('/'));
    }
  }
  await walk(dir);
  return out.sort();
}

/** Resolves `rel` inside `base`, or null when it would escape it. */
function inside(base, rel) {
  const p = resolve(base, '.' + sep + rel);
  return p === base || p.startsWith(base + sep) ? p : null;
}

/**
 * Creates the server (not listening yet).
 * @param {{www?: string, pkg?: string, packs?: Record<string, string>, log?: boolean}} opts
 */
export function createServer(opts = {}) {
  const www = resolve(opts.www ?? join(repo, 'www'));
  const pkg = resolve(opts.pkg ?? join(repo, 'pkg', 'web'));
  const packs = Object.fromEntries(
    Object.entries(opts.packs ?? { 'kz-orphan': join(repo, 'rules', 'kz-orphan') }).map(([k, v]) => [k, resolve(v)]),
  );
  return http.createServer(async (req, res) => {
    const headers = {
      'content-security-policy': CSP,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    };
    const send = (status, body, type = 'text/plain; charset=utf-8') => {
      res.writeHead(status, { ...headers, 'content-type': type });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed\n');
    let path;
    try {
      path = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
    } catch {
      return send(400, 'bad request\n');
    }
    if (path.includes('\0')) return send(400, 'bad request\n');
    let file = null;
    let m;
    if ((m = path.match(/^\/pkg\/(.*)$/))) file = inside(pkg, m[1]);
    else if ((m = path.match(/^\/packs\/([^/]+)\/(.*)$/)) && packs[m[1]]) {
      const dir = packs[m[1]];
      if (m[2] === 'index.json') {
        const own = join(dir, 'index.json');
        const hasOwn = await stat(own).then((s) => s.isFile(), () => false);
        if (!hasOwn) {
          const files = await listPack(dir).catch(() => null);
          if (!files) return send(404, 'no such pack\n');
          return send(200, JSON.stringify({ files }, null, 2) + '\n', TYPES['.json']);
        }
      }
      file = inside(dir, m[2]);
    } else file = inside(www, path === '/' ? 'index.html' : path.slice(1));
    if (!file) return send(403, 'forbidden\n');
    try {
      const s = await stat(file);
      if (s.isDirectory()) {
        // A page's directory: its index.html, at a URL ending in `/` so that its relative links work.
        if (!path.endsWith('/')) {
          res.writeHead(301, { ...headers, location: `${new URL(req.url, 'http://localhost').pathname}/` });
          return res.end();
        }
        file = join(file, 'index.html');
      }
      const body = await readFile(file);
      send(200, body, TYPES[extname(file)] ?? 'application/octet-stream');
    } catch {
      send(404, 'not found\n');
    }
    if (opts.log) console.log(`${req.method} ${req.url} ${res.statusCode}`);
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const one = (n, d) => args.find((a) => a.startsWith(`--${n}=`))?.slice(n.length + 3) ?? d;
  const packs = { 'kz-orphan': join(repo, 'rules', 'kz-orphan') };
  for (const a of args.filter((a) => a.startsWith('--pack='))) {
    const [name, dir] = a.slice(7).split('=');
    packs[name] = dir;
  }
  const server = createServer({ packs, log: args.includes('--log') });
  const port = Number(one('port', 8080));
  const host = one('host', '127.0.0.1');
  server.listen(port, host, () => {
    console.log(`qagida demo: http://${host}:${server.address().port}/  (packs: ${Object.keys(packs).join(', ')})`);
    console.log(`CSP: ${CSP}`);
  });
}
