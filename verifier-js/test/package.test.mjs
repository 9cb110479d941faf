// The package as JavaScript developers use it (run with the fixtures `prover/tests/integration/js.rs`
// prepares): bundled for the browser by esbuild, loaded from a URL or a Response, required from
// CommonJS, type-checked by tsc against index.d.ts, and packed by npm with the module, the
// licences and both entry points.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, symlinkSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { buildSync } from "esbuild";
import { SolventInputError, SolventVerifier } from "../index.js";
import { COMMONJS } from "../prepack.mjs";

const dir = process.env.SOLVENT_JS_FIXTURES;
const skip = dir ? false : "SOLVENT_JS_FIXTURES is not set (run by `cargo test`, prover/tests/integration/js.rs)";
const here = join(dirname(fileURLToPath(import.meta.url)), "..");
const valid = () => JSON.parse(readFileSync(join(dir, "cases.json"), "utf8"))[0];

test("esbuild bundles it for the browser and for node, and the bundle verifies", { skip }, async () => {
  const browser = buildSync({ entryPoints: [join(here, "index.js")], bundle: true, platform: "browser", format: "esm", write: false, logLevel: "silent" });
  assert.equal(browser.errors.length, 0);
  const out = mkdtempSync(join(tmpdir(), "solvent-bundle-"));
  buildSync({ entryPoints: [join(here, "index.js")], bundle: true, platform: "node", format: "esm", outfile: join(out, "bundle.mjs"), logLevel: "silent" });
  const { SolventVerifier: Bundled } = await import(pathToFileURL(join(out, "bundle.mjs")).href);
  const verifier = await Bundled.load(readFileSync(join(dir, "solvent_verifier.wasm")));
  const c = valid();
  assert.equal(verifier.verify(c.attestation, readFileSync(join(dir, "verifier.key")), readFileSync(join(dir, "verifier.json"), "utf8"), c.options).verdict, c.expected.verdict);
});

test("load takes a file URL, a Response and an ArrayBuffer, and refuses anything else", { skip }, async () => {
  const wasm = readFileSync(join(dir, "solvent_verifier.wasm"));
  const buffer = wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength);
  for (const source of [pathToFileURL(join(dir, "solvent_verifier.wasm")), new Response(wasm), buffer]) {
    assert.ok(await SolventVerifier.load(source));
  }
  await assert.rejects(SolventVerifier.load(42), SolventInputError);
});

test("caller mistakes throw typed errors: a clock in milliseconds, a path where bytes or JSON are expected", { skip }, async () => {
  const verifier = await SolventVerifier.load(readFileSync(join(dir, "solvent_verifier.wasm")));
  const c = valid();
  const key = readFileSync(join(dir, "verifier.key"));
  const exported = readFileSync(join(dir, "verifier.json"), "utf8");
  const field = (f) => (error) => error instanceof SolventInputError && error.field === f;
  assert.throws(() => verifier.verify(c.attestation, key, exported, { ...c.options, now: Date.now() }), field("options.now"));
  assert.throws(() => verifier.verify(c.attestation, join(dir, "verifier.key"), exported, c.options), field("verifierKey"));
  assert.throws(() => verifier.verify("attestation.json", key, exported, c.options), field("attestation"));
});

test("the CommonJS entry (index.cjs) loads its module beside it and verifies", { skip }, async () => {
  const out = mkdtempSync(join(tmpdir(), "solvent-cjs-"));
  buildSync({ entryPoints: [join(here, "index.js")], outfile: join(out, "index.cjs"), ...COMMONJS });
  copyFileSync(join(dir, "solvent_verifier.wasm"), join(out, "solvent_verifier.wasm"));
  const { SolventVerifier: Required } = createRequire(import.meta.url)(join(out, "index.cjs"));
  const verifier = await Required.load();
  const c = valid();
  assert.equal(verifier.verify(c.attestation, readFileSync(join(dir, "verifier.key")), readFileSync(join(dir, "verifier.json"), "utf8"), c.options).verdict, c.expected.verdict);
});

test("index.d.ts type-checks a typed consumer (tsc --noEmit --strict)", { skip }, () => {
  const tsc = join(here, "node_modules", ".bin", "tsc");
  execFileSync(tsc, ["--noEmit", "--strict", "--target", "es2022", "--module", "nodenext", "--moduleResolution", "nodenext", join(here, "test", "consumer.ts")], {
    stdio: "pipe",
  });
});

test("npm pack holds the wasm module, the licences and both entry points, and refuses to pack without the module", { skip }, () => {
  const out = mkdtempSync(join(tmpdir(), "solvent-pack-"));
  for (const file of ["package.json", "index.js", "index.d.ts", "README.md", "prepack.mjs", "build.mjs"]) copyFileSync(join(here, file), join(out, file));
  symlinkSync(join(here, "node_modules"), join(out, "node_modules"));
  for (const licence of ["LICENSE-MIT", "LICENSE-APACHE"]) copyFileSync(join(here, "..", licence), join(out, licence));
  const pack = () => execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts=false"], { cwd: out, stdio: "pipe" }).toString();
  assert.throws(pack, /solvent_verifier.wasm is missing/s, "no module, no package");
  copyFileSync(join(dir, "solvent_verifier.wasm"), join(out, "solvent_verifier.wasm"));
  const files = JSON.parse(pack())[0].files.map((f) => f.path);
  for (const needed of ["solvent_verifier.wasm", "index.js", "index.cjs", "index.d.ts", "LICENSE-MIT", "LICENSE-APACHE", "package.json"]) {
    assert.ok(files.includes(needed), `${needed} is not in the package: ${files}`);
  }
});
