// The animation player: every lesson animation can be paused, stepped and scrubbed, says in words which
// frame it shows, and on a narrow column shows one pane at a time at a size whose text can be read.
//
// It reads what the run wrote: the GIF the page already shows (decoded here, by WebCodecs' ImageDecoder
// where the browser has it, else by the vendored gifuct-js) and its sidecar, name.json (see
// src/policywerk/viz/frames.py): each frame's label and numbers, which GIF image shows it, how long it
// shows, and each pane's rectangle. Without JavaScript the page keeps the plain GIF. Nothing here knows
// any lesson: a page opts in with <img class="pw-animation" data-pw-frames="name.json">.

const LEGIBLE_PX = 9; // the smallest text the player lets a single pane show, in CSS pixels
const WHOLE_PX = 8; // the whole frame, as on the poster, down to this: a laptop's column keeps all three panes
const SPEEDS = [0.25, 0.5, 1, 2, 4];
const PANES = { environment: "Environment", internals: "Algorithm internals", trace: "Training trace" };
const CHECKPOINT_EVERY = 16; // the fallback decoder keeps every 16th whole frame, to jump without replaying all
const ICONS = {
  first: "M5 5h2v14H5zM13 5v14l-6-7zM20 5v14l-7-7z",
  previous: "M15 5v14l-8-7zM17 5h2v14h-2z",
  play: "M8 5v14l11-7z",
  pause: "M6 5h4v14H6zM14 5h4v14h-4z",
  next: "M9 5v14l8-7zM5 5h2v14H5z",
  last: "M11 5v14l6-7zM4 5v14l7-7zM17 5h2v14h-2z",
  actual: "M4 4h6v2H6v4H4zM20 4v6h-2V6h-4V4zM4 20v-6h2v4h4v2zM20 20h-6v-2h4v-4h2z",
};
const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");
const players = new Map(); // the animation's id -> its player, on the page shown now

// ---- decoding: frame k of the GIF, composited, as something drawImage takes -------------------------

async function webCodecsFrames(bytes) {
  const decoder = new ImageDecoder({ data: bytes, type: "image/gif" });
  await Promise.all([decoder.tracks.ready, decoder.completed]);
  return {
    count: decoder.tracks.selectedTrack.frameCount,
    async draw(k, context) {
      const { image } = await decoder.decode({ frameIndex: k });
      context.drawImage(image, 0, 0);
      image.close();
    },
    close: () => decoder.close(),
  };
}

async function gifuctFrames(bytes) {
  const { parseGIF, decompressFrames } = await import(new URL("../assets/gifuct/gifuct.min.js", import.meta.url));
  const gif = parseGIF(bytes);
  const patches = decompressFrames(gif, true); // each image's rectangle as RGBA, transparent where unchanged
  const { width, height } = gif.lsd;
  const copy = (image) => new ImageData(new Uint8ClampedArray(image.data), width, height);
  const checkpoints = new Map(); // frame index -> the whole picture after it
  let picture = new ImageData(width, height);
  let at = -1; // the frame `picture` shows

  function apply(k) { // frame k's rectangle over the picture
    const { dims, patch } = patches[k];
    const pixels = picture.data;
    for (let y = 0; y < dims.height; y++) {
      for (let x = 0; x < dims.width; x++) {
        const from = 4 * (y * dims.width + x);
        if (patch[from + 3] === 0) continue; // the pixel below shows through
        const to = 4 * ((dims.top + y) * width + dims.left + x);
        pixels.set(patch.subarray(from, from + 3), to);
        pixels[to + 3] = 255;
      }
    }
    if (k % CHECKPOINT_EVERY === 0) checkpoints.set(k, copy(picture));
  }

  function dispose(k) { // disposal 2 clears frame k's rectangle before the next frame; 0 and 1 keep it
    const { dims, disposalType } = patches[k];
    if (disposalType !== 2) return;
    for (let y = dims.top; y < dims.top + dims.height; y++) {
      picture.data.fill(0, 4 * (y * width + dims.left), 4 * (y * width + dims.left + dims.width));
    }
  }

  return {
    count: patches.length,
    async draw(k, context) {
      if (k < at) { // back to the nearest whole picture at or before k
        const base = Math.floor(k / CHECKPOINT_EVERY) * CHECKPOINT_EVERY;
        [picture, at] = [copy(checkpoints.get(base)), base];
      }
      for (; at < k; at++) {
        if (at >= 0) dispose(at);
        apply(at + 1);
      }
      context.putImageData(picture, 0, 0);
    },
    close() {},
  };
}

