// @solvent/verifier: verify solvent attestations in JavaScript. The proof check is the wasm build
// of `solvent-verifier-wasm` (the code the native verifier runs); around it, the statement checks
// of `solvent verify`, in its order, against what the caller trusts: the verifier key and the
// `verifier.json` that `solvent export-verifier` wrote under the SRS the caller chose. Nothing the
// attestation says about itself selects what it is checked against.

const ATTESTATION_SCHEMA = "solvent/attestation/v2";
const ENCODING_VERSION = 2;
const CIRCUIT_VERSION = 3;
const DEV_SRS_REFUSED = "made with the insecure development SRS (pass allowInsecureSrs to accept it for testing)";
/** `solvent_verify`'s error codes (`VerifyError` in solvent-verifier-wasm). */
const VERIFY_ERRORS = { 1: "Key", 2: "Instances", 3: "Truncated", 4: "Encoding", 5: "Trailing", 6: "Degenerate", 7: "Pairing", 8: "Commitment" };

/** Bytes of `0x` and exactly `digits` hex digits (either case), or null. */
function hexBytes(text, digits) {
  if (typeof text !== "string" || !text.startsWith("0x")) return null;
  const body = text.slice(2);
  if ((digits !== undefined && body.length !== digits) || body.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(body)) return null;
  const out = new Uint8Array(body.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(body.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Hex compared as numbers (either case). */
function sameHex(a, b) {
  const x = hexBytes(a);
  const y = hexBytes(b);
  return x !== null && y !== null && x.length === y.length && x.every((v, i) => v === y[i]);
}

function word(bytes) {
  const out = new Uint8Array(32);
  out.set(bytes, 32 - bytes.length);
  return out;
}

function u64Word(value) {
  const out = new Uint8Array(32);
  let v = BigInt(value);
  for (let i = 31; i >= 24; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

function utc(seconds) {
  return new Date(seconds * 1000).toISOString().replace(".000Z", "Z");
}

function concat(parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function field(object, path, type) {
  let value = object;
  for (const key of path.split(".")) value = value?.[key];
  const ok = type === "integer" ? Number.isSafeInteger(value) && value >= 0 : typeof value === type;
  if (!ok) throw new TypeError(`attestation: \`${path}\` is missing or not a ${type}`);
  return value;
}

/** The attestation's fields this package reads, type-checked (a malformed file throws, as the CLI exits 2). */
function parse(attestation) {
  const a = typeof attestation === "string" ? JSON.parse(attestation) : attestation;
  return {
    schema: field(a, "schema", "string"),
    policyName: field(a, "policy.name", "string"),
    policyId: field(a, "policy.id", "string"),
    commitment: field(a, "public_inputs.portfolio_commitment", "string"),
    account: field(a, "public_inputs.account", "string"),
    snapshotTime: field(a, "public_inputs.snapshot_time", "integer"),
    shape: [...["assets", "tiers", "instruments", "scenarios"].map((n) => field(a, `circuit.${n}`, "integer")), limits(a)],
    lanes: field(a, "circuit.lanes", "integer"),
    k: field(a, "circuit.k", "integer"),
    encoding: field(a, "circuit.encoding", "integer"),
    version: field(a, "circuit.version", "integer"),
    vkHash: field(a, "vk_hash", "string"),
    srsIdentity: field(a, "srs.identity", "string"),
    srsInsecure: field(a, "srs.insecure", "boolean"),
    proof: field(a, "proof", "string"),
  };
}

/** An optional integer field (absent: `absent`). */
function optional(object, path, absent) {
  const parts = path.split(".");
  const parent = parts.slice(0, -1).reduce((o, key) => o?.[key], object);
  return parent?.[parts[parts.length - 1]] === undefined ? absent : field(object, path, "integer");
}

/** The circuit's `limits` (as `verifier.json`'s): 0 for risk model 1, else 1 + its underlyings. */
function limits(a) {
  return optional(a, "circuit.risk_model", 1) === 1 ? 0 : 1 + optional(a, "circuit.underlyings", 0);
}

const shapeText = ([a, t, i, s, l]) => `${a}a${t}t${i}i${s}s${l > 0 ? `${l - 1}u` : ""}`;

/** The wasm verifier with the statement checks of `solvent verify`. */
export class SolventVerifier {
  #exports;

  constructor(instance) {
    this.#exports = instance.exports;
  }

  /** Loads the module: the given bytes, or `solvent_verifier.wasm` beside this file (Node). */
  static async load(wasm) {
    let bytes = wasm;
    if (bytes === undefined) {
      const { readFile } = await import("node:fs/promises");
      bytes = await readFile(new URL("./solvent_verifier.wasm", import.meta.url));
    }
    const { instance } = await WebAssembly.instantiate(bytes, {});
    return new SolventVerifier(instance);
  }

  /** `solvent_verify` on the module: 0 when the proof verifies, else an error code. */
  #proofCheck(key, commitment, inputs, proof) {
    const e = this.#exports;
    const buffers = [key, commitment, inputs, proof].map((bytes) => {
      const ptr = e.solvent_alloc(bytes.length);
      new Uint8Array(e.memory.buffer, ptr, bytes.length).set(bytes);
      return [ptr, bytes.length];
    });
    try {
      return e.solvent_verify(...buffers.flat());
    } finally {
      for (const [ptr, len] of buffers) e.solvent_free(ptr, len);
    }
  }

  /**
   * Verifies an attestation against the verifier key and `verifier.json` of the SRS and policy
   * you trust. Returns `{ verdict, reason, statement }` as `solvent verify --json` does.
   */
  verify(attestation, verifierKey, verifier, options = {}) {
    const a = parse(attestation);
    const v = verifier;
    const now = options.now ?? Math.floor(Date.now() / 1000);
    const invalid = (reason) => ({ verdict: "INVALID", reason, statement: null });

    // The checks that need no key (check_statement), in the CLI's order.
    if (a.schema !== ATTESTATION_SCHEMA) return invalid(`schema ${a.schema} is not ${ATTESTATION_SCHEMA}`);
    if (a.encoding !== ENCODING_VERSION || a.version !== CIRCUIT_VERSION) {
      return invalid(`made for encoding ${a.encoding} and circuit ${a.version}; this verifier checks encoding ${ENCODING_VERSION}, circuit ${CIRCUIT_VERSION}`);
    }
    if (a.policyName !== v.policy_name) return invalid(`the attestation names policy \`${a.policyName}\`; the given policy is \`${v.policy_name}\``);
    const shape = [v.assets, v.tiers, v.instruments, v.scenarios, v.limits];
    if (shapeText(a.shape) !== shapeText(shape)) return invalid(`circuit shape ${shapeText(a.shape)} is not the policy's shape ${shapeText(shape)}`);
    if (a.k !== v.k || a.lanes !== v.lanes) {
      return invalid(`circuit k = ${a.k}, ${a.lanes} lanes; the policy's shape ${shapeText(shape)} implies k = ${v.k}, ${v.lanes} lanes`);
    }
    const portfolioCommitment = hexBytes(a.commitment, 64);
    const account = hexBytes(a.account, 40);
    if (portfolioCommitment === null) return invalid("public_inputs.portfolio_commitment: expected 0x and 64 hex digits");
    if (account === null) return invalid("public_inputs.account: expected 0x and 40 hex digits");
    if (a.snapshotTime < v.effective_at || a.snapshotTime >= v.expires_at) {
      return invalid(`snapshot time ${a.snapshotTime} is outside the policy's window [${v.effective_at}, ${v.expires_at})`);
    }
    if (options.account !== undefined && !sameHex(options.account, a.account)) {
      return invalid(`account mismatch: attested for ${a.account}, expected ${options.account.toLowerCase()}`);
    }
    if (a.srsInsecure && !options.allowInsecureSrs) return invalid(DEV_SRS_REFUSED);

    // Against the trusted SRS, key and policy commitment.
    if (!sameHex(a.srsIdentity, v.srs_identity)) {
      return invalid(`SRS mismatch: the attestation declares SRS ${a.srsIdentity}, this verifier trusts ${v.srs_identity}`);
    }
    if (v.srs_insecure && !options.allowInsecureSrs) return invalid(DEV_SRS_REFUSED);
    if (a.srsInsecure !== v.srs_insecure) return invalid("the attestation's `srs.insecure` flag does not match its SRS");
    if (!sameHex(a.vkHash, v.vk_hash)) {
      return invalid(`verifying key mismatch: the attestation names ${a.vkHash}, the key for this policy's circuit is ${v.vk_hash}`);
    }
    if (!sameHex(a.policyId, v.policy_id)) {
      return invalid(`policy mismatch: the attestation is for policy id ${a.policyId}, the given policy \`${v.policy_name}\` has id ${v.policy_id} under this SRS`);
    }
    const proof = hexBytes(a.proof);
    if (proof === null) return invalid("proof: expected 0x and hex digits");
    const lanes = v.policy_commitment.map((lane) => hexBytes(lane, 128));
    if (lanes.some((lane) => lane === null)) throw new TypeError("verifier.json: `policy_commitment` must be one 0x and 128 hex digits (x, y) per lane");
    const commitment = concat(lanes);
    const inputs = concat([portfolioCommitment, word(account), u64Word(a.snapshotTime)]);
    const code = this.#proofCheck(verifierKey, commitment, inputs, proof);
    if (code !== 0) return invalid(`the proof does not verify (${VERIFY_ERRORS[code] ?? code})`);

    const statement = {
      policy: { name: v.policy_name, id: v.policy_id.toLowerCase(), commitment: v.policy_commitment.map((c) => c.toLowerCase()) },
      portfolio_commitment: a.commitment.toLowerCase(),
      account: a.account.toLowerCase(),
      snapshot_time: a.snapshotTime,
      snapshot_time_utc: utc(a.snapshotTime),
      circuit: { shape: shapeText(shape), k: v.k, lanes: v.lanes },
      vk_hash: v.vk_hash.toLowerCase(),
      srs: { identity: v.srs_identity.toLowerCase(), insecure: v.srs_insecure },
    };
    // SolvencyGate.attest's time rules, in its order.
    const t = a.snapshotTime;
    if (now >= v.expires_at) {
      return { verdict: "EXPIRED", reason: `the policy expired at ${v.expires_at} (verifier clock ${now}); the proof itself is valid`, statement };
    }
    if (t > now) {
      const notInEffect = now < v.effective_at ? `, and the policy takes effect only at ${v.effective_at}` : "";
      return { verdict: "NOT YET VALID", reason: `the snapshot time ${t} is later than the verifier clock ${now}${notInEffect}; the proof itself is valid`, statement };
    }
    if (options.maxAge !== undefined && now - t > options.maxAge) {
      return { verdict: "TOO OLD", reason: `the snapshot is ${now - t} s old at the verifier clock ${now}; at most ${options.maxAge} s are accepted; the proof itself is valid`, statement };
    }
    return { verdict: "VALID", reason: null, statement };
  }
}
