// Starts a throw-away `vanphong serve` for a browser test and stops it with SIGTERM.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
// Used only if demo-accounts.txt does not say ("Demo accounts (password for all: ...)").
export const DEFAULT_DEMO_PASSWORD = 'SaoMai@Demo2026';

/** The server binary: $VANPHONG_BINARY, else $VANPHONG_BIN (set by scripts/test-all.sh), else build/src/app/vanphong. */
export function serverBinary() {
  const given = process.env.VANPHONG_BINARY || process.env.VANPHONG_BIN;
  if (given) return isAbsolute(given) ? given : resolve(REPO_ROOT, given);
  return join(REPO_ROOT, 'build', 'src', 'app', 'vanphong');
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.unref();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts the server on a fresh data folder (`extraArgs`: more `serve` options); resolves once
 * GET /healthz answers 200.
 * Returns { url, dataDir, logPath, accounts, stop(), logTail() }.
 */
export async function startServer({ timeoutMs = 180_000, corpus = false, extraArgs = [] } = {}) {
  const binary = serverBinary();
  if (!existsSync(binary)) throw new Error(`server binary not found: ${binary} (build it, or set VANPHONG_BINARY)`);
  const dataDir = mkdtempSync(join(tmpdir(), 'vp-browser-'));
  const logPath = join(dataDir, 'server.log');
  const log = createWriteStream(logPath);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // The public site's demo stories only for the suites that read them (they take ~30 s to load).
  const args = ['serve', '--demo', '--data-dir', dataDir, '--port', String(port), '--address', '127.0.0.1', '--access-log', 'off'];
  if (!corpus) args.push('--no-demo-corpus');
  args.push(...extraArgs);
  const child = spawn(binary, args, {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env },
  });
  child.stdout.pipe(log, { end: false });
  child.stderr.pipe(log, { end: false });
  let exited = null;
  const exitPromise = new Promise((res) => {
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      res(exited);
    });
  });

  const logTail = (n = 40) => {
    try {
      // Without the demo list (secrets, and noise in a failure report).
      const lines = readFileSync(logPath, 'utf8').split('\n').filter((l) => !/oathtool --totp -b [A-Z2-7]/.test(l));
      return lines.slice(-n).join('\n');
    } catch {
      return '';
    }
  };

  const stop = async ({ graceMs = 15_000, keep = !!process.env.KEEP_TMP && process.env.KEEP_TMP !== '0' } = {}) => {
    let result = exited;
    if (!result) {
      child.kill('SIGTERM');
      result = await Promise.race([exitPromise, sleep(graceMs).then(() => null)]);
      if (!result) {
        child.kill('SIGKILL');
        await exitPromise;
        result = { code: null, signal: 'SIGKILL', timedOut: true };
      }
    }
    log.end();
    if (!keep) rmSync(dataDir, { recursive: true, force: true });
    return result;
  };

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) {
      const tail = logTail();
      await stop();
      throw new Error(`server exited early (${JSON.stringify(exited)}):\n${tail}`);
    }
    try {
      const r = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (r.status === 200) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      const tail = logTail();
      await stop();
      throw new Error(`GET /healthz did not answer 200 within ${timeoutMs} ms:\n${tail}`);
    }
    await sleep(200);
  }

  // The demo list is written on first start, before the server listens.
  const demoPath = join(dataDir, 'demo-accounts.txt');
  let demo = { accounts: {}, password: DEFAULT_DEMO_PASSWORD };
  for (let i = 0; i < 50 && Object.keys(demo.accounts).length === 0; i++) {
    if (existsSync(demoPath)) demo = parseDemoAccounts(readFileSync(demoPath, 'utf8'));
    if (Object.keys(demo.accounts).length === 0) await sleep(100);
  }
  const exitStatus = () => exited; // null while running, else { code, signal }
  return { url, port, dataDir, logPath, accounts: demo.accounts, demoPassword: demo.password, child, stop, logTail, exitStatus };
}

/**
 * demo-accounts.txt: a first line "Demo accounts (password for all: PASSWORD)", then lines like
 * `admin          system_admin           ABCDEF...  oathtool --totp -b ABCDEF...`.
 * Returns { password, accounts: { admin: { role: 'system_admin', secret: 'ABCDEF...' }, ... } }.
 */
export function parseDemoAccounts(text) {
  const accounts = {};
  const pw = /password for all:\s*(\S+?)\)?\s*$/m.exec(text);
  for (const line of text.split('\n')) {
    const m = /^(\S+)\s+(\S+)\s+([A-Z2-7]{16,})\s+oathtool\b/.exec(line.trim());
    if (m) accounts[m[1]] = { role: m[2], secret: m[3] };
  }
  return { password: pw ? pw[1] : DEFAULT_DEMO_PASSWORD, accounts };
}
