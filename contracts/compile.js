// Compiles Solidity standard-JSON input (stdin) with the pinned solcjs and writes the standard-JSON
// output to stdout. solcjs's own CLI truncates large outputs on a pipe (it exits before stdout
// drains); this writes synchronously.
'use strict';
const fs = require('fs');
const solc = require('solc');

const expected = require('./package.json').dependencies.solc;
if (!solc.version().startsWith(expected + '+')) {
  process.stderr.write(`solcjs is ${solc.version()}, expected ${expected}; run npm ci --prefix contracts\n`);
  process.exit(3);
}
const input = fs.readFileSync(0, 'utf8');
const output = solc.compile(input);
let offset = 0;
const bytes = Buffer.from(output, 'utf8');
while (offset < bytes.length) {
  offset += fs.writeSync(1, bytes, offset, bytes.length - offset);
}
