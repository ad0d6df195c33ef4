// One change fanned out to many live streams (bench/events/run.sh): starts `vanphong serve --demo`
// (SQLite, or PostgreSQL with BENCH_PG_DSN), signs in two demo accounts through the JSON API
// (password and one-time code), takes an API token for each, opens BENCH_SUBSCRIBERS event
// streams (`GET /api/v1/events?topics=tasks.task`, half as the task office, half as a province's
// focal point, whose streams are filtered by the unit rule), then creates BENCH_CHANGES tasks
// through `POST /api/v1/tasks`, one at a time, and records when each stream receives each task's
// event. A latency runs from just before the change's request is sent (the commit happens before
// its answer, so this is an upper bound of "from the commit") to the stream's receipt.
// Prints one JSON line with the figures. Node's own built-ins only (no npm package needed).
import http from 'node:http';
import { performance } from 'node:perf_hooks';

import { startServer } from '../../tests/browser/lib/server.mjs';
import { freshCode } from '../../tests/browser/lib/totp.mjs';

const subscribers = Number(process.env.BENCH_SUBSCRIBERS || 2000);
const changes = Number(process.env.BENCH_CHANGES || 20);
const pgDsn = process.env.BENCH_PG_DSN || '';
const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });

function request(base, method, path, { body, headers = {}, cookie } = {}) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const h = { ...headers };
    if (data) Object.assign(h, { 'Content-Type': 'application/json', 'Content-Length': data.length });
    if (cookie) h.Cookie = cookie;
    const req = http.request(`${base}${path}`, { method, headers: h, agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json = null;
        try {
          json = JSON.parse(text);
        } catch {
          /* not JSON */
        }
        resolve({ status: res.statusCode, headers: res.headers, json, text });
      });
    });
    req.on('error', reject);
    if (data) req.write(data);
    req.end();
  });
}

// Signs in with password and one-time code, then takes an API token (scope "*", one day).
async function tokenFor(server, username) {
  const first = await request(server.url, 'POST', '/api/v1/session', {
    body: { username, password: server.demoPassword },
  });
  if (first.status !== 200) throw new Error(`${username}: sign-in answered ${first.status}: ${first.text}`);
  const cookie = String(first.headers['set-cookie'] || '').split(';')[0];
  const csrf = first.json.csrf_token;
  const { code } = await freshCode(server.accounts[username].secret);
  const second = await request(server.url, 'POST', '/api/v1/session/second-factor', {
    body: { code },
    headers: { 'X-CSRF-Token': csrf },
    cookie,
  });
  if (second.status !== 200) throw new Error(`${username}: second factor answered ${second.status}: ${second.text}`);
  const cookie2 = String(second.headers['set-cookie'] || cookie).split(';')[0];
  const csrf2 = second.json?.csrf_token || csrf;
  const token = await request(server.url, 'POST', '/api/v1/tokens', {
    body: { name: 'bench', scopes: ['*'], days: 1 },
    headers: { 'X-CSRF-Token': csrf2 },
    cookie: cookie2,
  });
  if (token.status !== 201) throw new Error(`${username}: token answered ${token.status}: ${token.text}`);
  return token.json.token;
}

