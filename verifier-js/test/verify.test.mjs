// Runs the cases that `prover/tests/integration/js.rs` (part of the test command) prepares: a real
// attestation, the exported verifier key and verifier.json, and changed attestations with the
// verdicts and statements `solvent verify --json` gave for each. The package must give the same.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { SolventInputError, SolventVerifier } from "../index.js";

const dir = process.env.SOLVENT_JS_FIXTURES;

test("the package gives solvent verify's verdict and statement on every case", { skip: dir ? false : "SOLVENT_JS_FIXTURES is not set (run by `cargo test`, prover/tests/integration/js.rs)" }, async () => {
  const verifier = await SolventVerifier.load(readFileSync(join(dir, "solvent_verifier.wasm")));
  const key = readFileSync(join(dir, "verifier.key"));
  const exported = JSON.parse(readFileSync(join(dir, "verifier.json"), "utf8"));
  const cases = JSON.parse(readFileSync(join(dir, "cases.json"), "utf8"));
  assert.ok(cases.length >= 10);
  for (const c of cases) {
    const result = verifier.verify(c.attestation, key, exported, c.options);
    assert.equal(result.verdict, c.expected.verdict, `${c.name}: ${result.reason}`);
    assert.equal(result.code, c.expected.code, c.name);
    assert.equal(result.reason, c.expected.reason, c.name);
    assert.deepEqual(result.statement, c.expected.statement, c.name);
  }
});

test("a malformed attestation throws instead of returning a verdict", { skip: dir ? false : "no fixtures" }, async () => {
  const verifier = await SolventVerifier.load(readFileSync(join(dir, "solvent_verifier.wasm")));
  const exported = JSON.parse(readFileSync(join(dir, "verifier.json"), "utf8"));
  assert.throws(() => verifier.verify("{}", new Uint8Array(), exported), SolventInputError);
  assert.throws(() => verifier.verify("{}", new Uint8Array(), exported), TypeError);
  assert.throws(() => verifier.verify("{not json", new Uint8Array(), exported), SyntaxError);
  assert.throws(() => verifier.verify("not json", new Uint8Array(), exported), SolventInputError);
  const cases = JSON.parse(readFileSync(join(dir, "cases.json"), "utf8"));
  assert.throws(() => verifier.verify(cases[0].attestation, new Uint8Array(), exported, { account: "0x12" }), /options.account/);
});

test("the key and documents may be given as ArrayBuffer, bytes or parsed objects", { skip: dir ? false : "no fixtures" }, async () => {
  const verifier = await SolventVerifier.load(readFileSync(join(dir, "solvent_verifier.wasm")));
  const key = readFileSync(join(dir, "verifier.key"));
  const exportedText = readFileSync(join(dir, "verifier.json"), "utf8");
  const valid = JSON.parse(readFileSync(join(dir, "cases.json"), "utf8"))[0];
  const buffer = key.buffer.slice(key.byteOffset, key.byteOffset + key.byteLength);
  for (const [attestation, exported, k] of [
    [valid.attestation, JSON.parse(exportedText), buffer],
    [JSON.parse(valid.attestation), new TextEncoder().encode(exportedText), new Uint8Array(key)],
  ]) {
    assert.equal(verifier.verify(attestation, k, exported, valid.options).verdict, valid.expected.verdict);
  }
});
