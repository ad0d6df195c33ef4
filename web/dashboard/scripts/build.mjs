#!/usr/bin/env node
// Bundles the Tasks dashboard's script with esbuild and writes, into OUT:
//   dashboard.js             src/dashboard.js and Chart.js (IIFE, minified)
//   dashboard-licenses.txt   name, version, licence and licence text of every bundled package
// Usage: node scripts/build.mjs --out DIR [--modules NODE_MODULES_DIR]
// The CMake build (cmake/Npm.cmake) installs the packages in the build folder and passes --modules.
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleSetup, licensesOf } from '../../bundle.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { out, modules, esbuild, pkg } = bundleSetup('dashboard', root);
mkdirSync(out, { recursive: true });
const tmp = join(out, `.dashboard-build-${process.pid}`);
mkdirSync(tmp, { recursive: true });
const result = await esbuild.build({
  entryPoints: [join(root, 'src', 'dashboard.js')],
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2020'],
  charset: 'utf8',
  legalComments: 'none',
  banner: { js: `/*! vanphong dashboard: Chart.js ${pkg.dependencies['chart.js']} (MIT), bundled by esbuild. Licences: /static/dashboard-licenses.txt */` },
  outfile: join(tmp, 'dashboard.js'),
  nodePaths: [modules],
  metafile: true,
  logLevel: 'warning',
});
let licenses;
try {
  licenses = licensesOf(
    result.metafile,
    `Third-party software in /static/dashboard.js (vanphong's Tasks dashboard).\n` +
      `Source and versions: web/dashboard/package-lock.json in the vanphong repository.`,
  );
} catch (e) {
  console.error(`dashboard: ${e.message}`);
  process.exit(1);
}
writeFileSync(join(tmp, 'dashboard-licenses.txt'), licenses.text);
for (const f of ['dashboard.js', 'dashboard-licenses.txt']) renameSync(join(tmp, f), join(out, f));
rmSync(tmp, { recursive: true, force: true });
console.log(`dashboard: ${licenses.count} packages bundled into ${out}/dashboard.js`);
