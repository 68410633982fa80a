import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** Repo-relative location of the FileDescriptorSet written by `npm run generate` (buf build). */
const RELATIVE_PATH = join("gen", "descriptor.binpb");

let cached: Uint8Array | undefined;

/**
 * The raw FileDescriptorSet bytes of every proto the server speaks (imsop, google, grpc).
 *
 * Found by walking up from this module's folder rather than from process.cwd(), so it works
 * whether we run from src/ (tsx), from a compiled dist/src/ tree, or with any working directory.
 * Read once and cached: callers (reflection, tests) may ask repeatedly.
 */
export function loadDescriptorSet(): Uint8Array {
  if (cached) return cached;
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, RELATIVE_PATH);
    if (existsSync(candidate)) {
      cached = readFileSync(candidate);
      return cached;
    }
    if (dirname(dir) === dir) break; // reached the filesystem root
  }
  throw new Error(`${RELATIVE_PATH} not found in any parent of ${start}; run \`npm run generate\``);
}
