// Crash-safety soak (issue 8, "proof that nothing is lost under faults"): four phones sync
// households and visits at once while the server is killed with SIGKILL and restarted several
// times. A phone that gets no answer (refused, reset, cut off, 5xx) sends the same batch again,
// same UUIDs, as the field app does. Afterwards the database must hold every record the server
// acknowledged, exactly once, under the id it acknowledged, with exactly one audit entry.
//
// Run with `make soak` (it builds the release binary first; `make test` runs it too); it takes
// about 40 s. SQLite always; PostgreSQL as well when BANDOSO_SOAK_POSTGRES_URL names a server
// (a fresh database is made on it and dropped afterwards) or one answers on 127.0.0.1:5432.
// Reads the database with the `sqlite3` and `psql` command-line clients. Exits non-zero when a
// check fails, and then keeps the database and the server's log for inspection.

import { spawn, execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, hasExited, waitForHealth } from '../support/loopback.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const binary = path.join(root, 'target', 'release', 'bandoso');

const KILLS = 5;
/** How long the server serves between two kills, and stays dead after one (ms, picked at random). */
const UP_MS = [1000, 3000];
const DOWN_MS = [0, 1000];
/** Traffic after the last restart, so the run ends on a server that answers again. */
const SETTLE_MS = 2000;
/** Records per batch: a household and its visits, well under the server's 500. */
const MAX_BATCH_RECORDS = 25;
/** Bounds the run's size whatever the machine's speed. */
const MAX_RECORDS_PER_PHONE = 10_000;
/** A batch unanswered this long means the server did not come back: the run fails. */
const GIVE_UP_MS = 60_000;
const SERVER_START_MS = 60_000;
const REQUEST_TIMEOUT_MS = 30_000;
/** Room for the database clients' answers: a row per stored record (node's default is 1 MiB). */
const QUERY_OUTPUT_BYTES = 256 * 1024 * 1024;

/** The demo password (README, "Demo accounts"), also given to the accounts made here. */
const PASSWORD = 'bandoso-demo';
const ADMIN = 'admin';
/** The demo team member, and three more made by the admin: one village of Kim Tân each. */
const PHONES = [
  { username: 'tocongnghe.kimtan', village: '15187-01', demo: true },
  { username: 'soak.kimtan2', village: '15187-02' },
  { username: 'soak.kimtan3', village: '15187-03' },
  { username: 'soak.kimtan4', village: '15187-04' },
];
/** Kim Tân's demo centre, inside its boundary, so no visit is flagged outside its area. */
const KIM_TAN = { lon: 105.684, lat: 20.126 };
const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const between = ([low, high]) => low + Math.random() * (high - low);
const pick = (list) => list[Math.floor(Math.random() * list.length)];

/** An answer the server should never give to these requests (it would be a bug, not a fault). */
class UnexpectedAnswer extends Error {}

/** The server process, started and killed on one database and port. */
class Server {
  constructor(databaseUrl, port, logFile) {
    this.databaseUrl = databaseUrl;
    this.base = `http://127.0.0.1:${port}`;
    this.port = port;
    this.logFile = logFile;
    this.process = null;
    this.downMs = 0;
  }

  async start() {
    const log = fs.openSync(this.logFile, 'a');
    this.process = spawn(binary, ['serve', '--demo', '--addr', `127.0.0.1:${this.port}`], {
      cwd: root,
      env: {
        ...process.env,
        DATABASE_URL: this.databaseUrl,
        LEPTOS_SITE_ROOT: 'target/site',
        BANDOSO_TILE_URL: 'http://127.0.0.1:9/{z}/{x}/{y}.png',
        RUST_LOG: 'warn',
      },
      stdio: ['ignore', log, log],
    });
    fs.closeSync(log);
    const child = this.process;
    const health = await waitForHealth(this.base, { timeoutMs: SERVER_START_MS, hasExited: () => hasExited(child), pollMs: 100 });
    if (health === 'healthy') return;
    if (health === 'exited') throw new Error(`the server exited while starting; log: ${this.logFile}\n${this.logTail()}`);
    throw new Error(`the server did not answer /healthz within ${SERVER_START_MS} ms; log: ${this.logFile}`);
  }