// The GIF's bytes: the copy the page's <img> already loaded, where it did, so that the page fetches the
// animation once. A cached copy that does not match the sidecar (a site rebuilt since) is fetched anew.
async function openGif(url, img, images) {
  const shown = img.getClientRects().length > 0; // under reduced motion, without the player, the CSS hides it
  if (shown && !img.complete) {
    img.loading = "eager"; // a lazy image not yet begun begins now
    await new Promise((done) => {
      img.addEventListener("load", done, { once: true });
      img.addEventListener("error", done, { once: true });
    });
  }
  for (const cache of ["force-cache", "reload"]) {
    const response = await fetch(url, { cache });
    if (!response.ok) throw new Error(`${url}: ${response.status}`);
    const bytes = await response.arrayBuffer();
    const webCodecs = "ImageDecoder" in window && (await ImageDecoder.isTypeSupported("image/gif"));
    const frames = await (webCodecs ? webCodecsFrames(bytes) : gifuctFrames(bytes));
    if (frames.count === images) return frames;
    frames.close();
  }
  throw new Error(`${url} does not have the ${images} images its sidecar describes`);
}

// ---- the player --------------------------------------------------------------------------------------

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

function iconButton(name, label) {
  const button = element("button", { type: "button", class: `pw-player__button pw-player__${name}`, title: label });
  button.setAttribute("aria-label", label);
  button.innerHTML = `<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="${ICONS[name]}"/></svg>`;
  return button;
}

function choice(label, className, options) { // a <select> under a visible label, named by it alone
  const select = element("select", { class: className, "aria-label": label },
    ...options.map(([value, text]) => element("option", { value }, text)));
  const visible = element("span", { "aria-hidden": "true" }, label);
  return [select, element("label", { class: "pw-player__choice" }, visible, select)];
}

let hints = 0; // for unique ids of the players' keyboard hints

class Player {
  constructor(img, sidecar, frames, started) {
    this.img = img;
    this.data = sidecar;
    this.frames = frames;
    this.index = -1;
    this.playing = false;
    this.speed = 1;
    this.view = "auto"; // "auto", "whole" or a pane's name
    this.actualSize = false;
    this.visible = true;
    this.shown = -1; // the GIF image in this.full
    this.full = element("canvas", { width: sidecar.width, height: sidecar.height });
    this.fullContext = this.full.getContext("2d");
    this.build();
    this.started = started;
  }

