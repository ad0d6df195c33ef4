// What web/*/scripts/build.mjs share: their arguments, esbuild from the installed packages, and
// the licences of every npm package a bundle took files from (for the <bundle>-licenses.txt
// served beside it).
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve, sep } from 'node:path';

/// --out DIR and --modules NODE_MODULES_DIR (defaults: <root>/dist, <root>/node_modules), and
/// esbuild loaded from the latter; exits with a message naming `name` when it is not installed.
export function bundleSetup(name, root) {
  const args = process.argv.slice(2);
  const arg = (flag, fallback) => {
    const i = args.indexOf(flag);
    return i >= 0 && args[i + 1] ? resolve(args[i + 1]) : fallback;
  };
  const out = arg('--out', join(root, 'dist'));
  const modules = arg('--modules', join(root, 'node_modules'));
  if (!existsSync(join(modules, 'esbuild'))) {
    console.error(`${name}: esbuild is not installed in ${modules} (run npm ci in web/${name})`);
    process.exit(1);
  }
  const esbuild = createRequire(join(modules, 'noop.js'))('esbuild');
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  return { out, modules, esbuild, pkg };
}

/// Text naming each package (name@version, licence, home page) with its licence text, or throws
/// when a bundled package ships no licence file (check it before bundling it).
export function licensesOf(metafile, heading) {
  const packages = new Map();
  for (const output of Object.values(metafile.outputs)) {
    for (const input of Object.keys(output.inputs)) {
      const abs = resolve(input);
      const at = abs.lastIndexOf(`${sep}node_modules${sep}`);
      if (at < 0) continue;
      const rest = abs.slice(at + 14).split(sep);
      const name = rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
      const dir = join(abs.slice(0, at + 14), ...name.split('/'));
      if (!packages.has(name)) packages.set(name, dir);
    }
  }
  const sections = [];
  for (const [name, dir] of [...packages].sort(([a], [b]) => a.localeCompare(b))) {
    const meta = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const file = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
    if (!file) throw new Error(`${name} ships no licence file; check it before bundling it`);
    const text = readFileSync(join(dir, file), 'utf8').trim();
    sections.push(`${name}@${meta.version} (${meta.license})\n${meta.homepage || ''}\n\n${text}\n`);
  }
  return { count: packages.size, text: `${heading}\n\n${sections.join(`\n${'-'.repeat(72)}\n\n`)}` };
}
