// Builds the vendored modeler bundle once: `npm ci && npm run build` in tools/modeler/.
// Output (committed, served by the app): api/static/vendor/bpmn/
//   kim-bpmn-modeler.js   bpmn-js + properties panel + Camunda moddle, minified (window.KimBpmn)
//   kim-bpmn-modeler.css  their styles
//   bpmn.woff2            the BPMN icon font
//   THIRD-PARTY-LICENSES.txt  name, version and license text of every package in the bundle
import * as esbuild from 'esbuild';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(here, '../../api/static/vendor/bpmn');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

// The properties panel builds its container from markup with an inline style attribute, which the
// pages' CSP (style-src 'self') blocks; api/static/modeler.css sets the same height instead.
const PATCHES = [{
  file: /bpmn-js-properties-panel[\\/]dist[\\/]index\.esm\.js$/,
  from: '<div style="height: 100%" tabindex="-1" class="bio-properties-panel-container"',
  to: '<div tabindex="-1" class="bio-properties-panel-container"'
}];

const patchPlugin = {
  name: 'csp-patches',
  setup(build) {
    for (const patch of PATCHES) {
      build.onLoad({ filter: patch.file }, (args) => {
        const source = readFileSync(args.path, 'utf8');
        if (!source.includes(patch.from)) {
          throw new Error(`patch target not found in ${args.path}: ${patch.from}`);
        }
        return { contents: source.split(patch.from).join(patch.to), loader: 'js' };
      });
    }
  }
};

const common = {
  bundle: true,
  minify: true,
  legalComments: 'none', // collected into THIRD-PARTY-LICENSES.txt instead
  metafile: true,
  logLevel: 'info',
  absWorkingDir: here
};

const js = await esbuild.build({
  ...common,
  entryPoints: ['index.js'],
  outfile: join(out, 'kim-bpmn-modeler.js'),
  format: 'iife',
  plugins: [patchPlugin],
  target: ['es2020'],
  // Deterministic output: no absolute paths or timestamps end up in the bundle.
  define: { 'process.env.NODE_ENV': '"production"' }
});

const css = await esbuild.build({
  ...common,
  entryPoints: ['index.css'],
  outfile: join(out, 'kim-bpmn-modeler.css'),
  loader: { '.woff2': 'file' },
  assetNames: '[name]'
});

// Every package that contributed a file, with its license text.
const packages = new Map();
for (const input of [...Object.keys(js.metafile.inputs), ...Object.keys(css.metafile.inputs)]) {
  const match = input.match(/^node_modules\/((?:@[^/]+\/)?[^/]+)\//);
  if (match) packages.set(match[1], true);
}
const sections = [];
for (const name of [...packages.keys()].sort()) {
  const dir = join(here, 'node_modules', name);
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const file = readdirSync(dir).find((f) => /^(licen[sc]e|copying)/i.test(f));
  const text = file && statSync(join(dir, file)).isFile()
    ? readFileSync(join(dir, file), 'utf8').trim()
    : `License: ${pkg.license} (no license file in the package)`;
  sections.push(`${name}@${pkg.version} (${pkg.license})\n${'='.repeat(72)}\n${text}\n`);
}
writeFileSync(join(out, 'THIRD-PARTY-LICENSES.txt'),
  'Third-party software in kim-bpmn-modeler.js / kim-bpmn-modeler.css (built by tools/modeler/build.mjs).\n\n'
  + sections.join('\n'));

for (const f of readdirSync(out)) {
  console.log(`${f}\t${(statSync(join(out, f)).size / 1024).toFixed(1)} KiB`);
}
