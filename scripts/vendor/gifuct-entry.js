// Entry point for scripts/vendor_js.sh: esbuild bundles it into docs/assets/gifuct/gifuct.min.js.
// Only the two functions the animation player's fallback GIF decoder uses are exported.
export { parseGIF, decompressFrames } from "gifuct-js";
