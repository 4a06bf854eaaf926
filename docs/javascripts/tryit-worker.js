// The try-it cells' worker: CPython (Pyodide, compiled to WebAssembly) in a module Web Worker, so that
// the page never freezes and Stop can end any run by terminating it. Everything comes from the site's
// own folder: the runtime from assets/pyodide/ and the library from the archive the build makes there,
// policywerk.zip (the library without viz/ and literate/). The runtime loads on the first run and stays
// for the next ones; each run gets a fresh namespace (src/policywerk/tryit.py).
//
// Messages in:  {kind: "run", setup, code, quick, files, exercise} (quick: the page was built in the tests'
//               setting; files: the addresses of data files the setup reads, such as a trained model,
//               fetched once into policywerk-out/ where the build had them)
// Messages out: {kind: "status", text} while loading, {kind: "stdout" | "stderr", text} a line at a
//               time, {kind: "picture", svg, alt} for each picture the code draws (policywerk.sketch),
//               then {kind: "done", ok, seconds, verdict} (verdict: an exercise's, see exercises/__init__.py)
//               or {kind: "failed", text} if the runtime broke.

const ASSETS = new URL("../assets/pyodide/", import.meta.url);
let runtime = null; // a promise of {pyodide, tryit}, once the runtime has been asked for
const fetched = new Set(); // the data files already in policywerk-out/

async function load() {
  const started = performance.now();
  postMessage({ kind: "status", text: "Loading Python (about 6 MB, once per visit)…" });
  const { loadPyodide } = await import(new URL("pyodide.mjs", ASSETS).href);
  // packageBaseUrl: packages from this folder too, never from Pyodide's default CDN (none is loaded)
  const pyodide = await loadPyodide({ indexURL: ASSETS.href, packageBaseUrl: ASSETS.href });
  pyodide.setStdout({ batched: (text) => postMessage({ kind: "stdout", text }) });
  pyodide.setStderr({ batched: (text) => postMessage({ kind: "stderr", text }) });
  const archive = await fetch(new URL("policywerk.zip", ASSETS));
  if (!archive.ok) throw new Error(`the library's archive is missing (${archive.status} ${archive.url})`);
  pyodide.unpackArchive(await archive.arrayBuffer(), "zip", { extractDir: "/home/pyodide/lib" });
  pyodide.runPython("import sys; sys.path.insert(0, '/home/pyodide/lib')");
  const tryit = pyodide.pyimport("policywerk.tryit");
  tryit.use_viz_stand_ins();
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  postMessage({ kind: "status", text: `Python ready in ${seconds} s.` });
  return { pyodide, tryit };
}

// The data files a setup reads, into policywerk-out/ (where the build wrote them), each fetched once.
async function fetchData(pyodide, files) {
  const folder = `${pyodide.FS.cwd()}/policywerk-out`;
  pyodide.FS.mkdirTree(folder);
  for (const address of files.filter((f) => !fetched.has(f))) {
    postMessage({ kind: "status", text: "Fetching the lesson's data…" });
    const url = new URL(address);
    const response = await fetch(url);
    if (!response.ok) throw new Error(`a file the lesson needs is missing (${response.status} ${address})`);
    const name = url.pathname.split("/").pop();
    pyodide.FS.writeFile(`${folder}/${name}`, new Uint8Array(await response.arrayBuffer()));
    fetched.add(address);
  }
}

const picture = (svg, alt) => postMessage({ kind: "picture", svg, alt });

onmessage = async ({ data }) => {
  if (data.kind !== "run") return;
  let python;
  try {
    runtime ??= load();
    python = await runtime;
  } catch (error) {
    runtime = null;
    postMessage({ kind: "failed", text: `Python could not start: ${error?.message ?? error}.` });
    return;
  }
  try {
    await fetchData(python.pyodide, data.files || []);
    postMessage({ kind: "status", text: "Running…" });
    const started = performance.now();
    const ok = python.tryit.run(data.setup, data.code, Boolean(data.quick), picture);
    // an exercise's check: the verdict check_source recorded ("right", "wrong" or "error")
    const verdict = data.exercise
      ? python.pyodide.runPython("__import__('policywerk.exercises').exercises.LAST") : undefined;
    postMessage({ kind: "done", ok, verdict, seconds: (performance.now() - started) / 1000 });
  } catch (error) {
    postMessage({ kind: "failed", text: `The run could not start: ${error?.message ?? error}.` });
  }
};
