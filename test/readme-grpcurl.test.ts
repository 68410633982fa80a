import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemo } from '../src/cli/demo.js';
import { Passwords } from '../src/identity/passwords.js';
import { ownerDatabase } from '../src/runtime.js';
import { registry } from './support/descriptors.js';
import { startTestServer, type TestServer } from './support/server.js';

/**
 * Every grpcurl command of the README and of docs/grpcurl.md, run in order as a reader pastes
 * them: each document's shell blocks that call grpcurl become one bash script (what one block
 * sets, the next uses), run against a real server with the demo tenant, the docs' address
 * 127.0.0.1:50051 replaced by the test server's. A real `grpcurl` on PATH is used when there is
 * one; else the stand-in test/support/grpcurl/grpcurl.mjs (grpcurl is in neither npm nor Debian),
 * which like grpcurl learns the API only from the server's reflection service and parses bodies
 * strictly. Every command must succeed, except one whose comment line says "fails with CODE
 * [REASON]": it must fail with that status; no answer may carry an error either (a scanner
 * stream's per-update acks). Watches (meant for a second terminal) are stopped after a few
 * seconds. Every `describe` must print the documentation comments.
 */
const DOCS = ['README.md', 'docs/grpcurl.md'];
const DOCS_ADDRESS = '127.0.0.1:50051';
const WATCH_SECONDS = 3;

interface DocCommand {
  line: number;
  text: string;
  /** `package.Service/Method`, or undefined for list/describe. */
  target?: string;
  describes: boolean;
  expected?: { code: keyof typeof GrpcStatus; reason?: string };
  /** Server streaming: runs until stopped. */
  watch: boolean;
}

/** The ```sh blocks of a markdown file that call grpcurl, with the line each starts on. */
function grpcurlBlocks(markdown: string): { line: number; lines: string[] }[] {
  const blocks: { line: number; lines: string[] }[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.trim() !== '```sh') continue;
    const start = i + 1;
    while (i + 1 < lines.length && lines[i + 1]!.trim() !== '```') i++;
    const body = lines.slice(start, i + 1);
    if (body.some((l) => isGrpcurlCommand(l))) blocks.push({ line: start + 1, lines: body });
    i++;
  }
  return blocks;
}

