// Builds solvent_verifier.wasm: the wasm verifier (`solvent-verifier-wasm`) with the size
// profile, then binaryen's wasm-opt -Oz (from npm). Needs a Rust toolchain with the
// wasm32-unknown-unknown target. Usage: `npm run build` (or `node build.mjs OUT.wasm`).
import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const targetDir = join(root, "target", "wasm-verifier");
const out = process.argv[2] ?? join(here, "solvent_verifier.wasm");

execFileSync(
  "cargo",
  ["build", "--locked", "--profile", "wasm", "-p", "solvent-verifier-wasm", "--target", "wasm32-unknown-unknown", "--target-dir", targetDir],
  { cwd: root, stdio: "inherit" },
);
const built = join(targetDir, "wasm32-unknown-unknown", "wasm", "solvent_verifier_wasm.wasm");
// The features Rust's wasm32-unknown-unknown target enables (the size profile strips the section
// that would let wasm-opt detect them).
const features = ["bulk-memory", "sign-ext", "mutable-globals", "nontrapping-float-to-int", "multivalue", "reference-types"];
execFileSync(join(here, "node_modules", ".bin", "wasm-opt"), ["-Oz", ...features.map((f) => `--enable-${f}`), built, "-o", out], {
  stdio: "inherit",
});
console.log(`wrote ${out}`);
