// Before `npm pack` / `npm publish`: refuses to pack without the wasm module (build it with `npm
// run build`), copies the licence files in, and builds the CommonJS entry `index.cjs` from
// `index.js` with esbuild (npm). Usage: `node prepack.mjs` (npm runs it as `prepack`).
import { copyFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildSync } from "esbuild";

/** esbuild's options for the CommonJS entry: `import.meta.url` from `__filename`. */
export const COMMONJS = {
  format: "cjs",
  platform: "node",
  define: { "import.meta.url": "import_meta_url" },
  banner: { js: 'const import_meta_url = require("node:url").pathToFileURL(__filename).href;' },
  logLevel: "error",
};

const here = dirname(fileURLToPath(import.meta.url));
if (process.argv[1] === fileURLToPath(import.meta.url)) prepack();

function prepack() {
  if (!existsSync(join(here, "solvent_verifier.wasm"))) {
    console.error("solvent_verifier.wasm is missing: run `npm run build` first (needs Rust and the wasm32-unknown-unknown target)");
    process.exit(1);
  }
  for (const licence of ["LICENSE-MIT", "LICENSE-APACHE"]) {
    const source = join(here, "..", licence);
    if (existsSync(source)) copyFileSync(source, join(here, licence));
  }
  buildSync({ entryPoints: [join(here, "index.js")], outfile: join(here, "index.cjs"), ...COMMONJS });
}