const isGrpcurlCommand = (line: string) => !line.trim().startsWith('#') && /(^|[\s($|])grpcurl\s/.test(line);

function commandsOf(blocks: { line: number; lines: string[] }[]): DocCommand[] {
  const commands: DocCommand[] = [];
  for (const block of blocks) {
    for (let i = 0; i < block.lines.length; i++) {
      if (!isGrpcurlCommand(block.lines[i]!)) continue;
      let text = block.lines[i]!;
      const line = block.line + i;
      while (text.trimEnd().endsWith('\\')) text = text.trimEnd().slice(0, -1) + ' ' + block.lines[++i]!.trim();
      // The comment right above a command may say how it fails.
      const above = block.lines[line - block.line - 1]?.trim() ?? '';
      const fails = above.startsWith('#') ? /fails with ([A-Z_]+)(?: ([A-Z][A-Z_]+))?/.exec(above) : null;
      const target = /\s([a-z][\w.]*\.[A-Z]\w*\/[A-Z]\w*)/.exec(text)?.[1];
      const method = target
        ? registry.getService(target.split('/')[0]!)?.methods.find((m) => m.name === target.split('/')[1])
        : undefined;
      commands.push({
        line,
        text: text.trim(),
        target,
        describes: /\sdescribe(\s|$)/.test(text),
        expected: fails ? { code: fails[1] as keyof typeof GrpcStatus, reason: fails[2] } : undefined,
        watch: method?.methodKind === 'server_streaming',
      });
    }
  }
  return commands;
}

/**
 * Every call goes through this bash function: it numbers the calls, keeps each one's exit code,
 * standard output and error in $GRPCURL_LOG, and stops the watches after $WATCH_SECONDS.
 */
const PRELUDE = `set -u -o pipefail
echo 0 > "$GRPCURL_LOG/count"
grpcurl() {
  local n rc=0
  n=$(( $(cat "$GRPCURL_LOG/count") + 1 )); echo "$n" > "$GRPCURL_LOG/count"
  if [[ " $GRPCURL_WATCHES " == *" $n "* ]]; then
    timeout "$WATCH_SECONDS" grpcurl "$@" 2>"$GRPCURL_LOG/$n.err" | tee "$GRPCURL_LOG/$n.out" || rc=$?
  else
    command grpcurl "$@" 2>"$GRPCURL_LOG/$n.err" | tee "$GRPCURL_LOG/$n.out" || rc=$?
  fi
  echo "$rc" > "$GRPCURL_LOG/$n.rc"
  cat "$GRPCURL_LOG/$n.err" >&2
  return "$rc"
}
`;

interface CallResult {
  rc: number;
  out: string;
  err: string;
}

/** Where grpcurl comes from: a real one on PATH, else a directory holding the stand-in as `grpcurl`. */
function grpcurlPath(scratch: string): string {
  try {
    execFileSync('bash', ['-c', 'command -v grpcurl'], { stdio: 'ignore' });
    return process.env.PATH!;
  } catch {
    const bin = join(scratch, 'bin');
    mkdirSync(bin, { recursive: true });
    const standIn = fileURLToPath(new URL('./support/grpcurl/grpcurl.mjs', import.meta.url));
    writeFileSync(join(bin, 'grpcurl'), `#!/bin/sh\nexec "${process.execPath}" "${standIn}" "$@"\n`);
    chmodSync(join(bin, 'grpcurl'), 0o755);
    return `${bin}:${process.env.PATH}`;
  }
}

/** Runs a document's blocks as one script (asynchronously: the server answers from this process). */
async function runDocument(
  doc: string,
  address: string,
  scratch: string,
): Promise<{ commands: DocCommand[]; calls: CallResult[]; output: string }> {
  const blocks = grpcurlBlocks(readFileSync(doc, 'utf8'));
  const commands = commandsOf(blocks);
  const log = mkdtempSync(join(scratch, 'log-'));
  const script =
    PRELUDE +
    blocks
      .map((b) => b.lines.join('\n'))
      .join('\n')
      .replaceAll(DOCS_ADDRESS, address) +
    '\n';
  const watches = commands.flatMap((c, i) => (c.watch ? [String(i + 1)] : [])).join(' ');
  const output = await new Promise<string>((resolve) =>
    execFile(
      'bash',
      ['-c', script],
      {
        cwd: scratch,
        env: {
          PATH: grpcurlPath(scratch),
          HOME: scratch,
          GRPCURL_LOG: log,
          GRPCURL_WATCHES: watches,
          WATCH_SECONDS: String(WATCH_SECONDS),
        },
        timeout: 240_000,
      },
      (error, stdout, stderr) => resolve(`${error ? `exit ${error.code ?? error.signal}\n` : ''}${stdout}\n${stderr}`),
    ),
  );
  const count = Number(readFileSync(join(log, 'count'), 'utf8'));
  const calls = Array.from({ length: count }, (_, i) => ({
    rc: Number(readFileSync(join(log, `${i + 1}.rc`), 'utf8')),
    out: readFileSync(join(log, `${i + 1}.out`), 'utf8'),
    err: readFileSync(join(log, `${i + 1}.err`), 'utf8'),
  }));
  return { commands, calls, output };
}

let ts: TestServer;
let scratch: string;

beforeAll(async () => {
  ts = await startTestServer();
  const owner = ownerDatabase(ts.runtime.database, ts.runtime.app.logger);
  try {
    await loadDemo(owner, new Passwords(4));
  } finally {
    await owner.close();
  }
  scratch = mkdtempSync(join(tmpdir(), 'imsop-grpcurl-docs-'));
});
afterAll(async () => {
  await ts?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('the grpcurl commands of the docs', () => {
  for (const doc of DOCS) {
    it(`${doc}: every command works as written`, { timeout: 300_000 }, async () => {
      const { commands, calls, output } = await runDocument(doc, ts.address, scratch);
      expect(commands.length, `${doc} has grpcurl commands`).toBeGreaterThan(5);
      const problems: string[] = [];
      commands.forEach((command, i) => {
        const call = calls[i];
        const where = `${doc}:${command.line} ${command.text.slice(0, 140)}`;
        if (!call) return problems.push(`${where}\n  never ran (the script stopped before it)`);
        if (command.expected) {
          const code = 64 + GrpcStatus[command.expected.code];
          if (
            call.rc !== code ||
            (command.expected.reason && !call.err.includes(`"reason": "${command.expected.reason}"`))
          ) {
            problems.push(
              `${where}\n  should fail with ${command.expected.code} ${command.expected.reason ?? ''}, exited ${call.rc}: ${call.err}`,
            );
          }
        } else if (!(call.rc === 0 || (command.watch && call.rc === 124)) || /ERROR/.test(call.err)) {
          problems.push(`${where}\n  exited ${call.rc}: ${call.err}`);
        } else if (/"error": \{/.test(call.out)) {
          // A stream answers a bad update in-band (an ack carrying an error), the call itself succeeds.
          problems.push(`${where}\n  answered with an error:\n${call.out}`);
        }
        if (command.describes && !/^\s*\/\/ \S/m.test(call.out))
          problems.push(`${where}\n  describe printed no documentation comment:\n${call.out}`);
      });
      if (calls.length > commands.length) problems.push(`${calls.length} calls ran for ${commands.length} commands`);
      expect(problems, `${problems.join('\n\n')}\n\nscript output:\n${output}`).toEqual([]);
    });
  }

  it('cover every IMSOP service', () => {
    const targets = DOCS.flatMap((doc) => commandsOf(grpcurlBlocks(readFileSync(doc, 'utf8')))).flatMap((c) =>
      c.target ? [c.target.split('/')[0]] : [],
    );
    const services = [...registry.files]
      .flatMap((f) => f.services.map((s) => s.typeName))
      .filter((s) => s.startsWith('imsop.'));
    expect(services.filter((s) => !targets.includes(s))).toEqual([]);
  });
});