  /** SIGKILL: no graceful shutdown, in-flight requests and transactions die with the process. */
  async kill() {
    const { process: child } = this;
    if (hasExited(child)) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  logTail() {
    return fs.readFileSync(this.logFile, 'utf8').split('\n').slice(-20).join('\n');
  }
}

/** What one database's run sent and was told, record by record. */
class Ledger {
  constructor() {
    /** uuid -> { kind, phone, ackId, rejected } */
    this.records = new Map();
    this.batches = 0;
    this.batchesResent = 0;
    this.resends = 0;
    this.answersLost = 0;
    /** Sign-ins again after a 401: sessions live in the database, so this should stay 0. */
    this.signInsAgain = 0;
    this.inFlight = 0;
  }
}

/**
 * Calls `request` until the server answers it: a refused or reset connection, a body cut off by
 * the kill, or a 5xx is a fault to wait out; any other answer is returned as { status, body }.
 */
async function answered(ledger, what, request) {
  const started = Date.now();
  for (let attempt = 0; ; attempt += 1) {
    if (attempt > 0) {
      if (Date.now() - started > GIVE_UP_MS) throw new Error(`${what}: no answer for ${GIVE_UP_MS} ms`);
      await sleep(between([100, 300]));
    }
    ledger.inFlight += 1;
    try {
      const response = await request(AbortSignal.timeout(REQUEST_TIMEOUT_MS));
      const text = await response.text();
      if (response.status < 500) return { status: response.status, text, response, attempts: attempt + 1 };
    } catch {
      // The server died under the request, or is not back yet.
    } finally {
      ledger.inFlight -= 1;
    }
  }
}

/** Signs in through the login form's server function; returns the session cookie. */
async function signIn(server, ledger, username) {
  const { status, text, response } = await answered(ledger, `sign-in ${username}`, (signal) =>
    fetch(`${server.base}/api/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username, password: PASSWORD }),
      signal,
    }),
  );
  const cookie = (response.headers.get('set-cookie') ?? '').match(/bandoso_session=[^;,]+/)?.[0];
  if (status !== 200 || !cookie) throw new UnexpectedAnswer(`sign-in ${username}: ${status} ${text}`);
  return cookie;
}

/** Makes the soak's team members (the demo has one), each in its own village. */
async function createTeamMembers(server, ledger) {
  const cookie = await signIn(server, ledger, ADMIN);
  for (const phone of PHONES.filter((p) => !p.demo)) {
    const { status, text } = await answered(ledger, `create ${phone.username}`, (signal) =>
      fetch(`${server.base}/api/v1/users`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Cookie: cookie },
        body: JSON.stringify({
          username: phone.username,
          display_name: `Soak ${phone.village}`,
          password: PASSWORD,
          role: 'team_member',
          scope: [phone.village],
        }),
        signal,
      }),
    );
    if (status !== 201) throw new UnexpectedAnswer(`create ${phone.username}: ${status} ${text}`);
  }
}

/** One team member's phone: makes records and syncs them until told to stop. */
class Phone {
  constructor(account, server, ledger) {
    this.account = account;
    this.server = server;
    this.ledger = ledger;
    this.cookie = null;
    this.sent = 0;
    /** Households this phone recorded and the server acknowledged: later visits go back to them. */
    this.households = [];
    /** Demo households of the village, so visits by `household_id` are exercised too. */
    this.demoHouseholdIds = [];
  }

  async prepare() {
    this.cookie = await signIn(this.server, this.ledger, this.account.username);
    const { status, text } = await answered(this.ledger, 'households', (signal) =>
      fetch(`${this.server.base}/api/v1/households?village=${this.account.village}`, {
        headers: { Cookie: this.cookie },
        signal,
      }),
    );
    if (status !== 200) throw new UnexpectedAnswer(`households of ${this.account.village}: ${status} ${text}`);
    this.demoHouseholdIds = JSON.parse(text).map((household) => household.id);
  }

  async run(stopping) {
    while (!stopping() && this.sent < MAX_RECORDS_PER_PHONE) {
      await this.sync(this.nextBatch());
    }
  }

  /** A new household and visits: to it (same batch), to earlier households, to demo households. */
  nextBatch() {
    const household = {
      kind: 'household',
      uuid: randomUUID(),
      village_code: this.account.village,
      label: `Hộ soak ${this.account.village} #${this.households.length + 1}`,
      ...nearKimTan(),
      accuracy_m: 10,
      poor: Math.random() < 0.3,
      adults: 1 + Math.floor(Math.random() * 4),
    };
    const visits = Array.from({ length: 1 + Math.floor(Math.random() * (MAX_BATCH_RECORDS - 1)) }, () => {
      const roll = Math.random();
      const target =
        roll < 0.5 || this.households.length === 0
          ? { household_uuid: household.uuid }
          : roll < 0.85 || this.demoHouseholdIds.length === 0
            ? { household_uuid: pick(this.households) }
            : { household_id: pick(this.demoHouseholdIds) };
      return {
        kind: 'visit',
        uuid: randomUUID(),
        ...target,
        visited_at: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
        ...nearKimTan(),
        accuracy_m: 8,
        people_helped: 1 + Math.floor(Math.random() * 4),
        skills: ['vneid_install', 'online_safety'],
        vneid_activated: Math.random() < 0.5,
        note: 'soak',
        network: { effective_type: '4g', downlink_mbps: 6.5 },
      };
    });
    return [household, ...visits];
  }

  /** Sends one batch until the server answers it, then books what each record's result says. */
  async sync(records) {
    for (const record of records) {
      this.ledger.records.set(record.uuid, { kind: record.kind, phone: this.account.username, ackId: null });
    }
    this.sent += records.length;
    this.ledger.batches += 1;
    const body = JSON.stringify({ records });
    let attempts = 0;
    for (;;) {
      const answer = await answered(this.ledger, `sync by ${this.account.username}`, (signal) =>
        fetch(`${this.server.base}/api/v1/sync`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Cookie: this.cookie },
          body,
          signal,
        }),
      );
      attempts += answer.attempts;
      // Sessions live in the database and should outlive a kill; sign in again if one did not.
      if (answer.status === 401) {
        this.cookie = await signIn(this.server, this.ledger, this.account.username);
        this.ledger.signInsAgain += 1;
        continue;
      }
      if (answer.status !== 200) throw new UnexpectedAnswer(`sync: ${answer.status} ${answer.text}`);
      this.book(records, JSON.parse(answer.text).results, attempts);
      return;
    }
  }

  book(records, results, attempts) {
    if (attempts > 1) {
      this.ledger.batchesResent += 1;
      this.ledger.resends += attempts - 1;
    }
    if (!Array.isArray(results) || results.length !== records.length) {
      throw new UnexpectedAnswer(`sync answered ${results?.length} results for ${records.length} records`);
    }
    records.forEach((record, index) => {
      const result = results[index];
      const booked = this.ledger.records.get(record.uuid);
      if (result.uuid !== record.uuid) {
        throw new UnexpectedAnswer(`result ${index} names ${result.uuid}, the record was ${record.uuid}`);
      }
      if (result.outcome === 'rejected') {
        booked.rejected = result.reason;
        return;
      }
      // Only a send cut short by a kill can have stored this record before its first answer.
      if (result.outcome === 'already_stored') this.ledger.answersLost += 1;
      booked.ackId = String(result.id);
      if (record.kind === 'household') this.households.push(record.uuid);
    });
  }
}

