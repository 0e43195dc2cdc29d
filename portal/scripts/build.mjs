// SPDX-License-Identifier: Apache-2.0
// Bundles the applicant and officer pages with esbuild into --outdir (default dist/):
// index.html and officer.html (no inline script) and assets/<name>-<hash>.{js,css}.
import * as esbuild from 'esbuild';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { gzipSync, constants } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const at = process.argv.indexOf('--outdir');
const outdir = path.resolve(at > 0 ? process.argv[at + 1] : path.join(root, 'dist'));

await rm(outdir, { recursive: true, force: true });
await mkdir(path.join(outdir, 'assets'), { recursive: true });
const result = await esbuild.build({
  entryPoints: {
    app: path.join(root, 'src/app/main.ts'),
    officer: path.join(root, 'src/officer/main.ts'),
    styles: path.join(root, 'src/styles.css'),
  },
  bundle: true,
  format: 'esm',
  // The certificate code (PKI.js and the key files) is a chunk of its own, loaded by the
  // pages that issue or manage certificates, so the start of the journey stays small.
  splitting: true,
  chunkNames: 'chunk-[hash]',
  target: ['es2020'],
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  entryNames: '[name]-[hash]',
  outdir: path.join(outdir, 'assets'),
  metafile: true,
  logLevel: 'warning',
});

// The output file of each entry point, as a URL under /portal/.
const outputs = {};
for (const [file, meta] of Object.entries(result.metafile.outputs)) {
  if (!meta.entryPoint) continue;
  const name = path.basename(meta.entryPoint).replace(/\.(ts|css)$/, '');
  const entry = meta.entryPoint.includes('/officer/') ? 'officer' : name === 'main' ? 'app' : name;
  outputs[entry] = '/portal/assets/' + path.basename(file);
}
for (const [page, script] of [['index.html', 'app'], ['officer.html', 'officer']]) {
  const template = await readFile(path.join(root, 'src', page), 'utf8');
  const html = template.replaceAll('{{script}}', outputs[script]).replaceAll('{{styles}}', outputs.styles);
  await writeFile(path.join(outdir, page), html);
}
// The icon, as it is (its name has no hash: served with no-cache).
await writeFile(path.join(outdir, 'assets', 'favicon.svg'), await readFile(path.join(root, 'src', 'favicon.svg')));

// A gzip copy beside each page, script and style sheet: dojangd sends it to browsers that
// take gzip (the certificate code is about a fifth of its size compressed).
let plain = 0;
let packed = 0;
for (const file of [...['index.html', 'officer.html'], ...(await readdir(path.join(outdir, 'assets'))).map((name) => path.join('assets', name))]) {
  if (!/\.(html|js|css)$/.test(file)) continue;
  const content = await readFile(path.join(outdir, file));
  const gz = gzipSync(content, { level: constants.Z_BEST_COMPRESSION });
  await writeFile(path.join(outdir, `${file}.gz`), gz);
  plain += content.length;
  packed += gz.length;
}
console.log(`portal: ${Object.values(outputs).join(' ')} → ${outdir} (${plain} bytes, ${packed} gzip)`);
