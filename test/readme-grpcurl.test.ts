import { readFileSync } from 'node:fs';
import { fromJson } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { registry } from './support/descriptors.js';

/**
 * The grpcurl lines in the README are checked against the descriptors the server serves, so they
 * cannot rot: every method exists, every `describe` target resolves, and every request body
 * parses strictly (no unknown or misspelt field) as the method's input message. Shell variables
 * in bodies stand for ids and are replaced with a UUID.
 */
interface GrpcurlCall {
  line: number;
  target?: string;
  body?: string;
  describe?: string;
}

function grpcurlCalls(markdown: string): GrpcurlCall[] {
  const lines = markdown.split('\n');
  const calls: GrpcurlCall[] = [];
  for (let i = 0; i < lines.length; i++) {
    const start = lines[i]!.indexOf('grpcurl ');
    if (start < 0 || lines[i]!.trimStart().startsWith('[') || !/^\s*(\S+=\$\()?grpcurl /.test(lines[i]!)) continue;
    let command = lines[i]!.slice(start);
    const first = i;
    while (command.endsWith('\\')) command = command.slice(0, -1) + ' ' + lines[++i]!.trim();
    const call: GrpcurlCall = { line: first + 1 };
    const body = /-d '([^']*)'/.exec(command);
    if (body) call.body = body[1];
    if (/-d @/.test(command) && /<<\s*'?EOF'?/.test(command)) {
      const bodyLines: string[] = [];
      while (lines[++i] !== undefined && lines[i]!.trim() !== 'EOF') bodyLines.push(lines[i]!);
      call.body = bodyLines.join('\n');
    }
    const method = /\s([a-z][\w.]*\.[A-Z]\w*\/[A-Z]\w*)/.exec(command);
    if (method) call.target = method[1];
    const describeTarget = /\sdescribe\s+([\w.]+)/.exec(command);
    if (describeTarget) call.describe = describeTarget[1];
    calls.push(call);
  }
  return calls;
}

describe('README grpcurl examples', () => {
  const calls = grpcurlCalls(readFileSync('README.md', 'utf8'));

  it('exist', () => {
    expect(calls.filter((c) => c.target).length).toBeGreaterThan(5);
  });

  for (const call of calls) {
    const name = `line ${call.line}: ${call.target ?? (call.describe ? `describe ${call.describe}` : 'list')}`;
    it(`${name} matches the descriptors`, () => {
      if (call.describe) expect(registry.get(call.describe), `unknown symbol ${call.describe}`).toBeDefined();
      if (!call.target) return;
      const [serviceName, methodName] = call.target.split('/') as [string, string];
      const service = registry.getService(serviceName);
      expect(service, `unknown service ${serviceName}`).toBeDefined();
      const method = service!.methods.find((m) => m.name === methodName);
      expect(method, `unknown method ${call.target}`).toBeDefined();
      if (call.body !== undefined) {
        const json = JSON.parse(call.body.replace(/\$\{?\w+\}?/g, '00000000-0000-4000-8000-000000000000'));
        expect(() => fromJson(method!.input, json, { registry })).not.toThrow();
      }
    });
  }
});
