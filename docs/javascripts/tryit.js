// Try-it cells: a lesson's cell that the reader can edit and run in the browser, below the build's own
// output (which stays, so the two can be compared). The page builder marks each with
// <div class="pw-try" data-setup="…" data-code="…">: the lesson's setup cells and the cell's code (and
// data-files, the names of data files the setup reads, such as lesson 07's trained model, each a
// download link above). What the
// run prints streams into the output area; the pictures it draws (SVG, from policywerk.sketch) appear
// there in their place among the printed lines.
//
// Nothing heavy loads with the page: the editor (vendored CodeMirror 6) loads when the reader opens it,
// Python (Pyodide, in a module Web Worker: tryit-worker.js) on the first Run. One worker serves the
// page; Stop terminates it (any run, an endless loop included, ends at once) and the next Run starts a
// fresh one. Without the editor library a plain textarea does the same job.

import { markSolved } from "./progress.js";

const EDITOR = new URL("../assets/codemirror/codemirror.min.js", import.meta.url);
const WORKER = new URL("tryit-worker.js", import.meta.url);

let worker = null; // the page's Python, once a run has asked for it
let current = null; // the panel whose run is going on

function stopWorker() {
  worker?.terminate();
  worker = null;
  current?.finish("Stopped.", false);
  current = null;
}

function element(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

// The page's own code colours (Material's, for Pygments), so that the editor reads like the code blocks
// around it in the light and the dark scheme alike.
function pageColours(cm) {
  const t = cm.tags;
  const hl = (name) => `var(--md-code-hl-${name}-color)`;
  return cm.syntaxHighlighting(cm.HighlightStyle.define([
    { tag: [t.keyword, t.controlKeyword, t.definitionKeyword, t.moduleKeyword, t.operatorKeyword, t.self],
      color: hl("keyword") },
    { tag: [t.string, t.docString, t.special(t.string)], color: hl("string") }, // f-strings too
    { tag: t.escape, color: hl("special") },
    { tag: [t.number, t.bool, t.null], color: hl("number") },
    { tag: t.comment, color: hl("comment") },
    { tag: [t.function(t.variableName), t.function(t.propertyName)], color: hl("function") },
    { tag: t.className, color: hl("constant") },
    { tag: [t.operator, t.compareOperator, t.arithmeticOperator], color: hl("operator") },
    { tag: [t.punctuation, t.bracket, t.separator], color: hl("punctuation") },
  ]));
}

async function makeEditor(holder, code, onRun, label) {
  try {
    const cm = await import(EDITOR.href);
    const run = cm.Prec.highest(cm.keymap.of([{ key: "Mod-Enter", run: () => (onRun(), true) }]));
    const view = new cm.EditorView({
      doc: code,
      parent: holder,
      extensions: [cm.basicSetup, cm.python(), pageColours(cm), run,
        cm.EditorView.contentAttributes.of({ "aria-label": label })],
    });
    return {
      get code() { return view.state.doc.toString(); },
      set code(text) { view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } }); },
      focus: () => view.focus(),
    };
  } catch (error) {
    console.warn("try-it: the editor did not load; a plain text area stands in", error);
    const area = element("textarea", { className: "pw-try-plain", value: code, spellcheck: false });
    area.setAttribute("aria-label", label);
    area.rows = Math.min(30, code.split("\n").length + 1);
    area.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        onRun();
      }
    });
    holder.append(area);
    return {
      get code() { return area.value; },
      set code(text) { area.value = text; },
      focus: () => area.focus(),
    };
  }
}

// The two kinds of panel: a try-it cell (run the reader's version of the lesson's cell) and an exercise
// (check the reader's function with policywerk.exercises, in the same worker).
const KINDS = {
  try: { name: (n) => `try-it cell ${n}`, opener: "Edit and run this cell", action: "Run",
    compose: (panel, code) => code },
  exercise: { name: (n, root) => `exercise ${root.dataset.key}`, opener: "Write your answer here",
    action: "Check",
    compose: (panel, code) => "from policywerk.exercises import check_source\n"
      + `check_source(${JSON.stringify(panel.root.dataset.key)}, ${JSON.stringify(code)})\n` },
};

