// The backup object codec alone (libs/server/core/src/backups/backup-archive.ts), on this machine,
// each figure beside a baseline from the same run (docs/backups.md "Backup format"):
//   a. the encoder (zstd level 3, then AES-256-GCM chunks) over BENCH_ARCHIVE_MB (200) MB of SQL-like
//      rows beside the plain `zstd -3` command piped through the same read and sink: target ratio
//      under 1.1 (encryption must not be the bottleneck);
//   b. the decoder beside `zstd -d` alike;
//   c. for information: the encoder with gzip and with no compression, MB/s and the worker's CPU.
// Nothing here passes or fails on speed.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Duplex, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

const require = createRequire(import.meta.url);
// Compiled by scripts/bench.sh.
const { createBackupDecoder, createBackupEncoder } = require('../dist/bench/libs/server/core/src');

const MEGABYTES = Number(process.env.BENCH_ARCHIVE_MB ?? 200);
const RUNS = 3;
const key = randomBytes(32);
const dir = mkdtempSync(join(tmpdir(), 'zpanel-archive-bench-'));

/** COPY-style rows: ids, hex, names, e-mails, dates, amounts, words; compresses about 5:1 with zstd -3. */
async function writeRows(file, bytes) {
  const out = createWriteStream(file);
  const names = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi'];
  const words = 'order shipped pending refund invoice customer lorem ipsum dolor sit amet'.split(' ');
  let written = 0;
  for (let id = 1; written < bytes;) {
    const lines = [];
    for (let i = 0; i < 2000; i++, id++) {
      const name = names[id % 8];
      const note = Array.from({ length: 3 + (id % 11) }, (_, w) => words[(id * 31 + w * 7) % words.length]).join(' ');
      lines.push(
        `${id}\t${randomBytes(16).toString('hex')}\t${name} ${names[(id * 5) % 8]}\t${name}${id % 9973}@example.com\t2026-${String((id % 12) + 1).padStart(2, '0')}-01\t${(id * 7919) % 100000}\t${note}`,
      );
    }
    const chunk = `${lines.join('\n')}\n`;
    written += chunk.length;
    if (!out.write(chunk)) await new Promise((resolve) => out.once('drain', resolve));
  }
  await new Promise((resolve, reject) => out.end((error) => (error ? reject(error) : resolve())));
}

function zstdCommand(args) {
  const child = spawn('zstd', ['-q', '-c', ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  return Duplex.from({ writable: child.stdin, readable: child.stdout });
}

/** Wall ms, the worker's CPU ms and the bytes out of one pass of `file` through `stage`. */
async function measure(file, stage, outFile) {
  let bytes = 0;
  const sink = outFile
    ? createWriteStream(outFile)
    : new Writable({
        write(chunk, _encoding, callback) {
          bytes += chunk.length;
          callback();
        },
      });
  const cpu = process.cpuUsage();
  const started = performance.now();
  await pipeline(createReadStream(file, { highWaterMark: 1024 * 1024 }), stage, sink);
  const used = process.cpuUsage(cpu);
  return { ms: performance.now() - started, cpuMs: (used.user + used.system) / 1000, bytes: outFile ? sink.bytesWritten : bytes };
}

async function best(file, makeStage) {
  const runs = [];
  for (let run = 0; run < RUNS; run++) runs.push(await measure(file, makeStage()));
  return runs.sort((a, b) => a.ms - b.ms)[Math.floor(RUNS / 2)];
}

async function main() {
  const rows = join(dir, 'rows.sql');
  await writeRows(rows, MEGABYTES * 1024 * 1024);
  const stored = join(dir, 'rows.zpbk');
  const plainZst = join(dir, 'rows.zst');
  await measure(rows, createBackupEncoder({ dataKey: key, compression: 'zstd' }), stored);
  await measure(rows, zstdCommand(['-3']), plainZst);
  const loadBefore = loadavg()[0];

  const encoder = await best(rows, () => createBackupEncoder({ dataKey: key, compression: 'zstd' }));
  const plain = await best(rows, () => zstdCommand(['-3']));
  const decoder = await best(stored, () => createBackupDecoder({ dataKey: key }));
  const plainDecode = await best(plainZst, () => zstdCommand(['-d']));
  const gzip = await best(rows, () => createBackupEncoder({ dataKey: key, compression: 'gzip' }));
  const none = await best(rows, () => createBackupEncoder({ dataKey: key, compression: 'none' }));

  const dumpMb = (MEGABYTES * 1024 * 1024) / 1e6;
  const rate = (m) => `${Math.round(dumpMb / (m.ms / 1000))} MB/s`;
  const cpu = (m) => `${Math.round(m.cpuMs)} ms`;
  console.log(`backup codec: ${dumpMb.toFixed(0)} MB of SQL-like rows, median of ${RUNS} runs`);
  console.log(`machine: ${cpus().length} CPUs, load average ${loadBefore.toFixed(2)} at the start, ${loadavg()[0].toFixed(2)} at the end`);
  const widths = [44, 12, 12, 38, 14, 10];
  console.log(['figure', 'Zpanel', 'worker CPU', 'baseline (same run)', 'target', 'measured'].map((h, i) => h.padEnd(widths[i])).join(' ') + ' met');
  const ratio = encoder.ms / plain.ms;
  const decodeRatio = decoder.ms / plainDecode.ms;
  const table = [
    [
      `a. encode, zstd -3 (${(encoder.bytes / 1e6).toFixed(0)} MB stored)`,
      rate(encoder),
      cpu(encoder),
      `zstd -3 alone ${rate(plain)}, CPU ${cpu(plain)}`,
      'ratio < 1.1',
      ratio.toFixed(2),
      ratio < 1.1,
    ],
    [
      'b. decode, zstd',
      rate(decoder),
      cpu(decoder),
      `zstd -d alone ${rate(plainDecode)}, CPU ${cpu(plainDecode)}`,
      'ratio < 1.1',
      decodeRatio.toFixed(2),
      decodeRatio < 1.1,
    ],
    [`c. encode, gzip -6 (${(gzip.bytes / 1e6).toFixed(0)} MB stored)`, rate(gzip), cpu(gzip), '-', '(information)', '-', null],
    ['c. encode, no compression', rate(none), cpu(none), '-', '(information)', '-', null],
  ];
  for (const [name, value, worker, baseline, goal, measured, met] of table) {
    console.log(
      [name, value, worker, baseline, goal, measured].map((c, i) => c.padEnd(widths[i])).join(' ') + ` ${met === null ? '' : met ? 'yes' : 'NO'}`,
    );
  }
}

try {
  await main();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
