/** What `solvent export-verifier` writes as `verifier.json` (the fields the module reads). */
export interface VerifierJson {
  assets: number;
  tiers: number;
  instruments: number;
  scenarios: number;
  /** 0 for the circuit of risk model v1, else 1 + the number of underlyings. */
  limits: number;
  lanes: number;
  k: number;
  vk_hash: string;
  srs_identity: string;
  srs_insecure: boolean;
  policy_name: string;
  policy_id: string;
  policy_commitment: string[];
  effective_at: number;
  expires_at: number;
  max_snapshot_age: number;
}

/** What the caller checks besides the proof. */
export interface VerifyOptions {
  /** The verifier's clock, unix seconds (default: now). */
  now?: number;
  /** The account the attestation must be bound to (0x and 40 hex digits). */
  account?: string;
  /** The largest accepted snapshot age in seconds (SolvencyGate's maxSnapshotAge). */
  maxAge?: number;
  /** Accept attestations made with the INSECURE development SRS (testing only). */
  allowInsecureSrs?: boolean;
}

/** The statement a verified attestation establishes (as `solvent verify --json` prints it). */
export interface Statement {
  policy: { name: string; id: string; commitment: string[] };
  portfolio_commitment: string;
  account: string;
  snapshot_time: number;
  snapshot_time_utc: string;
  circuit: { shape: string; k: number; lanes: number };
  vk_hash: string;
  srs: { identity: string; insecure: boolean };
}

/** The stable code of the rule an attestation breaks (solvent-statement's `RULES`). */
export type ReasonCode =
  | "SCHEMA"
  | "VERSION"
  | "POLICY_NAME"
  | "SHAPE"
  | "DIMENSIONS"
  | "OUTSIDE_WINDOW"
  | "ACCOUNT"
  | "INSECURE_SRS"
  | "SRS_MISMATCH"
  | "INSECURE_FLAG"
  | "KEY_MISMATCH"
  | "VK_MISMATCH"
  | "POLICY_MISMATCH"
  | "PROOF"
  | "EXPIRED"
  | "NOT_YET_VALID"
  | "TOO_OLD";

/** The verdict, as `solvent verify --json`. */
export interface Verification {
  verdict: "VALID" | "INVALID" | "EXPIRED" | "NOT YET VALID" | "TOO OLD";
  /** The broken rule's code; null when valid. */
  code: ReasonCode | null;
  /** Why, in words; null when valid. */
  reason: string | null;
  /** Present when the proof verified (whatever the time rules said). */
  statement: Statement | null;
}

/** Input the module refused: not an attestation, a damaged verifier.json, bad options. */
export class SolventInputError extends TypeError {
  /** The document and field, as `attestation.public_inputs.account`. */
  field: string;
}

/** A JSON document: its text, its bytes, or the parsed object. */
export type Json = string | Uint8Array | ArrayBuffer | object;

/** The wasm verifier with the statement rules of `solvent verify`. */
export class SolventVerifier {
  /** Loads the module: the given bytes, or `solvent_verifier.wasm` beside this file. */
  static load(wasm?: Uint8Array | ArrayBuffer): Promise<SolventVerifier>;
  /**
   * Verifies an attestation against the verifier key and the `verifier.json` that `solvent
   * export-verifier` wrote under the SRS you trust. Throws SolventInputError (or SyntaxError for
   * text that is not JSON) where the CLI exits 2.
   */
  verify(attestation: Json, verifierKey: Uint8Array | ArrayBuffer, verifier: VerifierJson | Json, options?: VerifyOptions): Verification;
}
