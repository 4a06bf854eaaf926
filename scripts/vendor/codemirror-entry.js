// Entry point for scripts/vendor_js.sh: esbuild bundles it into docs/assets/codemirror/codemirror.min.js.
// Exports what the try-it cells' editor (docs/javascripts/tryit.js) uses: the basic setup (line numbers,
// history, bracket matching, search), Python highlighting and indentation, a highlight style of its own
// (the page's code colours), and the pieces to add a key.
export { basicSetup } from "codemirror";
export { EditorView, keymap } from "@codemirror/view";
export { EditorState, Prec } from "@codemirror/state";
export { HighlightStyle, syntaxHighlighting } from "@codemirror/language";
export { tags } from "@lezer/highlight";
export { python } from "@codemirror/lang-python";
