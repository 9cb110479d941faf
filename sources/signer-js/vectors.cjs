// Prints, for each [private key (UTF-8), message (decimal)] of the JSON array on stdin, the
// public key (and its packed form) and the signature @zk-kit/eddsa-poseidon computes, as decimal
// strings. (CommonJS:
// the package's ES module build imports blakejs by names that Node cannot see in CommonJS.)
'use strict';
const { readFileSync } = require('node:fs');
const { derivePublicKey, signMessage, verifySignature, packPublicKey } = require('@zk-kit/eddsa-poseidon');

const cases = JSON.parse(readFileSync(0, 'utf8'));
const out = cases.map(([key, message]) => {
  const publicKey = derivePublicKey(key);
  const signature = signMessage(key, BigInt(message));
  if (!verifySignature(BigInt(message), signature, publicKey)) throw new Error('zk-kit refused its own signature');
  return { public_key: publicKey.map(String), packed: String(packPublicKey(publicKey)), r8: signature.R8.map(String), s: String(signature.S) };
});
process.stdout.write(JSON.stringify(out) + '\n');
