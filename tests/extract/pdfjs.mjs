// Prints the text of every page of a PDF as pdf.js (Firefox's PDF engine)
// extracts it, pages separated by form feeds, as pdftotext does. A test
// helper: tests/extract.rs runs it with NODE_PATH at pdfjs-dist's folder.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const pdfjs = await import(require.resolve("pdfjs-dist/legacy/build/pdf.mjs"));
const data = new Uint8Array(readFileSync(process.argv[2]));
const doc = await pdfjs.getDocument({ data, verbosity: 0 }).promise;
let out = "";
for (let n = 1; n <= doc.numPages; n++) {
  const page = await doc.getPage(n);
  const content = await page.getTextContent();
  for (const item of content.items) {
    out += item.str + (item.hasEOL ? "\n" : "");
  }
  out += "\f";
}
process.stdout.write(out);
