// An outside statement signer: computes the message of a statement (docs/design.md §12) with
// poseidon-lite's Poseidon of two inputs (circomlib's) and signs it with @zk-kit/eddsa-poseidon.
// Reads {key (UTF-8), holder (0x..), time, balances, debts, positions} on stdin; prints
// {message, r8 (packed), s} as decimal strings. Written from the specification alone: it shares
// no code with solvent.
'use strict';
const { readFileSync } = require('node:fs');
const { poseidon2 } = require('poseidon-lite');
const { signMessage, packPublicKey } = require('@zk-kit/eddsa-poseidon');

const P = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

// name(x) = len(x) 2^248 + x's bytes big-endian.
function name(text) {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length < 1 || bytes.length > 31) throw new Error(`${text}: 1 to 31 bytes`);
  return (BigInt(bytes.length) << 248n) + BigInt('0x' + bytes.toString('hex'));
}

// A decimal with at most 8 fractional digits, times 10^8, as a field element.
function amount(text) {
  const match = /^(-?)(\d+)(?:\.(\d{1,8}))?$/.exec(text);
  if (!match) throw new Error(`${text}: not a decimal with at most 8 fractional digits`);
  const scaled = BigInt(match[2]) * 10n ** 8n + BigInt((match[3] || '').padEnd(8, '0'));
  return match[1] === '-' ? (P - scaled) % P : scaled;
}

const input = JSON.parse(readFileSync(0, 'utf8'));
const kinds = ['balances', 'debts', 'positions'].map((kind) => {
  // Sorted by the id's bytes.
  const entries = Object.entries(input[kind] || {});
  return entries.sort(([a], [b]) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
});
let h = poseidon2([name('solvent/statement/v1'), BigInt(input.holder)]);
h = poseidon2([h, BigInt(input.time)]);
for (const entries of kinds) h = poseidon2([h, BigInt(entries.length)]);
for (const entries of kinds) {
  for (const [id, value] of entries) h = poseidon2([poseidon2([h, name(id)]), amount(value)]);
}
const signature = signMessage(input.key, h);
process.stdout.write(JSON.stringify({ message: String(h), r8: String(packPublicKey(signature.R8)), s: String(signature.S) }) + '\n');
