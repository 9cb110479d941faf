// Deploys SolvencyGate and this shape's SolventVerifier and registers the policy, from the files
// `solvent export-verifier` wrote beside this script (verifier.json, SolvencyGate.{bin,abi.json}),
// with ethers v6 (`npm install` here installs the pinned version).
//
//   DEPLOYER_KEY=0x<the owner's private key> node deploy.mjs --rpc http://127.0.0.1:8545 [--gate 0x..]
//
// Without --gate it deploys the gate (with verifier.json's maxSnapshotAge); then the gate deploys
// the verifier (deploy_verifier_calldata) and the script checks that the gate recorded the SRS
// identity of verifier.json (refusing the INSECURE development SRS unless --allow-insecure-srs);
// then it accepts the policy (accept_policy_calldata). Prints {gate, verifier, policy_id} as JSON.
import { readFileSync } from 'node:fs';
import { ethers } from 'ethers';

const args = process.argv.slice(2);
const option = (name) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const rpc = option('--rpc');
const key = process.env.DEPLOYER_KEY;
if (!rpc || !key) {
  process.stderr.write('usage: DEPLOYER_KEY=0x.. node deploy.mjs --rpc URL [--gate ADDRESS] [--allow-insecure-srs]\n');
  process.exit(2);
}
const read = (name) => readFileSync(new URL(name, import.meta.url), 'utf8');
const exported = JSON.parse(read('verifier.json'));
if (exported.srs_insecure && !args.includes('--allow-insecure-srs')) {
  process.stderr.write('verifier.json is for the INSECURE development SRS: forged proofs verify (--allow-insecure-srs for tests)\n');
  process.exit(2);
}
const wallet = new ethers.Wallet(key, new ethers.JsonRpcProvider(rpc));
const abi = JSON.parse(read('SolvencyGate.abi.json'));

let gate;
if (option('--gate')) {
  gate = new ethers.Contract(option('--gate'), abi, wallet);
} else {
  const factory = new ethers.ContractFactory(abi, '0x' + read('SolvencyGate.bin').trim(), wallet);
  gate = await factory.deploy(exported.max_snapshot_age);
  await gate.waitForDeployment();
}
const send = async (data, what) => {
  const receipt = await (await wallet.sendTransaction({ to: await gate.getAddress(), data })).wait();
  if (receipt.status !== 1) throw new Error(`${what} reverted`);
};
await send(exported.deploy_verifier_calldata, 'deployVerifier');
const signed = exported.signed ?? { sources: 0, statements: 0, items: 0 };
const shape = await gate.shapeKey([exported.assets, exported.tiers, exported.instruments, exported.scenarios, exported.limits,
  signed.sources, signed.statements, signed.items]);
const [identity, insecure] = await gate.verifierSrs(shape);
if (identity !== exported.srs_identity || insecure !== exported.srs_insecure) {
  throw new Error(`the gate recorded SRS ${identity} (insecure ${insecure}), not verifier.json's ${exported.srs_identity}`);
}
await send(exported.accept_policy_calldata, 'acceptPolicy');
const verifier = await gate.verifiers(shape);
process.stdout.write(JSON.stringify({ gate: await gate.getAddress(), verifier, policy_id: exported.policy_id }) + '\n');
