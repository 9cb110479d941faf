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

/** Bytes given as `Uint8Array` or `ArrayBuffer`; a string (a path, say) is a caller's mistake. */
function bytesOf(value, field) {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  const what = typeof value === "string" ? `a string (\`${value.slice(0, 40)}\`): read the file and give its bytes` : `${typeof value}`;
  throw new SolventInputError({ field, message: `must be a Uint8Array or an ArrayBuffer, not ${what}` });
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Bytes of a JSON document given as text, bytes or a parsed object. */
function jsonBytes(value, field) {
  if (typeof value === "string") {
    if (!/^\s*[{[]/.test(value)) {
      throw new SolventInputError({ field, message: `is not JSON text (\`${value.slice(0, 40)}\`; a path? read the file and give its contents)` });
    }
    return encoder.encode(value);
  }
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

  /**
   * Loads the module: from bytes (`Uint8Array`, `ArrayBuffer`), a `Response`, a URL (fetched; a
   * `file:` URL is read in Node), or by default `solvent_verifier.wasm` beside this file (the
   * CommonJS build, `index.cjs`, has `import.meta.url` defined from `__filename`).
   */
  static async load(source = new URL("./solvent_verifier.wasm", import.meta.url)) {
    let bytes = source;
    if (typeof bytes === "string") bytes = new URL(bytes, import.meta.url);
    if (bytes instanceof URL) {
      if (bytes.protocol === "file:") {
        // Not a literal specifier, so that bundlers for the browser leave it alone.
        const fs = "node:fs/promises";
        bytes = await (await import(/* @vite-ignore */ fs)).readFile(bytes);
      } else {
        bytes = await fetch(bytes);
      }
    }
    if (typeof Response !== "undefined" && bytes instanceof Response) {
      if (!bytes.ok) throw new SolventInputError({ field: "wasm", message: `fetching the module gave HTTP ${bytes.status}` });
      bytes = await bytes.arrayBuffer();
    }
    if (!(bytes instanceof ArrayBuffer || ArrayBuffer.isView(bytes))) {
      throw new SolventInputError({ field: "wasm", message: "give the module as bytes, a Response or a URL" });
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
    const inputs = [jsonBytes(attestation, "attestation"), jsonBytes(verifier, "verifier"), bytesOf(verifierKey, "verifierKey"), jsonBytes(settings, "options")];
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
