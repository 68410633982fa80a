import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The Go and Java templates of docs/generate-other-languages.md, run exactly as written (with the
 * plugins Debian packages) on the contracts, and what they generate compiled: Go in GOPATH mode
 * against Debian's packaged library sources (offline: no module proxy), Java with javac against
 * Debian's jars. Debian packages no javax.annotation-api, which a user's build adds for the
 * stubs' @javax.annotation.Generated, so the test compiles a copy of that one annotation.
 */
const run = promisify(execFile);
const REPO = resolve('.');
const BUF = join(REPO, 'node_modules/.bin/buf');
const DOC = 'docs/generate-other-languages.md';
const GO_MODULE = 'example.com/acme/imsop-client';
const JARS = [
  'protobuf',
  'grpc-api',
  'grpc-stub',
  'grpc-protobuf',
  'grpc-protobuf-lite',
  'proto-google-common-protos',
  'guava',
].map((j) => `/usr/share/java/${j}.jar`);
const MISSING_HINT =
  'apt-get install protobuf-compiler protoc-gen-go protoc-gen-go-grpc protobuf-compiler-grpc-java-plugin golang-go golang-google-grpc-dev golang-google-protobuf-dev golang-google-genproto-dev libprotobuf-java libgrpc-java libgoogle-common-protos-java (.ci/run installs them)';

function template(name: string): string {
  const found = new RegExp('```yaml\\n# ' + name.replaceAll('.', '\\.') + '\\n([\\s\\S]*?)```').exec(
    readFileSync(DOC, 'utf8'),
  );
  if (!found) throw new Error(`${DOC} has no ${name}`);
  return found[1]!;
}

/** IMSOP's proto files (relative to proto/), and which of them declare services. */
function contracts(): { file: string; hasService: boolean }[] {
  const files: { file: string; hasService: boolean }[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.proto'))
        files.push({ file: relative('proto', path), hasService: /^service /m.test(readFileSync(path, 'utf8')) });
    }
  };
  walk('proto/imsop');
  return files;
}

const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)],
  );

let scratch: string;
beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'imsop-other-languages-'));
  const missing: string[] = [];
  for (const tool of ['protoc', 'protoc-gen-go', 'protoc-gen-go-grpc', 'grpc_java_plugin', 'go', 'javac']) {
    await run('bash', ['-c', `command -v ${tool}`]).catch(() => missing.push(tool));
  }
  missing.push(...JARS.filter((jar) => !existsSync(jar)));
  if (missing.length > 0) throw new Error(`missing ${missing.join(', ')}: ${MISSING_HINT}`);
});
afterAll(() => scratch && rmSync(scratch, { recursive: true, force: true }));

describe('docs/generate-other-languages.md', () => {
  it('buf.gen.go.yaml generates a package per contract directory that compiles', { timeout: 300_000 }, async () => {
    const gopath = join(scratch, 'gopath');
    const project = join(gopath, 'src', GO_MODULE);
    mkdirSync(project, { recursive: true });
    writeFileSync(join(project, 'buf.gen.go.yaml'), template('buf.gen.go.yaml'));
    await run(BUF, ['generate', join(REPO, 'proto'), '--template', 'buf.gen.go.yaml'], { cwd: project });

    for (const { file, hasService } of contracts()) {
      const base = join(project, 'gen/go', file.replace(/\.proto$/, ''));
      const source = readFileSync(`${base}.pb.go`, 'utf8');
      const dir = dirname(file);
      expect(source, file).toMatch(new RegExp(`^package ${dir.split('/').slice(-2).join('')}$`, 'm'));
      if (hasService) expect(existsSync(`${base}_grpc.pb.go`), `${file} has a _grpc.pb.go`).toBe(true);
    }
    const tracking = readFileSync(join(project, 'gen/go/imsop/shipments/v1/tracking_service.pb.go'), 'utf8');
    expect(tracking).toContain(`"${GO_MODULE}/gen/go/imsop/api/v1"`); // IMSOP imports under your module
    expect(readFileSync(join(project, 'gen/go/imsop/shipments/v1/resources.pb.go'), 'utf8')).toContain(
      '"google.golang.org/genproto/googleapis/type/latlng"',
    );

    const env = { ...process.env, GO111MODULE: 'off', GOPATH: `${gopath}:/usr/share/gocode`, GOFLAGS: '' };
    await run('go', ['build', './gen/go/...'], { cwd: project, env }).catch((error) => {
      throw new Error(`go build failed:\n${error.stderr}`);
    });
  });

  it('buf.gen.java.yaml generates message classes and stubs that compile', { timeout: 300_000 }, async () => {
    const project = join(scratch, 'java');
    mkdirSync(project, { recursive: true });
    writeFileSync(join(project, 'buf.gen.java.yaml'), template('buf.gen.java.yaml'));
    await run(BUF, ['generate', join(REPO, 'proto'), '--template', 'buf.gen.java.yaml'], { cwd: project });

    const sources = filesUnder(join(project, 'src/main/java'));
    for (const { file } of contracts().filter((c) => c.hasService)) {
      const service = /^service (\w+)/m.exec(readFileSync(join('proto', file), 'utf8'))![1]!;
      const stub = join(project, 'src/main/java/com/example', dirname(file), `${service}Grpc.java`);
      expect(sources, `${stub} generated`).toContain(stub);
    }

    const annotation = join(project, 'annotations/javax/annotation/Generated.java');
    mkdirSync(dirname(annotation), { recursive: true });
    writeFileSync(
      annotation,
      'package javax.annotation;\n@java.lang.annotation.Retention(java.lang.annotation.RetentionPolicy.SOURCE)\npublic @interface Generated { String[] value(); String date() default ""; String comments() default ""; }\n',
    );
    const classes = join(project, 'classes');
    await run('javac', ['-nowarn', '-d', classes, '-cp', JARS.join(':'), annotation, ...sources], {
      cwd: project,
      maxBuffer: 64 * 1024 * 1024,
    }).catch((error) => {
      throw new Error(`javac failed:\n${String(error.stderr).slice(0, 4000)}`);
    });
    expect(existsSync(join(classes, 'com/example/imsop/shipments/v1/TrackingServiceGrpc.class'))).toBe(true);
    expect(existsSync(join(classes, 'com/example/imsop/inventory/v1/ReserveStockRequest.class'))).toBe(true);
  });
});
