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

// ---- decoding: frame k of the GIF, composited, as something drawImage takes -------------------------

async function webCodecsFrames(bytes) {
  const decoder = new ImageDecoder({ data: bytes, type: "image/gif" });
  await Promise.all([decoder.tracks.ready, decoder.completed]);
  return {
    count: decoder.tracks.selectedTrack.frameCount,
    async draw(k, context) {
      const { image } = await decoder.decode({ frameIndex: k }); // composited, whatever the frames' disposal
      context.clearRect(0, 0, context.canvas.width, context.canvas.height);
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

  function dispose(k) { // disposal 2 clears frame k's rectangle before the next frame; 0 and 1 keep it, and so
    // does 3 ("restore the previous frame") here: viz/gif.py writes every frame with disposal 1
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
  constructor(img, sidecar, decoder, started) {
    this.img = img;
    this.data = sidecar;
    this.decoder = decoder;
    this.started = started;
    this.index = 0; // the frame asked for ...
    this.displayed = -1; // ... and the frame on the screen
    this.image = -1; // the GIF image decoded into this.full
    this.playing = false;
    this.speed = 1;
    this.view = "auto"; // "auto", "whole" or a pane's name
    this.actualSize = false;
    this.visible = true;
    this.full = element("canvas", { width: sidecar.width, height: sidecar.height });
    this.fullContext = this.full.getContext("2d");
    this.build();
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
    this.counter = element("span", { class: "pw-player__count", "aria-hidden": "true" });
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
      element("div", { class: "pw-player__scrub" }, this.slider, this.counter),
      element("div", { class: "pw-player__options" }, speedLabel, paneLabel, this.actual));
    const hint = element("span", { class: "pw-player__hint", id: `pw-player-hint-${++hints}` },
      "Space plays or pauses, the arrow keys step one frame, Home and End go to the first and the last.");
    this.root = element("figure", { class: "pw-player", role: "group", tabindex: "0",
      "aria-label": `Animation player: ${data.title || img.alt}`, "aria-describedby": hint.id },
    this.stage, this.label, controls, hint);

    this.buttons.first.addEventListener("click", () => this.seek(0));
    this.buttons.previous.addEventListener("click", () => this.step(-1));
    this.buttons.play.addEventListener("click", () => this.toggle());
    this.buttons.next.addEventListener("click", () => this.step(1));
    this.buttons.last.addEventListener("click", () => this.seek(count - 1));
    this.slider.addEventListener("input", () => this.seek(Number(this.slider.value)));
    this.speedChoice.addEventListener("change", () => {
      this.speed = Number(this.speedChoice.value);
      this.schedule();
    });
    this.paneChoice.addEventListener("change", () => {
      this.view = this.paneChoice.value;
      this.layout();
    });
    this.actual.addEventListener("click", () => {
      this.actualSize = !this.actualSize;
      this.actual.setAttribute("aria-pressed", String(this.actualSize));
      this.layout();
    });
    this.root.addEventListener("keydown", (event) => this.key(event));
    this.resize = new ResizeObserver(() => this.root.clientWidth !== this.column && this.layout());
    this.watch = new IntersectionObserver((entries) => {
      this.visible = entries[entries.length - 1].isIntersecting;
      this.schedule();
    });
    this.onVisibility = () => this.schedule();
    document.addEventListener("visibilitychange", this.onVisibility);
  }

  // Take the GIF's place, once the first frame is decoded: paused on the poster under reduced motion,
  // playing from the start otherwise. Anything that fails here gives the page its GIF back.
  async mount() {
    const { img, data } = this;
    const paragraph = img.closest("p") || img;
    const poster = paragraph.nextElementSibling?.querySelector("a.pw-poster-link")?.closest("p");
    this.setButton();
    await this.go(reducedMotion.matches ? data.poster : 0);
    if (!img.isConnected) throw new Abandoned();
    try {
      paragraph.after(this.root);
      paragraph.hidden = true;
      if (poster) poster.hidden = true; // the player pauses on the poster itself under reduced motion
      this.layout();
    } catch (error) {
      this.root.remove();
      paragraph.hidden = false;
      if (poster) poster.hidden = false;
      throw error;
    }
    this.root.id = img.id; // what a trace table's rows link to
    img.removeAttribute("id");
    this.root.dataset.pwFirstFrameAt = String(Math.round(performance.now())); // ms after the page began to load
    this.root.dataset.pwStartMs = String(Math.round(performance.now() - this.started)); // of which the player's
    this.resize.observe(this.root);
    this.watch.observe(this.root);
    if (!reducedMotion.matches) this.play();
  }

  // What to show, and how large: the whole frame where its text stays legible at the column's width, else
  // one pane at the column's width; never so small that the smallest text falls under LEGIBLE_PX (the
  // stage scrolls sideways instead), and at its own pixels when the reader asks for the actual size.
  layout() {
    const { data } = this;
    const column = this.root.clientWidth;
    this.column = column;
    if (!column) return;
    let view = this.view;
    if (view === "auto") {
      view = (column / data.width) * data.smallest_text_px >= WHOLE_PX || this.actualSize ? "whole" : "environment";
    }
    const [x, y, w, h] = view === "whole" ? [0, 0, data.width, data.height] : data.panes[view];
    this.rect = [x, y, w, h];
    this.canvas.width = w;
    this.canvas.height = h;
    const fit = Math.min(column, view === "whole" ? w : 2 * w); // a whole frame is never enlarged, a pane at most 2x
    const least = (view === "whole" && this.view === "auto" ? WHOLE_PX : LEGIBLE_PX) / data.smallest_text_px;
    const shown = this.actualSize ? w : Math.max(fit, Math.ceil(w * least));
    this.canvas.style.width = `${shown}px`;
    if (shown > column + 0.5) { // a region a keyboard can reach and scroll, with a name
      this.stage.setAttribute("tabindex", "0");
      this.stage.setAttribute("role", "region");
      this.stage.setAttribute("aria-label", "The frame at a legible size: scroll sideways to see all of it");
    } else {
      for (const name of ["tabindex", "role", "aria-label"]) this.stage.removeAttribute(name);
    }
    this.root.dataset.pwView = view;
    this.root.dataset.pwTextPx = ((data.smallest_text_px * shown) / w).toFixed(2);
    const fitted = view === "whole" ? "whole frame" : PANES[view].toLowerCase();
    this.paneChoice.options[0].textContent = `Best fit (${fitted})`;
    this.paint();
  }

  paint() {
    if (!this.rect) return;
    const [x, y, w, h] = this.rect;
    this.canvas.getContext("2d").drawImage(this.full, x, y, w, h, 0, 0, w, h);
  }

  // Show frame `index`: decode its GIF image (one decode at a time: a scrub that outruns the decoder gets
  // the frame it ended on), then draw it and say which it is. Resolves once that frame, or a later one
  // asked for meanwhile, is on the screen.
  go(index) {
    this.index = Math.max(0, Math.min(this.data.frames.length - 1, index));
    if (!this.decoding) this.decoding = this.catchUp().finally(() => { this.decoding = null; });
    return this.decoding;
  }

  async catchUp() {
    while (!this.destroyed && this.data.frames[this.index].gif !== this.image) {
      const k = this.data.frames[this.index].gif;
      await this.decoder.draw(k, this.fullContext);
      this.image = k;
    }
    if (!this.destroyed) this.showing();
  }

  showing() {
    const { data, index } = this;
    const frame = data.frames[index];
    this.displayed = index;
    this.paint();
    this.slider.value = String(index);
    this.slider.setAttribute("aria-valuetext", `${frame.text} (frame ${index + 1} of ${data.frames.length})`);
    this.counter.textContent = `${index + 1} / ${data.frames.length}`;
    // Read out when the reader moved it, but not every frame of a playing animation, nor twice for the
    // slider, which says it itself.
    const quiet = this.playing || document.activeElement === this.slider;
    this.label.setAttribute("aria-live", quiet ? "off" : "polite");
    this.label.textContent = frame.text;
    this.root.dataset.pwFrame = String(index);
    this.schedule();
  }

  seek(index) {
    this.pause();
    return this.go(index);
  }

  step(by) { // from the frame the reader sees, not one the timer has asked for
    return this.seek((this.displayed < 0 ? this.index : this.displayed) + by);
  }

  play() {
    this.playing = true;
    this.setButton();
    if (this.displayed >= this.data.frames.length - 1) this.go(0); // from the start again, as the GIF loops
    else this.schedule();
  }

  pause() {
    this.playing = false;
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
    if (!this.playing || !this.visible || document.hidden || this.destroyed || this.displayed < 0) return;
    const ms = this.data.frames[this.displayed].ms / this.speed;
    this.timer = setTimeout(() => this.go((this.displayed + 1) % this.data.frames.length), ms);
  }

  key(event) {
    const target = event.target;
    if (target.matches("input, select, textarea") || target === this.stage) return; // they keep their own keys
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const last = this.data.frames.length - 1;
    const actions = {
      " ": () => this.toggle(),
      ArrowLeft: () => this.step(-1),
      ArrowRight: () => this.step(1),
      Home: () => this.seek(0),
      End: () => this.seek(last),
    };
    if (!(event.key in actions) || (target.matches("button") && event.key === " ")) return; // Space presses it
    event.preventDefault();
    actions[event.key]();
  }

  // a trace table's row: show its frame, paused, and bring the player into view
  async show(index) {
    await this.seek(index);
    this.root.scrollIntoView({ block: "center", behavior: reducedMotion.matches ? "auto" : "smooth" });
    this.root.focus({ preventScroll: true });
  }

  destroy() {
    this.destroyed = true;
    clearTimeout(this.timer);
    this.resize.disconnect();
    this.watch.disconnect();
    document.removeEventListener("visibilitychange", this.onVisibility);
    (this.decoding || Promise.resolve()).finally(() => this.decoder.close()).catch(() => {});
  }
}

class Abandoned extends Error {} // the page was left before the player could start

async function start(img) {
  const started = performance.now();
  const sidecarUrl = new URL(img.dataset.pwFrames, img.currentSrc || img.src);
  const response = await fetch(sidecarUrl);
  if (!response.ok) throw new Error(`${sidecarUrl}: ${response.status}`);
  const sidecar = await response.json();
  const images = sidecar.frames[sidecar.frames.length - 1].gif + 1;
  const decoder = await openGif(new URL(sidecar.gif, sidecarUrl), img, images);
  if (!img.isConnected) {
    decoder.close();
    throw new Abandoned();
  }
  const player = new Player(img, sidecar, decoder, started);
  try {
    await player.mount();
  } catch (error) {
    player.destroy();
    throw error;
  }
  return player;
}

// Each player starts when its animation comes near the screen (the GIF itself loads lazily too), or at
// once when a trace table's link asks for it. The pages' own elements key them, so that a page left by
// instant navigation takes its players with it.
const starting = new WeakMap(); // an animation's <img> -> the promise of its player
const live = new Set(); // the players started, to stop those whose page was left
const playerOf = new WeakMap(); // a player's root -> the player

function load(img) {
  if (!starting.has(img)) {
    const promise = start(img).then((player) => {
      live.add(player);
      playerOf.set(player.root, player);
      return player;
    });
    promise.catch((error) => { // the plain GIF stays, and the element says why
      img.dataset.pwPlayer = error instanceof Abandoned ? "abandoned" : "failed";
      img.dataset.pwError = String(error);
    });
    starting.set(img, promise);
  }
  return starting.get(img);
}

const near = new IntersectionObserver((entries) => {
  for (const entry of entries) {
    if (entry.isIntersecting) {
      near.unobserve(entry.target);
      load(entry.target.querySelector("img.pw-animation") || entry.target);
    }
  }
}, { rootMargin: "50% 0px" });

document$.subscribe(() => {
  near.disconnect(); // the page before an instant navigation, and its players
  for (const player of live) {
    if (!player.root.isConnected) {
      player.destroy();
      live.delete(player);
    }
  }
  for (const img of document.querySelectorAll("img.pw-animation[data-pw-frames][id]")) {
    if (!starting.has(img)) near.observe(img.closest("p") || img); // not the image: reduced motion hides it
  }
});

// A trace table's row: its frame in the player (started now, if it has not yet). Without a player (one
// that failed, or a click that asks for a new tab) the link does what a link does: it goes to the GIF.
document.addEventListener("click", (event) => {
  const link = event.target.closest?.("a.pw-frame-link[data-pw-frame]");
  if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
  const target = document.getElementById(decodeURIComponent(link.hash.slice(1)));
  const player = target && playerOf.get(target);
  if (!player && !(target?.matches("img.pw-animation") && target.dataset.pwPlayer !== "failed")) return;
  event.preventDefault();
  event.stopPropagation(); // Material's instant navigation would follow it too
  const frame = Number(link.dataset.pwFrame);
  if (player) {
    player.show(frame);
    return;
  }
  load(target).then((started) => started.show(frame), () => target.scrollIntoView({ block: "center" }));
}, true);
