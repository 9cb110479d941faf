// Runs the cases that `prover/tests/integration/js.rs` (part of the test command) prepares: a real
// attestation, the exported verifier key and verifier.json, and changed attestations with the
// verdicts and statements `solvent verify --json` gave for each. The package must give the same.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { SolventVerifier } from "../index.js";

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
    assert.deepEqual(result.statement, c.expected.statement, c.name);
  }
});

test("a malformed attestation throws instead of returning a verdict", { skip: dir ? false : "no fixtures" }, async () => {
  const verifier = await SolventVerifier.load(readFileSync(join(dir, "solvent_verifier.wasm")));
  const exported = JSON.parse(readFileSync(join(dir, "verifier.json"), "utf8"));
  assert.throws(() => verifier.verify("{}", new Uint8Array(), exported), TypeError);
  assert.throws(() => verifier.verify("not json", new Uint8Array(), exported), SyntaxError);
});
