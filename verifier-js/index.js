// @solvent/verifier: verify solvent attestations in JavaScript. Everything is the wasm build of
// `solvent-verifier-wasm`: the proof check the native verifier runs, and around it the rules of
// `solvent-statement` (the one implementation `solvent verify` and the CosmWasm gate call too),
// against what the caller trusts: the verifier key and the `verifier.json` that `solvent
// export-verifier` wrote under the SRS the caller chose. This file only hands bytes over.

/** A caller's input the module refused (not an attestation, a damaged verifier.json, bad options). */
export class SolventInputError extends TypeError {
  constructor(error) {
    super(error.field ? `${error.field}: ${error.message}` : error.message);
    this.name = "SolventInputError";
    /** The document and field, as `attestation.public_inputs.account`. */
    this.field = error.field;
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Bytes of a JSON document given as text, bytes or a parsed object. */
function jsonBytes(value) {
  if (typeof value === "string") return encoder.encode(value);
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  return encoder.encode(JSON.stringify(value));
}

/** The wasm verifier with the statement rules of `solvent verify`. */
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

  /**
   * Verifies an attestation against the verifier key and `verifier.json` of the SRS and policy
   * you trust. Returns `{ verdict, code, reason, statement }` as `solvent verify --json` does.
   */
  verify(attestation, verifierKey, verifier, options = {}) {
    const e = this.#exports;
    const settings = {
      now: options.now ?? Math.floor(Date.now() / 1000),
      account: options.account ?? null,
      max_age: options.maxAge ?? null,
      allow_insecure_srs: options.allowInsecureSrs ?? false,
    };
    const inputs = [jsonBytes(attestation), jsonBytes(verifier), new Uint8Array(verifierKey), jsonBytes(settings)];
    const buffers = inputs.map((bytes) => {
      const ptr = e.solvent_alloc(bytes.length);
      new Uint8Array(e.memory.buffer, ptr, bytes.length).set(bytes);
      return [ptr, bytes.length];
    });
    let result;
    try {
      const ptr = e.solvent_verify_attestation(...buffers.flat());
      const length = new DataView(e.memory.buffer).getUint32(ptr, true);
      result = JSON.parse(decoder.decode(new Uint8Array(e.memory.buffer, ptr + 4, length)));
      e.solvent_free(ptr, length + 4);
    } finally {
      for (const [ptr, len] of buffers) e.solvent_free(ptr, len);
    }
    if (result.error) throw result.error.syntax ? new SyntaxError(`${result.error.field}: ${result.error.message}`) : new SolventInputError(result.error);
    return result;
  }
}