  build() {
    const { img, data } = this;
    const count = data.frames.length;
    this.canvas = element("canvas", { class: "pw-player__canvas", role: "img", "aria-label": img.alt });
    this.stage = element("div", { class: "pw-player__stage" }, this.canvas);
    this.buttons = {
      first: iconButton("first", "First frame"),
      previous: iconButton("previous", "Previous frame"),
      play: iconButton("play", "Play"),
      next: iconButton("next", "Next frame"),
      last: iconButton("last", "Last frame"),
    };
    this.slider = element("input", { type: "range", min: "0", max: String(count - 1), step: "1", value: "0",
      class: "pw-player__slider", "aria-label": "Frame" });
    this.count = element("span", { class: "pw-player__count", "aria-hidden": "true" });
    let speedLabel, paneLabel;
    [this.speedChoice, speedLabel] = choice("Speed", "pw-player__speed", SPEEDS.map((s) => [String(s), `${s}×`]));
    this.speedChoice.value = "1";
    const panes = Object.entries(PANES).filter(([name]) => data.panes[name]);
    const views = [["auto", "Best fit"], ["whole", "Whole frame"], ...panes];
    [this.paneChoice, paneLabel] = choice("Show", "pw-player__pane", views);
    this.actual = iconButton("actual", "Actual size");
    this.actual.setAttribute("aria-pressed", "false");
    this.label = element("p", { class: "pw-player__label", "aria-live": "polite", "aria-atomic": "true" });
    const controls = element("div", { class: "pw-player__controls" },
      element("div", { class: "pw-player__transport" }, ...Object.values(this.buttons)),
      element("div", { class: "pw-player__scrub" }, this.slider, this.count),
      element("div", { class: "pw-player__options" }, speedLabel, paneLabel, this.actual));
    const hint = element("span", { class: "pw-player__hint", id: `pw-player-hint-${++hints}` },
      "Space plays or pauses, the arrow keys step one frame, Home and End go to the first and the last.");
    this.root = element("figure", { class: "pw-player", role: "group", tabindex: "0",
      "aria-label": `Animation player: ${img.alt.split(/[:.]/)[0]}`, "aria-describedby": hint.id },
    this.stage, this.label, controls, hint);
    this.root.id = img.id; // what a trace table's rows link to
    img.removeAttribute("id");

    this.buttons.first.addEventListener("click", () => this.go(0));
    this.buttons.previous.addEventListener("click", () => this.step(-1));
    this.buttons.play.addEventListener("click", () => this.toggle());
    this.buttons.next.addEventListener("click", () => this.step(1));
    this.buttons.last.addEventListener("click", () => this.go(count - 1));
    this.slider.addEventListener("input", () => this.go(Number(this.slider.value)));
    this.speedChoice.addEventListener("change", () => {
      this.speed = Number(this.speedChoice.value);
      this.schedule();
    });
    this.paneChoice.addEventListener("change", () => { this.view = this.paneChoice.value; this.layout(); });
    this.actual.addEventListener("click", () => {
      this.actualSize = !this.actualSize;
      this.actual.setAttribute("aria-pressed", String(this.actualSize));
      this.layout();
    });
    this.root.addEventListener("keydown", (event) => this.key(event));
    this.resize = new ResizeObserver(() => this.root.clientWidth !== this.column && this.layout());
    this.watch = new IntersectionObserver(([entry]) => { this.visible = entry.isIntersecting; this.schedule(); });
    this.onVisibility = () => this.schedule();
    document.addEventListener("visibilitychange", this.onVisibility);
  }

  async mount() {
    const { img, data } = this;
    this.setButton();
    await this.go(reducedMotion.matches ? data.poster : 0); // decoded before the player takes the GIF's place
    const paragraph = img.closest("p") || img;
    paragraph.after(this.root);
    paragraph.hidden = true;
    this.layout();
    const poster = this.root.nextElementSibling?.querySelector("a.pw-poster-link");
    if (poster) poster.closest("p").hidden = true; // the player pauses on the poster itself under reduced motion
    this.root.dataset.pwFirstFrameAt = String(Math.round(performance.now())); // ms after the page began to load
    this.root.dataset.pwStartMs = String(Math.round(performance.now() - this.started)); // of which the player's own
    this.resize.observe(this.root);
    this.watch.observe(this.root);
    if (!reducedMotion.matches) this.play();
  }