class Panel {
  constructor(root, number, kind = "try") {
    this.root = root;
    this.kind = KINDS[kind];
    this.setup = root.dataset.setup || "";
    this.original = root.dataset.code || "";
    this.editor = null;
    const label = this.kind.name(number, root);
    this.label = label;
    this.open = element("button", { type: "button", className: "md-button pw-try-open",
      textContent: this.kind.opener });
    this.open.setAttribute("aria-expanded", "false");
    this.open.addEventListener("click", () => this.show());
    this.body = element("div", { className: "pw-try-body", hidden: true });
    this.holder = element("div", { className: "pw-try-editor" });
    this.run = element("button", { type: "button", className: "md-button md-button--primary",
      textContent: this.kind.action });
    this.run.title = `${this.kind.action} (Ctrl+Enter, or ⌘+Enter)`;
    this.stop = element("button", { type: "button", className: "md-button", textContent: "Stop", disabled: true });
    this.reset = element("button", { type: "button", className: "md-button", textContent: "Reset" });
    this.reset.title = "Put back the code you started from";
    this.status = element("p", { className: "pw-try-status" });
    this.status.setAttribute("role", "status");
    this.output = element("div", { className: "pw-try-output", hidden: true });
    this.output.setAttribute("role", "region");
    this.output.setAttribute("aria-label", `Output of your run of ${label}`);
    this.run.addEventListener("click", () => this.start());
    this.stop.addEventListener("click", () => stopWorker());
    this.reset.addEventListener("click", () => {
      if (this.editor) this.editor.code = this.original;
      this.status.textContent = "The code you started from is back.";
    });
    const tools = element("div", { className: "pw-try-tools" }, this.run, this.stop, this.reset);
    tools.setAttribute("role", "toolbar");
    tools.setAttribute("aria-label", `${this.kind.action} ${label}`);
    const heading = root.dataset.key
      && document.getElementById(`exercise-${root.dataset.key.replace(/[._]/g, "-")}`);
    if (heading) this.open.setAttribute("aria-describedby", heading.id); // which exercise, for a screen reader
    this.body.append(this.holder, tools, this.status, this.output);
    root.replaceChildren(this.open, this.body);
  }

  async show() {
    const opening = this.body.hidden;
    this.body.hidden = !opening;
    this.open.setAttribute("aria-expanded", String(opening));
    this.open.textContent = opening ? "Close the editor" : this.kind.opener;
    if (opening && !this.editor) {
      this.editor = await makeEditor(this.holder, this.original, () => this.start(), `Code of ${this.label}`);
      this.editor.focus();
    }
  }

  write(text, kind) {
    this.output.hidden = false;
    let lines = this.output.lastElementChild;
    if (lines?.tagName !== "PRE") {
      // printed lines scroll in their own box, which the keyboard can reach
      lines = element("pre", { tabIndex: 0 });
      lines.setAttribute("aria-label", "Printed output");
      this.output.append(lines);
    }
    lines.append(kind === "stderr" ? element("span", { className: "pw-try-error" }, text + "\n") : text + "\n");
  }

  draw(svg, alt) {
    this.output.hidden = false;
    // as an image: the picture is shown, and any script in what the reader's code wrote never runs
    const src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
    this.output.append(element("figure", {}, element("img", { src, alt })));
  }

  start() {
    if (!this.editor) return;
    if (current) stopWorker(); // one run at a time on a page
    this.output.replaceChildren();
    this.output.hidden = true;
    this.run.disabled = true;
    this.stop.disabled = false;
    current = this;
    if (!worker) {
      worker = new Worker(WORKER, { type: "module" });
      worker.onmessage = ({ data }) => current?.receive(data);
      worker.onerror = (event) => {
        event.preventDefault();
        current?.finish(`Python could not start: ${event.message || "the worker failed to load"}.`, false);
        worker?.terminate();
        worker = null;
      };
    }
    // each data file is offered for download above the cell: its link has the file's address
    const files = (this.root.dataset.files || "").split(" ").filter(Boolean)
      .map((name) => document.querySelector(`a[download="${CSS.escape(name)}"]`)?.href
        ?? new URL(name, document.baseURI).href);
    worker.postMessage({ kind: "run", setup: this.setup, code: this.kind.compose(this, this.editor.code), files,
      exercise: Boolean(this.root.dataset.key),
      quick: this.root.dataset.setting === "quick" });
  }

  receive(data) {
    if (data.kind === "status") this.status.textContent = data.text;
    else if (data.kind === "stdout" || data.kind === "stderr") this.write(data.text, data.kind);
    else if (data.kind === "picture") this.draw(data.svg, data.alt);
    else if (data.kind === "done") {
      const took = `${data.seconds.toFixed(1)} s`;
      if (this.root.dataset.key) this.verdict(data.verdict);
      else this.finish(data.ok ? `Finished in ${took}.` : `Stopped by an error after ${took}: see the traceback below.`,
        data.ok);
    } else if (data.kind === "failed") this.finish(data.text, false);
  }

  // An exercise's check: the checker's own verdict, not what the reader's code may have printed.
  verdict(said) {
    const right = said === "right";
    this.finish(right ? "Right: solved. The library's own answer is below yours."
      : said === "wrong" ? "Not yet: see the case it fails below."
        : "Your code did not run: see the message below.", right);
    if (right) markSolved(this.root.dataset.key);
  }

  finish(message, ok) {
    this.status.textContent = message;
    this.root.dataset.state = ok ? "done" : "failed";
    this.run.disabled = false;
    this.stop.disabled = true;
    if (current === this) current = null;
  }
}

document$.subscribe(() => {
  if (current && !current.root.isConnected) stopWorker(); // left the page while a run went on
  let number = 0;
  for (const root of document.querySelectorAll(".pw-try:not([data-ready])")) {
    root.dataset.ready = "";
    new Panel(root, ++number);
  }
  for (const root of document.querySelectorAll(".pw-exercise:not([data-ready])")) {
    root.dataset.ready = "";
    new Panel(root, 0, "exercise");
  }
});
