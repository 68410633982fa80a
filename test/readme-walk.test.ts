import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { JsonValue } from '@bufbuild/protobuf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemo } from '../src/cli/demo.js';
import { Passwords } from '../src/identity/passwords.js';
import { ownerDatabase } from '../src/runtime.js';
import { registry } from './support/descriptors.js';
import { grpcurlCall } from './support/json-call.js';
import { ImsopError } from './support/sdk.js';
import { startTestServer, type TestServer } from './support/server.js';

/**
 * The README's "Your first hour" walk, run twice in a row against a server with the demo tenant,
 * as a reader would paste it: shell variables, headers and heredoc bodies are expanded by bash,
 * each grpcurl call is sent as proto3 JSON (what grpcurl does) and its `jq -r` filter picks the
 * value the next steps use. Every call must succeed both times. Streaming calls (the watch a
 * reader opens in a second terminal) are left out.
 */
type Step =
  { line: number; kind: 'assign'; name: string; value: string } | { line: number; kind: 'call'; call: WalkCall };

interface WalkCall {
  target: string;
  headers: string[];
  body?: string;
  /** Heredoc bodies expand shell variables; single-quoted ones are literal. */
  expands: boolean;
  assignTo?: string;
  jq?: string;
}

function walkSteps(markdown: string): Step[] {
  const section = markdown.slice(
    markdown.indexOf('## Your first hour'),
    markdown.indexOf('## Calling IMSOP from code'),
  );
  const lines = section.split('\n');
  const offset = markdown.slice(0, markdown.indexOf('## Your first hour')).split('\n').length - 1;
  const steps: Step[] = [];
  let inShell = false;
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i]!.trim();
    if (text.startsWith('```')) {
      inShell = text === '```sh';
      continue;
    }
    if (!inShell || text === '' || text.startsWith('#')) continue;
    const line = offset + i + 1;
    const grpcurl = /^(?:(\w+)=\$\()?grpcurl (.*)$/.exec(text);
    if (!grpcurl) {
      const assign = /^(\w+)=(.*)$/.exec(text);
      if (!assign) throw new Error(`README line ${line}: not a grpcurl call or an assignment: ${text}`);
      steps.push({ line, kind: 'assign', name: assign[1]!, value: assign[2]! });
      continue;
    }
    let command = grpcurl[2]!;
    while (command.endsWith('\\')) command = command.slice(0, -1) + ' ' + lines[++i]!.trim();
    const call: WalkCall = {
      target: /\s([a-z][\w.]*\.[A-Z]\w*\/[A-Z]\w*)/.exec(command)![1]!,
      headers: [],
      expands: false,
      assignTo: grpcurl[1],
    };
    for (const h of command.matchAll(/-H ("[^"]*"|'[^']*')/g)) call.headers.push(h[1]!);
    const literal = /-d '([^']*)'/.exec(command);
    if (literal) call.body = literal[1];
    if (/<<EOF/.test(command)) {
      const body: string[] = [];
      while (lines[++i]!.trim() !== 'EOF') body.push(lines[i]!);
      call.body = body.join('\n');
      call.expands = true;
      if (call.assignTo && !command.trimEnd().endsWith(')')) {
        if (lines[++i]!.trim() !== ')') throw new Error(`README line ${line}: expected ")" after the heredoc`);
      }
    }
    const jq = /\|\s*jq -r (.*?)\)?$/.exec(command);
    if (jq) call.jq = jq[1]!.replace(/^'(.*)'$/, '$1');
    steps.push({ line, kind: 'call', call });
  }
  return steps;
}

/** What bash makes of `words` with these variables set (command substitution included). */
function shell(words: string, vars: Record<string, string>): string {
  return execFileSync('bash', ['-c', `printf '%s' ${words}`], {
    env: { PATH: process.env.PATH, ...vars },
    encoding: 'utf8',
  });
}

function heredoc(body: string, vars: Record<string, string>): string {
  return execFileSync('bash', ['-c', `cat <<EOF\n${body}\nEOF`], {
    env: { PATH: process.env.PATH, ...vars },
    encoding: 'utf8',
  });
}

/**
 * The part of jq the walk uses: paths (`.a.b`, `.a[0]`, `.a[]`), `select(.path == "literal")`
 * and pipes. Anything else fails loudly, so a README change cannot pass unchecked.
 */
