/** Compile app/styles/app.scss to public/assets/app.css (GOV.UK Frontend, unbranded). */
import { mkdirSync, writeFileSync } from "node:fs";
import * as sass from "sass";

const result = sass.compile("app/styles/app.scss", {
  style: "compressed",
  importers: [new sass.NodePackageImporter()],
  silenceDeprecations: ["import", "global-builtin", "mixed-decls"] as sass.DeprecationOrId[],
  quietDeps: true,
});
mkdirSync("public/assets", { recursive: true });
writeFileSync("public/assets/app.css", result.css);
console.log(`public/assets/app.css: ${result.css.length} bytes`);
