// Each build directory says how Node should load its .js files: dist/esm as ES modules,
// dist/cjs as CommonJS (the package itself is "type": "module").
import { writeFileSync } from "node:fs";

const root = new URL("../dist/", import.meta.url);
writeFileSync(new URL("esm/package.json", root), JSON.stringify({ type: "module" }) + "\n");
writeFileSync(new URL("cjs/package.json", root), JSON.stringify({ type: "commonjs" }) + "\n");
