/** What `solvent export-verifier` writes as `verifier.json` (the fields this package reads). */
export interface VerifierJson {
  assets: number;
  tiers: number;
  instruments: number;
  scenarios: number;
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

/** The verdict, as `solvent verify --json`. */
export interface Verification {
  verdict: "VALID" | "INVALID" | "EXPIRED" | "NOT YET VALID" | "TOO OLD";
  reason: string | null;
  /** Present when the proof verified (whatever the time rules said). */
  statement: Statement | null;
}

/** The wasm verifier with the statement checks of `solvent verify`. */
export class SolventVerifier {
  /** Loads the module: the given bytes, or `solvent_verifier.wasm` beside this file. */
  static load(wasm?: Uint8Array | ArrayBuffer): Promise<SolventVerifier>;
  /**
   * Verifies an attestation (its JSON text or parsed object) against the verifier key and the
   * `verifier.json` that `solvent export-verifier` wrote under the SRS you trust.
   */
  verify(attestation: string | object, verifierKey: Uint8Array, verifier: VerifierJson, options?: VerifyOptions): Verification;
}
