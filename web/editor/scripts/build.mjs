#!/usr/bin/env node
// Bundles the editor with esbuild and writes, into OUT:
//   editor.js             src/editor.js and the npm packages it imports (IIFE, minified)
//   editor.css            src/editor.css with ProseMirror's style sheets
//   editor-licenses.txt   name, version, licence and licence text of every bundled package
// Usage: node scripts/build.mjs --out DIR [--modules NODE_MODULES_DIR]
// --modules is where `npm ci` installed the packages (default: web/editor/node_modules); the
// CMake build (cmake/EditorBundle.cmake) installs them in the build folder instead.

import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleSetup, licensesOf } from '../../bundle.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { out, modules, esbuild, pkg } = bundleSetup('editor', root);
const tiptap = pkg.dependencies['@tiptap/core'];

mkdirSync(out, { recursive: true });
const tmp = join(out, `.editor-build-${process.pid}`);
mkdirSync(tmp, { recursive: true });

const banner = `/*! vanphong editor: TipTap ${tiptap} on ProseMirror (MIT), bundled by esbuild. Licences: /static/editor-licenses.txt */`;
const result = await esbuild.build({
  entryPoints: [join(root, 'src', 'editor.js')],
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2020'],
  charset: 'utf8',
  legalComments: 'none', // the licences go to editor-licenses.txt, whole
  banner: { js: banner, css: banner },
  outfile: join(tmp, 'editor.js'),
  nodePaths: [modules],
  metafile: true,
  logLevel: 'warning',
});
if (result.errors.length) process.exit(1); // esbuild.build also throws on errors

let licenses;
try {
  licenses = licensesOf(
    result.metafile,
    `Third-party software in /static/editor.js and /static/editor.css (vanphong's back-office editor).\n` +
      `Source and versions: web/editor/package-lock.json in the vanphong repository.`,
  );
} catch (e) {
  console.error(`editor: ${e.message}`);
  process.exit(1);
}
writeFileSync(join(tmp, 'editor-licenses.txt'), licenses.text);
// Replace the outputs only when all three are written (a failed build leaves the old ones).
for (const f of ['editor.js', 'editor.css', 'editor-licenses.txt']) {
  if (!existsSync(join(tmp, f))) {
    console.error(`editor: esbuild wrote no ${f}`);
    process.exit(1);
  }
  renameSync(join(tmp, f), join(out, f));
}
rmSync(tmp, { recursive: true, force: true });
console.log(`editor: ${licenses.count} packages bundled into ${out}/editor.{js,css}`);