/** A GPS fix a few hundred metres around Kim Tân's centre. */
function nearKimTan() {
  return { lon: KIM_TAN.lon + (Math.random() - 0.5) * 0.004, lat: KIM_TAN.lat + (Math.random() - 0.5) * 0.004 };
}

/** Kills the server at random moments while the phones sync, restarting it each time. */
async function killRepeatedly(server, ledger, kills, stopping) {
  for (let kill = 1; kill <= KILLS && !stopping(); kill += 1) {
    await sleep(between(UP_MS));
    kills.push({ inFlight: ledger.inFlight });
    await server.kill();
    const downFrom = Date.now();
    await sleep(between(DOWN_MS));
    await server.start();
    server.downMs += Date.now() - downFrom;
  }
}

/** Every check on what the database holds against what the phones were told. */
function check(ledger, storedRows, auditRows) {
  const failures = [];
  const stored = new Map();
  for (const [kind, uuid, id] of storedRows) {
    const key = `${kind} ${uuid}`;
    stored.set(key, [...(stored.get(key) ?? []), id]);
  }
  for (const [key, ids] of stored) {
    if (ids.length > 1) failures.push(`${key} is stored ${ids.length} times (ids ${ids.join(', ')})`);
  }
  const audits = new Map(auditRows.map(([kind, id, count]) => [`${kind} ${id}`, Number(count)]));
  for (const [uuid, record] of ledger.records) {
    const key = `${record.kind} ${uuid}`;
    if (record.rejected !== undefined) {
      failures.push(`${key} (${record.phone}) was rejected: ${record.rejected}`);
    } else if (record.ackId === null) {
      failures.push(`${key} (${record.phone}) was never acknowledged`);
    } else if (!stored.has(key)) {
      failures.push(`${key} (${record.phone}) was acknowledged as id ${record.ackId} but is not stored`);
    } else if (stored.get(key)[0] !== record.ackId) {
      failures.push(`${key} was acknowledged as id ${record.ackId} but is stored as id ${stored.get(key)[0]}`);
    } else if (audits.get(`${record.kind} ${record.ackId}`) !== 1) {
      failures.push(`${key} has ${audits.get(`${record.kind} ${record.ackId}`) ?? 0} sync audit entries, not 1`);
    }
  }
  return failures;
}

