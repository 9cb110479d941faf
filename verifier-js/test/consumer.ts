// A typed consumer of the package: `tsc --noEmit --strict` on it checks that index.d.ts matches
// what the package returns and takes (run by test/package.test.mjs).
import { SolventInputError, SolventVerifier, type ReasonCode, type Verification, type VerifierJson } from "../index.js";

export async function check(wasm: Uint8Array, attestation: string, key: ArrayBuffer, exported: VerifierJson): Promise<string> {
  const verifier = await SolventVerifier.load(wasm);
  try {
    const result: Verification = verifier.verify(attestation, key, exported, { now: 160, account: "0x00000000000000000000000000000000000000aa", maxAge: 3600, allowInsecureSrs: false });
    const code: ReasonCode | null = result.code;
    const limits: number = exported.limits + exported.max_snapshot_age;
    const shape: string | undefined = result.statement?.circuit.shape;
    return `${result.verdict} ${code ?? ""} ${result.reason ?? ""} ${shape ?? ""} ${limits}`;
  } catch (error) {
    if (error instanceof SolventInputError) return error.field;
    throw error;
  }
}