// An open event stream: calls onEvent(name, data, now) for each event it receives.
function openStream(base, token, onEvent) {
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}/api/v1/events?topics=tasks.task`, {
      headers: { Authorization: `Bearer ${token}`, Accept: 'text/event-stream' },
      agent: false,
    });
    req.on('response', (res) => {
      if (res.statusCode !== 200) return reject(new Error(`event stream answered ${res.statusCode}`));
      res.setEncoding('utf8');
      let buffer = '';
      let opened = false;
      res.on('data', (chunk) => {
        const now = performance.now();
        buffer += chunk;
        for (let end; (end = buffer.indexOf('\n\n')) >= 0; ) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (!opened) {
            opened = true;
            resolve(req);
          }
          let name = 'message';
          let data = '';
          for (const line of frame.split('\n')) {
            if (line.startsWith('event:')) name = line.slice(6).trim();
            else if (line.startsWith('data:')) data += line.slice(5).trim();
          }
          if (data) onEvent(name, data, now);
        }
      });
      res.on('error', () => {});
    });
    req.on('error', reject);
    req.end();
  });
}

function quantile(sorted, q) {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.round(q * (sorted.length - 1)))] : NaN;
}

async function main() {
  const extraArgs = ['--rate-limit', '0', '--no-jobs'];
  if (pgDsn) extraArgs.push('--database', pgDsn);
  const server = await startServer({ extraArgs, timeoutMs: 600_000 });
  let streams = [];
  try {
    const office = await tokenFor(server, 'vpnhiemvu');
    const focal = await tokenFor(server, 'daumoi');
    const docs = await request(server.url, 'GET', '/api/v1/tasks/documents', {
      headers: { Authorization: `Bearer ${office}` },
    });
    const list = Object.values(docs.json || {}).find((v) => Array.isArray(v)) || [];
    const document = list.find((d) => d && d.id)?.id;
    if (!document) throw new Error(`no document to add tasks to: ${docs.status} ${docs.text.slice(0, 200)}`);

    const received = new Map(); // task id -> [receipt times]
    const onEvent = (name, data, now) => {
      if (name !== 'tasks.task') return;
      let e;
      try {
        e = JSON.parse(data);
      } catch {
        return;
      }
      if (e.action !== 'create') return;
      if (!received.has(e.id)) received.set(e.id, []);
      received.get(e.id).push(now);
    };
    // Opened in batches: the server accepts thousands, but not all in one instant.
    for (let i = 0; i < subscribers; i += 100) {
      const batch = [];
      for (let j = i; j < Math.min(subscribers, i + 100); j++) batch.push(openStream(server.url, j % 2 ? focal : office, onEvent));
      streams = streams.concat(await Promise.all(batch));
    }
    await new Promise((r) => setTimeout(r, 1000));

    const deadline = new Date(Date.now() + 60 * 86400_000).toISOString().slice(0, 10);
    const latencies = [];
    const answers = [];
    let missing = 0;
    for (let k = 0; k < changes; k++) {
      const t0 = performance.now();
      const created = await request(server.url, 'POST', '/api/v1/tasks', {
        body: {
          document,
          content: `Nhiệm vụ đo thử số ${k + 1}: theo dõi việc triển khai kết luận hội nghị`,
          lead_units: ['TU-HNI'],
          coordinating_units: ['VP-HNI'],
          monitoring_unit: 'VPTW-VTH',
          deadline, // two months ahead: no update cadence needed (Art. 6.2.b(4))
          priority: 'regular',
        },
        headers: { Authorization: `Bearer ${office}` },
      });
      answers.push(performance.now() - t0);
      if (created.status !== 201 && created.status !== 200) throw new Error(`POST /api/v1/tasks answered ${created.status}: ${created.text}`);
      const id = created.json.id ?? created.json.task?.id;
      // Wait until every stream has it (or 5 s).
      const until = performance.now() + 5000;
      while ((received.get(id)?.length || 0) < subscribers && performance.now() < until) await new Promise((r) => setTimeout(r, 5));
      const got = received.get(id) || [];
      missing += subscribers - got.length;
      for (const at of got) latencies.push(at - t0);
      await new Promise((r) => setTimeout(r, 300));
    }
    latencies.sort((a, b) => a - b);
    answers.sort((a, b) => a - b);
    const round = (x) => Math.round(x * 10) / 10;
    console.log(
      JSON.stringify({
        engine: pgDsn ? 'postgresql' : 'sqlite',
        subscribers,
        changes,
        receipts: latencies.length,
        missing,
        p50_ms: round(quantile(latencies, 0.5)),
        p95_ms: round(quantile(latencies, 0.95)),
        p99_ms: round(quantile(latencies, 0.99)),
        max_ms: round(latencies[latencies.length - 1]),
        change_answer_p50_ms: round(quantile(answers, 0.5)),
      }),
    );
  } finally {
    for (const s of streams) s.destroy();
    await server.stop();
  }
}

main().catch((e) => {
  console.error(e.stack || String(e));
  process.exit(1);
});