  // what to show, and how large: the whole frame where its text stays legible at the column's width, else
  // one pane at the column's width; never so small that the smallest text falls under LEGIBLE_PX (the
  // stage scrolls sideways instead), and at its own pixels when the reader asks for the actual size
  layout() {
    const { data } = this;
    const column = this.root.clientWidth;
    this.column = column;
    if (!column) return;
    const least = LEGIBLE_PX / data.smallest_text_px; // the smallest scale at which the text stays legible
    let view = this.view;
    if (view === "auto") {
      view = (column / data.width) * data.smallest_text_px >= WHOLE_PX || this.actualSize ? "whole" : "environment";
    }
    const [x, y, w, h] = view === "whole" ? [0, 0, data.width, data.height] : data.panes[view];
    this.rect = [x, y, w, h];
    this.canvas.width = w;
    this.canvas.height = h;
    const fit = Math.min(column, view === "whole" ? w : 2 * w); // a whole frame is never enlarged, a pane at most 2x
    const needed = view === "whole" && this.view === "auto" ? WHOLE_PX / data.smallest_text_px : least;
    const shown = this.actualSize ? w : Math.max(fit, Math.ceil(w * needed));
    this.canvas.style.width = `${shown}px`;
    const scrolls = shown > column + 0.5;
    this.stage.classList.toggle("pw-player__stage--scrolls", scrolls);
    if (scrolls) { // a region a keyboard can reach and scroll, with a name
      this.stage.setAttribute("tabindex", "0");
      this.stage.setAttribute("role", "region");
      this.stage.setAttribute("aria-label", "The frame at a legible size: scroll sideways to see all of it");
    } else {
      for (const name of ["tabindex", "role", "aria-label"]) this.stage.removeAttribute(name);
    }
    this.root.dataset.pwView = view;
    const fitted = view === "whole" ? "whole frame" : PANES[view].toLowerCase();
    this.paneChoice.options[0].textContent = `Best fit (${fitted})`;
    this.root.dataset.pwTextPx = ((data.smallest_text_px * shown) / w).toFixed(2);
    this.paint();
  }

  paint() {
    if (!this.rect) return;
    const [x, y, w, h] = this.rect;
    const context = this.canvas.getContext("2d");
    context.drawImage(this.full, x, y, w, h, 0, 0, w, h);
  }

  // show frame `index`: decode its GIF image (one decode at a time; a scrub that outruns the decoder
  // gets the frame it ended on), then draw it and say which it is
  async go(index) {
    this.index = Math.max(0, Math.min(this.data.frames.length - 1, index));
    this.wanted = this.data.frames[this.index].gif;
    if (this.decoding) return; // the decode under way shows the latest frame asked for when it is done
    this.decoding = true;
    try {
      while (this.wanted !== this.shown) {
        const k = this.wanted;
        await this.frames.draw(k, this.fullContext);
        this.shown = k;
      }
    } finally {
      this.decoding = false;
    }
    this.showing();
  }

  showing() {
    const { data, index } = this;
    const frame = data.frames[index];
    this.paint();
    this.slider.value = String(index);
    this.slider.setAttribute("aria-valuetext", frame.text);
    this.count.textContent = `${index + 1} / ${data.frames.length}`;
    this.label.textContent = frame.text;
    this.root.dataset.pwFrame = String(index);
    this.schedule();
  }

  step(by) {
    this.pause();
    return this.go(this.index + by);
  }

  play() {
    if (this.index >= this.data.frames.length - 1) this.index = -1; // from the start again, as the GIF loops
    this.playing = true;
    this.label.setAttribute("aria-live", "off"); // no reading out every frame while it plays
    this.setButton();
    if (this.index < 0) this.go(0);
    else this.schedule();
  }

  pause() {
    this.playing = false;
    this.label.setAttribute("aria-live", "polite");
    this.setButton();
    this.schedule();
  }

  toggle() {
    if (this.playing) this.pause();
    else this.play();
  }

  setButton() {
    const label = this.playing ? "Pause" : "Play";
    this.buttons.play.setAttribute("aria-label", label);
    this.buttons.play.title = label;
    this.buttons.play.querySelector("path").setAttribute("d", ICONS[this.playing ? "pause" : "play"]);
    this.root.dataset.pwPlaying = String(this.playing);
  }

