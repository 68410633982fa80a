import type { DescField, DescMessage, FileRegistry } from '@bufbuild/protobuf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fieldBehaviors, leadingComments, reflect } from './support/grpcurl/reflection.mjs';
import { startTestServer, type TestServer } from './support/server.js';

/**
 * grpcurl users read the API's documentation from the server (`grpcurl describe`), so the
 * descriptors served by reflection, not the .proto files, must carry it: every service, method
 * and request field has a comment, and a field's comment opens with what its
 * (google.api.field_behavior) says, in words, as Google's APIs do: "Required.", "Output only.",
 * "Identifier.". JSON forms that are not obvious are spelled out where a request takes them.
 */
const OPENING: Record<string, string> = {
  REQUIRED: 'Required.',
  OUTPUT_ONLY: 'Output only.',
  IDENTIFIER: 'Identifier.',
};

let ts: TestServer;
let registry: FileRegistry;
let services: string[];

beforeAll(async () => {
  ts = await startTestServer();
  ({ services, registry } = await reflect(ts.address));
});
afterAll(() => ts?.stop());

const imsopServices = () => services.filter((s) => s.startsWith('imsop.')).map((s) => registry.getService(s)!);

/** Every field a request can carry: the request messages' fields and, inside them, those of IMSOP's own messages. */
function requestFields(): { path: string; field: DescField }[] {
  const fields: { path: string; field: DescField }[] = [];
  const seen = new Set<string>();
  const walk = (message: DescMessage) => {
    if (seen.has(message.typeName) || !message.typeName.startsWith('imsop.')) return;
    seen.add(message.typeName);
    for (const field of message.fields) {
      fields.push({ path: `${message.typeName}.${field.name}`, field });
      if (field.message) walk(field.message);
    }
  };
  for (const service of imsopServices()) for (const method of service.methods) walk(method.input);
  return fields;
}

describe('documentation served by reflection', () => {
  it('documents every IMSOP service and method', () => {
    const undocumented = imsopServices().flatMap((s) =>
      [s, ...s.methods].filter((d) => leadingComments(d) === '').map((d) => d.toString()),
    );
    expect(imsopServices().length).toBeGreaterThan(10);
    expect(undocumented).toEqual([]);
  });

  it('documents every field of every request message', () => {
    const fields = requestFields();
    expect(fields.length).toBeGreaterThan(200);
    expect(fields.filter(({ field }) => leadingComments(field) === '').map((f) => f.path)).toEqual([]);
  });

  it("opens each annotated field's comment with its field behavior, and only those", () => {
    const wrong: string[] = [];
    let annotated = 0;
    for (const { path, field } of requestFields()) {
      const comment = leadingComments(field);
      const behaviors = fieldBehaviors(registry, field).filter((b) => b in OPENING);
      if (behaviors.length > 0) annotated++;
      for (const behavior of behaviors)
        if (!comment.startsWith(OPENING[behavior]!))
          wrong.push(`${path} is ${behavior} but its comment opens "${comment.slice(0, 40)}"`);
      for (const [behavior, opening] of Object.entries(OPENING)) {
        if (comment.startsWith(opening) && !behaviors.includes(behavior))
          wrong.push(`${path} says "${opening}" without the ${behavior} annotation`);
      }
    }
    expect(annotated).toBeGreaterThan(100);
    expect(wrong).toEqual([]);
  });

  it('spells out the JSON form of the timestamps, durations, dates and field masks a request takes', () => {
    const forms: Record<string, RegExp> = {
      'google.protobuf.Timestamp': /RFC 3339/,
      'google.protobuf.Duration': /"\d+s"/,
      'google.type.Date': /"year"/,
      'google.protobuf.FieldMask': /JSON: one string/,
    };
    const missing = requestFields()
      .filter(
        ({ field }) =>
          field.message && forms[field.message.typeName] && !fieldBehaviors(registry, field).includes('OUTPUT_ONLY'),
      )
      .filter(({ field }) => !forms[field.message!.typeName]!.test(leadingComments(field)))
      .map(({ path }) => path);
    expect(missing).toEqual([]);
  });
});
