// Real CPython compiled to WebAssembly (Pyodide), driven from Python over stdin/stdout.
//
//   node pyodide.mjs PACKAGE_DIR worker WORKER_PY
//       Loads the interpreter once and serves differential programs: one JSON request per input
//       line, one JSON reply per output line (the protocol of worker.py, whose `serve` does the work).
//   node pyodide.mjs PACKAGE_DIR scripts
//       Runs scenario programs: each input line is {"name", "source"}; each runs as __main__ in an
//       interpreter of its own (a fresh loadPyodide, as a fresh `python3 script.py` natively) and is
//       answered by {"name", "stdout", "stderr", "rc"}.
//
// The interpreter's own stdout goes to our stderr, so that nothing it prints can break the protocol.

import { createInterface } from "node:readline";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [packageDir, mode, workerPath] = process.argv.slice(2);
const { loadPyodide } = await import(pathToFileURL(join(packageDir, "pyodide.mjs")).href);
const ENV = { PYTHONHASHSEED: "0" }; // as the native interpreters are run

async function load(stdout, stderr) {
  return loadPyodide({ env: ENV, stdout, stderr });
}

function reply(obj) {
  process.stdout.write(JSON.stringify(obj) + "\n");
}

const toStderr = (s) => process.stderr.write(s + "\n");

if (mode === "worker") {
  const py = await load(toStderr, toStderr);
  const ns = py.globals.get("dict")();
  ns.set("__name__", "gcsh_worker"); // not __main__: worker.py's own stdin loop must not start
  py.runPython(readFileSync(workerPath, "utf8"), { globals: ns, filename: workerPath });
  const serve = ns.get("serve");
  py.runPython("import gc; gc.disable()");
  for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
    if (line.trim()) process.stdout.write(serve(line) + "\n");
  }
} else if (mode === "scripts") {
  for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
    if (!line.trim()) continue;
    const { name, source } = JSON.parse(line);
    let stdout = "", stderr = "";
    const py = await load((s) => { stdout += s + "\n"; }, (s) => { stderr += s + "\n"; });
    let rc = 0;
    try {
      py.runPython(source, { filename: name });
    } catch (err) {
      const exit = /SystemExit: (\d+)/.exec(String(err.message));
      rc = exit ? Number(exit[1]) : 1;
      if (!exit) stderr += String(err.message).trimEnd() + "\n";
    }
    reply({ name, stdout, stderr, rc });
  }
} else {
  process.stderr.write(`usage: node pyodide.mjs PACKAGE_DIR (worker WORKER_PY | scripts)\n`);
  process.exit(2);
}