  schedule() {
    clearTimeout(this.timer);
    if (!this.playing || !this.visible || document.hidden || this.index < 0) return;
    const ms = this.data.frames[this.index].ms / this.speed;
    this.timer = setTimeout(() => this.go((this.index + 1) % this.data.frames.length), ms);
  }

  key(event) {
    const target = event.target;
    if (target.matches("input, select, textarea")) return; // the slider and the choices keep their own keys
    const onButton = target.matches("button");
    const last = this.data.frames.length - 1;
    const actions = {
      " ": () => this.toggle(),
      ArrowLeft: () => this.step(-1),
      ArrowRight: () => this.step(1),
      Home: () => { this.pause(); this.go(0); },
      End: () => { this.pause(); this.go(last); },
    };
    if (!(event.key in actions) || (onButton && event.key === " ")) return; // a button's own Space presses it
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    event.preventDefault();
    actions[event.key]();
  }

  // a trace table's row: show its frame, paused, and bring the player into view
  async show(index) {
    this.pause();
    await this.go(index);
    this.root.scrollIntoView({ block: "center", behavior: reducedMotion.matches ? "auto" : "smooth" });
    this.root.focus({ preventScroll: true });
  }

  destroy() {
    clearTimeout(this.timer);
    this.resize.disconnect();
    this.watch.disconnect();
    document.removeEventListener("visibilitychange", this.onVisibility);
    this.frames.close();
  }
}

async function start(img) {
  const started = performance.now();
  const sidecarUrl = new URL(img.dataset.pwFrames, img.currentSrc || img.src);
  const response = await fetch(sidecarUrl);
  if (!response.ok) throw new Error(`${sidecarUrl}: ${response.status}`);
  const sidecar = await response.json();
  const images = sidecar.frames[sidecar.frames.length - 1].gif + 1;
  const frames = await openGif(new URL(sidecar.gif, sidecarUrl), img, images);
  const player = new Player(img, sidecar, frames, started);
  await player.mount();
  return player;
}

// Start each player when its animation comes near the screen (the GIF itself loads lazily too), or at
// once when a trace table's link asks for it.
const pending = new Map(); // the animation's id -> the promise of its player
function load(img) {
  if (!pending.has(img.id)) {
    const id = img.id;
    const promise = start(img).then((player) => { players.set(id, player); return player; });
    promise.catch((error) => { // the plain GIF stays, and the element says why
      img.dataset.pwPlayer = "failed";
      img.dataset.pwError = String(error);
    });
    pending.set(id, promise);
  }
  return pending.get(img.id);
}

const near = new IntersectionObserver((entries) => {
  for (const entry of entries) {
    if (entry.isIntersecting) {
      near.unobserve(entry.target);
      load(entry.target.matches("img") ? entry.target : entry.target.querySelector("img.pw-animation"));
    }
  }
}, { rootMargin: "50% 0px" });

document$.subscribe(() => {
  for (const [id, player] of players) { // the page before an instant navigation
    if (!player.root.isConnected) { player.destroy(); players.delete(id); pending.delete(id); }
  }
  for (const [id] of pending) if (!players.has(id) && !document.getElementById(id)) pending.delete(id);
  for (const img of document.querySelectorAll("img.pw-animation[data-pw-frames][id]")) {
    if (img.dataset.pwPlayer) continue;
    img.dataset.pwPlayer = "waiting";
    near.observe(img.closest("p") || img); // not the image: under reduced motion the CSS hides it
  }
});

document.addEventListener("click", async (event) => {
  const link = event.target.closest?.("a.pw-frame-link[data-pw-frame]");
  if (!link) return;
  const id = decodeURIComponent(link.hash.slice(1));
  const target = document.getElementById(id);
  if (!target || (target.matches("img") && target.dataset.pwPlayer === "failed")) return; // the link's own jump
  event.preventDefault();
  event.stopPropagation();
  const player = players.get(id) || (await load(target));
  player.show(Number(link.dataset.pwFrame));
}, true);