const STORED_SQL =
  "SELECT 'household', client_uuid, id FROM household UNION ALL SELECT 'visit', client_uuid, id FROM visit";
const AUDIT_SQL =
  "SELECT entity_type, entity_id, COUNT(*) FROM audit_log WHERE action = 'sync' " +
  "AND entity_type IN ('household', 'visit') GROUP BY entity_type, entity_id";

/** Rows of tab-separated output, as both `sqlite3 -separator` and `psql -At -F` print them. */
function rows(output) {
  return output.split('\n').filter((line) => line !== '').map((line) => line.split('\t'));
}

/** A throw-away SQLite database file, read afterwards with the sqlite3 client. */
function sqliteBackend(workDir) {
  const file = path.join(workDir, 'soak.db');
  return {
    name: 'SQLite',
    databaseUrl: `sqlite://${file}`,
    kept: file,
    query: (sql) =>
      rows(
        execFileSync('sqlite3', ['-batch', '-noheader', '-separator', '\t', file, sql], {
          encoding: 'utf8',
          maxBuffer: QUERY_OUTPUT_BYTES,
        }),
      ),
    drop: () => {},
  };
}

/** A fresh database on a PostgreSQL server, made with psql and dropped after a passing run. */
function postgresBackend(adminUrl) {
  const name = `bandoso_soak_${randomUUID().slice(0, 8)}`;
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const psql = (target, sql) =>
    execFileSync('psql', ['-X', '-q', '-At', '-F', '\t', '-v', 'ON_ERROR_STOP=1', target, '-c', sql], {
      encoding: 'utf8',
      maxBuffer: QUERY_OUTPUT_BYTES,
    });
  psql(adminUrl, `CREATE DATABASE ${name}`);
  return {
    name: 'PostgreSQL',
    databaseUrl: url.toString(),
    kept: `database ${name} on ${adminUrl}`,
    query: (sql) => rows(psql(url.toString(), sql)),
    drop: () => psql(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

/** The PostgreSQL server to soak on, or null (with the reason printed) when there is none. */
async function postgresUrl() {
  const configured = process.env.BANDOSO_SOAK_POSTGRES_URL;
  if (!hasCommand('psql')) {
    if (configured) throw new Error('BANDOSO_SOAK_POSTGRES_URL is set but the psql client is not installed');
    console.log('PostgreSQL skipped: the psql client is not installed');
    return null;
  }
  if (configured) return configured;
  if (await answers(5432)) return DEFAULT_POSTGRES_URL;
  console.log('PostgreSQL skipped: nothing answers on 127.0.0.1:5432 (set BANDOSO_SOAK_POSTGRES_URL)');
  return null;
}

function hasCommand(command) {
  try {
    execFileSync(command, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function answers(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => socket.end(() => resolve(true)));
    socket.once('error', () => resolve(false));
  });
}


/** One full soak on one database; returns the list of failures (empty when it passed). */
async function soak(backend, workDir) {
  const started = Date.now();
  const logFile = path.join(workDir, `server-${backend.name.toLowerCase()}.log`);
  const server = new Server(backend.databaseUrl, await freePort(), logFile);
  const ledger = new Ledger();
  const kills = [];
  let stopping = false;
  try {
    await server.start();
    await createTeamMembers(server, ledger);
    const phones = PHONES.map((account) => new Phone(account, server, ledger));
    await Promise.all(phones.map((phone) => phone.prepare()));
    const traffic = Promise.all(phones.map((phone) => phone.run(() => stopping)));
    // A phone that fails stops the others, so the run ends with its error instead of a hang.
    traffic.catch(() => {
      stopping = true;
    });
    await killRepeatedly(server, ledger, kills, () => stopping);
    await sleep(SETTLE_MS);
    stopping = true;
    await traffic;
  } finally {
    stopping = true;
    // The last stop is a kill as well: a graceful exit must not be what saves acknowledged data.
    await server.kill();
  }
  const failures = check(ledger, backend.query(STORED_SQL), backend.query(AUDIT_SQL));
  report(backend, ledger, kills, server, (Date.now() - started) / 1000, failures);
  return failures;
}

function report(backend, ledger, kills, server, seconds, failures) {
  const records = [...ledger.records.values()];
  const count = (predicate) => records.filter(predicate).length;
  const n = (value) => value.toLocaleString('en-US');
  console.log(`\n== ${backend.name}: ${PHONES.length} phones, ${seconds.toFixed(1)} s`);
  console.log(
    `  kills (SIGKILL) ${kills.length}, with requests in flight: ${kills.map((k) => k.inFlight).join(', ')}; ` +
      `server down ${(server.downMs / 1000).toFixed(1)} s in all`,
  );
  console.log(
    `  sent ${n(records.length)} records (${n(count((r) => r.kind === 'household'))} households, ` +
      `${n(count((r) => r.kind === 'visit'))} visits) in ${n(ledger.batches)} batches`,
  );
  console.log(
    `  acknowledged ${n(count((r) => r.ackId !== null))}; batches resent ${n(ledger.batchesResent)} ` +
      `(${n(ledger.resends)} resends); records answered already_stored on a resend (committed before a ` +
      `kill cut the answer): ${n(ledger.answersLost)}; sign-ins again after a 401: ${n(ledger.signInsAgain)}`,
  );
  if (failures.length === 0) {
    console.log('  PASS: every acknowledged record is stored once, under its acknowledged id, with one audit entry');
    return;
  }
  console.log(`  FAIL: ${n(failures.length)} problem(s)`);
  for (const failure of failures.slice(0, 20)) console.log(`    ${failure}`);
  if (failures.length > 20) console.log(`    … and ${n(failures.length - 20)} more`);
}

async function main() {
  if (!fs.existsSync(binary)) throw new Error(`${binary} is missing: run make build first`);
  if (!hasCommand('sqlite3')) {
    throw new Error('the sqlite3 client is needed to read the database (apt-get install sqlite3)');
  }
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bandoso-soak-'));
  const backends = [() => sqliteBackend(workDir)];
  const postgres = await postgresUrl();
  if (postgres) backends.push(() => postgresBackend(postgres));
  let failed = false;
  for (const makeBackend of backends) {
    const backend = makeBackend();
    let failures;
    try {
      failures = await soak(backend, workDir);
    } catch (error) {
      failures = [error.stack ?? String(error)];
      console.log(`\n== ${backend.name}: the run broke off\n  ${failures[0]}`);
    }
    if (failures.length === 0) {
      backend.drop();
    } else {
      failed = true;
      console.log(`  kept for inspection: ${backend.kept}`);
    }
  }
  if (failed) {
    console.log(`\nsoak FAILED; server logs in ${workDir}`);
    process.exit(1);
  }
  fs.rmSync(workDir, { recursive: true, force: true });
  console.log('\nsoak passed');
}

main().catch((error) => {
  console.error(error.stack ?? String(error));
  process.exit(1);
});