function jqRaw(filter: string, input: JsonValue): string {
  let values: JsonValue[] = [input];
  for (const stage of filter.split('|').map((s) => s.trim())) {
    const select = /^select\((\S+) == "([^"]*)"\)$/.exec(stage);
    if (select) values = values.filter((v) => path(select[1]!, v).some((x) => x === select[2]));
    else values = values.flatMap((v) => path(stage, v));
  }
  return values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join('\n');
}

function path(expression: string, value: JsonValue): JsonValue[] {
  if (!/^(\.\w+|\[\d*\])+$/.test(expression)) throw new Error(`jq filter not supported by this test: ${expression}`);
  let values: JsonValue[] = [value];
  for (const [, key, index] of expression.matchAll(/\.(\w+)|\[(\d*)\]/g)) {
    values = values.flatMap((v): JsonValue[] => {
      if (key !== undefined) return [(v as Record<string, JsonValue> | null)?.[key] ?? null];
      const list = Array.isArray(v) ? v : [];
      return index === '' ? list : [list[Number(index)] ?? null];
    });
  }
  return values;
}

let ts: TestServer;
const steps = walkSteps(readFileSync('README.md', 'utf8'));

beforeAll(async () => {
  ts = await startTestServer();
  const owner = ownerDatabase(ts.runtime.database, ts.runtime.app.logger);
  try {
    await loadDemo(owner, new Passwords(4));
  } finally {
    await owner.close();
  }
});
afterAll(() => ts?.stop());

/** Runs the walk once; returns each call's response by README line. */
async function runWalk(): Promise<Map<number, JsonValue>> {
  const vars: Record<string, string> = {};
  const responses = new Map<number, JsonValue>();
  for (const step of steps) {
    if (step.kind === 'assign') {
      vars[step.name] = shell(step.value, vars);
      continue;
    }
    const { call } = step;
    const method = registry
      .getService(call.target.split('/')[0]!)!
      .methods.find((m) => m.name === call.target.split('/')[1]);
    if (method?.methodKind !== 'unary') continue;
    const body = call.body === undefined ? {} : JSON.parse(call.expands ? heredoc(call.body, vars) : call.body);
    const response = await grpcurlCall(
      ts.address,
      call.target,
      body,
      call.headers.map((h) => shell(h, vars)),
    ).catch((e: unknown) => {
      if (!(e instanceof ImsopError)) throw e;
      throw new Error(
        `README line ${step.line} (${call.target}) failed: code ${e.code} ${e.reason ?? ''} ${e.message} ${JSON.stringify(e.fieldViolations)}`,
      );
    });
    responses.set(step.line, response);
    if (call.assignTo) {
      vars[call.assignTo] = jqRaw(call.jq!, response);
      expect(vars[call.assignTo], `README line ${step.line}: ${call.assignTo} is empty`).toMatch(/\S/);
    }
  }
  return responses;
}

describe('the README walk ("Your first hour")', () => {
  it('is parsed into its calls', () => {
    const calls = steps.flatMap((s) => (s.kind === 'call' ? [s.call.target] : []));
    expect(calls).toContain('imsop.inventory.v1.StockService/ReserveStock');
    expect(calls).toContain('imsop.shipments.v1.ShipmentService/CreateShipment');
    expect(calls.length).toBeGreaterThan(15);
  });

  it(
    'runs twice in a row, every call succeeding, and leaves no reservation without an expiry',
    { timeout: 120_000 },
    async () => {
      const first = await runWalk();
      // RUN=$(date +%s) names a run: a reader's second run starts in a later second.
      const second = Math.floor(Date.now() / 1000) + 1;
      while (Date.now() / 1000 < second) await new Promise((r) => setTimeout(r, 50));
      const again = await runWalk();
      expect([...again.keys()]).toEqual([...first.keys()]);

      const byTarget = (target: string) => steps.find((s) => s.kind === 'call' && s.call.target === target)!.line;
      const shipment = (run: Map<number, JsonValue>) =>
        (
          run.get(byTarget('imsop.shipments.v1.ShipmentService/CreateShipment')) as {
            shipment: { id: string; trackingNumber: string };
          }
        ).shipment;
      expect(shipment(again).trackingNumber).not.toBe(shipment(first).trackingNumber);
      for (const run of [first, again]) {
        const { reservation } = run.get(byTarget('imsop.inventory.v1.StockService/ReserveStock')) as {
          reservation: { expireTime?: string };
        };
        expect(reservation.expireTime, 'the walk reserves with an expiry').toBeDefined();
      }
    },
  );
});
