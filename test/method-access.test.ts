import { fromBinary } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import { describe, expect, it } from 'vitest';
import { METHOD_ACCESS } from '../src/method-access.js';
import { PERMISSIONS } from '../src/identity/permission-catalogue.js';
import { loadDescriptorSet } from '../src/platform/grpc/descriptor-set.js';

/** Every method of every service the server serves, read from the descriptors buf compiled. */
function allMethods(): string[] {
  const set = fromBinary(FileDescriptorSetSchema, loadDescriptorSet());
  return set.file.flatMap((f) => f.service.flatMap((s) => s.method.map((m) => `/${f.package}.${s.name}/${m.name}`)));
}

describe('access declarations', () => {
  it('declare an access rule for every method in the service descriptors', () => {
    const missing = allMethods().filter((m) => !(m in METHOD_ACCESS));
    expect(missing).toEqual([]);
  });

  it('declare nothing for methods that do not exist (stale entries)', () => {
    const methods = new Set(allMethods());
    expect(Object.keys(METHOD_ACCESS).filter((m) => !methods.has(m))).toEqual([]);
  });

  it('leave only health, reflection and login public', () => {
    const open = Object.entries(METHOD_ACCESS)
      .filter(([, a]) => a.kind === 'public')
      .map(([m]) => m);
    for (const m of open)
      expect(m).toMatch(
        /^\/grpc\.health\.v1\.|^\/grpc\.reflection\.v1(alpha)?\.|^\/imsop\.identity\.v1\.AuthService\/Login$/,
      );
  });

  it('name only permissions of the catalogue', () => {
    for (const [method, access] of Object.entries(METHOD_ACCESS)) {
      if (access.kind === 'permission') expect(Object.keys(PERMISSIONS), method).toContain(access.permission);
    }
  });
});
