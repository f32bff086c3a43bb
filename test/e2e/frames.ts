// Frame-level checks: every picture Chromium paints, through the DevTools screencast, read back with Debian's
// tesseract-ocr. Judged by pixels, not the DOM (a cloaked value is still in the DOM).
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, CDPSession, Page } from 'playwright-core';

export interface Frame {
  /** The step that was running when Chromium painted it. */
  readonly step: string;
  readonly png: Buffer;
}

/**
 * Records every painted frame (`everyNthFrame: 1`; each frame acknowledged at once, or Chromium stops sending),
 * labelled with the step set by `step()`. Only frames that changed are sent, so every distinct picture is here.
 */
export class FrameRecorder {
  readonly frames: Frame[] = [];
  private current = 'start';
  /** When the last frame was painted (CDP's frame swap time, seconds since the epoch). */
  private lastPainted = 0;
  private readonly onFrame: Array<() => void> = [];

  private constructor(
    private readonly cdp: CDPSession,
    private readonly page: Page,
  ) {}

  static async start(page: Page): Promise<FrameRecorder> {
    const cdp = await page.context().newCDPSession(page);
    const recorder = new FrameRecorder(cdp, page);
    cdp.on('Page.screencastFrame', (frame: { data: string; sessionId: number; metadata: { timestamp?: number } }) => {
      recorder.frames.push({ step: recorder.current, png: Buffer.from(frame.data, 'base64') });
      recorder.lastPainted = Math.max(recorder.lastPainted, frame.metadata.timestamp ?? 0);
      recorder.onFrame.splice(0).forEach((wake) => wake());
      cdp.send('Page.screencastFrameAck', { sessionId: frame.sessionId }).catch(() => undefined);
    });
    await cdp.send('Page.startScreencast', { format: 'png', everyNthFrame: 1 });
    return recorder;
  }

  /** Frames from now on belong to `name`. */
  step(name: string): void {
    this.current = name;
  }

  /**
   * Waits until Chromium has sent a frame painted after this call, so that what the page shows now is recorded
   * under the current step. A frame is sent only when the picture changes, so a 2 px marker in the title bar,
   * outside the judged region, is flipped to make one — and flipped again each second without such a frame (the
   * frame of a flip can carry a swap time from just before the call, and then nothing else may change).
   */
  async painted(timeoutMs = 30_000): Promise<void> {
    const since = (await this.page.evaluate(FLIP_MARKER_IN_PAGE)) as number;
    const deadline = Date.now() + timeoutMs;
    while (this.lastPainted < since) {
      if (Date.now() > deadline) throw new Error(`no frame painted within ${timeoutMs} ms`);
      const woken = await new Promise<boolean>((wake) => {
        this.onFrame.push(() => wake(true));
        setTimeout(() => wake(false), 1_000);
      });
      if (!woken) await this.page.evaluate(FLIP_MARKER_IN_PAGE);
    }
  }

  async stop(): Promise<void> {
    await this.cdp.send('Page.stopScreencast');
    await this.cdp.detach();
  }
}

/** Flips the colour of a 2 px square in the page's top-left corner; returns the time (seconds since the epoch). */
const FLIP_MARKER_IN_PAGE = `(() => {
  let marker = document.getElementById('struere-e2e-paint-marker');
  if (!marker) {
    marker = document.createElement('div');
    marker.id = 'struere-e2e-paint-marker';
    marker.style.cssText = 'position:fixed;left:0;top:0;width:2px;height:2px;z-index:2147483647;pointer-events:none';
    document.body.appendChild(marker);
  }
  marker.style.background = marker.style.background === 'black' ? 'white' : 'black';
  return Date.now() / 1000;
})()`;

/**
 * The text tesseract reads in each PNG of `files`, in order: one process for the whole list (the model loads once),
 * pages separated by tesseract's page separator (form feed). Sparse text mode: editor lines, list rows and tabs are
 * scattered over the frame.
 */
function ocr(files: readonly string[], listFile: string): Promise<string[]> {
  fs.writeFileSync(listFile, files.join('\n') + '\n');
  return new Promise((resolve, reject) => {
    // A light theme: no inverted text to look for, which saves tesseract a second pass per line.
    // One thread per process (two processes share the two cores): with OpenMP's default, each process's threads spin
    // while waiting for each other, which cost 40% more time for the same text on a busy 2-core machine.
    const child = spawn('tesseract', [listFile, 'stdout', '--psm', '11', '-l', 'eng', '-c', 'tessedit_do_invert=0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, OMP_THREAD_LIMIT: '1' },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', (error) => reject(new Error(`tesseract (Debian package tesseract-ocr): ${error.message}`)));
    child.on('exit', (code) => {
      const pages = out.split('\f');
      if (code !== 0) reject(new Error(`tesseract exited ${code}: ${err.slice(-2000)}`));
      else if (pages.length < files.length)
        reject(new Error(`tesseract read ${pages.length} pages of ${files.length}: ${err.slice(-2000)}`));
      else resolve(pages.slice(0, files.length));
    });
  });
}

/**
 * Whether OCR text shows a canary: any 6 consecutive letters of a canary word, after dropping everything but
 * capital letters (OCR splits words and misreads a letter now and then; six in a row do not occur by chance).
 */
export function canariesIn(text: string, canaries: ReadonlyMap<string, string>): string[] {
  const letters = text.toUpperCase().replace(/[^A-Z]/g, '');
  const found: string[] = [];
  for (const [canary, key] of canaries) {
    const word = canary.replace(/[^A-Z]/g, '');
    for (let i = 0; i + 6 <= word.length; i++) {
      if (letters.includes(word.slice(i, i + 6))) {
        found.push(key);
        break;
      }
    }
  }
  return found;
}

export interface FrameVerdict {
  readonly step: string;
  readonly frames: number;
  /** Frames in which OCR read a canary value. */
  readonly framesWithValue: number;
  /** Keys whose canary value was read, in any frame of the step. */
  readonly keys: string[];
}

export interface Region {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * In the page (plain JS: the project's type check has no DOM lib): a frame's PNG in; out, the region's PNG and
 * whether the region changed enough since the last picture that was read to be worth reading again. "Enough": more
 * than CHANGED_PIXELS pixels of a quarter-size grey thumbnail differ by more than 24 levels. The smallest thing to
 * catch, a canary word at font size 18 (about 110 × 22 px), changes several hundred such pixels; a caret, a
 * scrollbar fading, a progress bar's step changes fewer. Reading only changed pictures keeps OCR to minutes.
 */
const CHANGED_PIXELS = 40;
const CROP_IN_PAGE = `async ([data, r, threshold]) => {
  const image = new Image();
  image.src = 'data:image/png;base64,' + data;
  await image.decode();
  const canvas = document.createElement('canvas');
  canvas.width = r.width;
  canvas.height = r.height;
  canvas.getContext('2d').drawImage(image, r.x, r.y, r.width, r.height, 0, 0, r.width, r.height);
  const small = document.createElement('canvas');
  small.width = Math.ceil(r.width / 4);
  small.height = Math.ceil(r.height / 4);
  const context = small.getContext('2d', { willReadFrequently: true });
  context.drawImage(canvas, 0, 0, small.width, small.height);
  const rgba = context.getImageData(0, 0, small.width, small.height).data;
  const grey = new Uint8Array(rgba.length / 4);
  for (let i = 0; i < grey.length; i++) grey[i] = (rgba[4 * i] * 3 + rgba[4 * i + 1] * 6 + rgba[4 * i + 2]) / 10;
  const last = globalThis.__lastRead;
  let changed = 0;
  if (last && last.length === grey.length) {
    for (let i = 0; i < grey.length && changed <= threshold; i++) if (Math.abs(grey[i] - last[i]) > 24) changed++;
  } else changed = Infinity;
  const read = changed > threshold;
  if (read) globalThis.__lastRead = grey;
  return { read, png: read ? canvas.toDataURL('image/png').slice('data:image/png;base64,'.length) : '' };
}`;

/**
 * Cuts `region` out of every frame, in a blank page of the same browser (its canvas decodes and encodes PNG, so no
 * image library is needed). The region leaves out what never draws a value and animates all the time (title bar,
 * activity bar badges, status bar spinners). A frame that did not change enough since the last one read gets that
 * one's picture (`undefined` here).
 */
async function cropAll(browser: Browser, frames: readonly Frame[], region: Region): Promise<Array<Buffer | undefined>> {
  const page = await browser.newPage();
  try {
    const out: Array<Buffer | undefined> = [];
    for (const frame of frames) {
      const args = JSON.stringify([frame.png.toString('base64'), region, CHANGED_PIXELS]);
      const result = (await page.evaluate(`(${CROP_IN_PAGE})(${args})`)) as { read: boolean; png: string };
      out.push(result.read ? Buffer.from(result.png, 'base64') : undefined);
    }
    return out;
  } finally {
    await page.close();
  }
}

/** OCR of every distinct picture of `region` (two tesseract processes, half the pictures each), counted per step. */
export async function judgeFrames(
  browser: Browser,
  frames: readonly Frame[],
  region: Region,
  canaries: ReadonlyMap<string, string>,
): Promise<FrameVerdict[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'struere-frames-'));
  try {
    const started = Date.now();
    const pictures = await cropAll(browser, frames, region);
    const cropped = Date.now();
    // Each frame → the file of the picture read for it (its own, or the last one read before it).
    const fileOf: string[] = [];
    pictures.forEach((png, i) => {
      if (png) {
        const file = path.join(dir, `${createHash('sha1').update(png).digest('hex')}.png`);
        fs.writeFileSync(file, png);
        fileOf.push(file);
      } else fileOf.push(fileOf[i - 1]);
    });
    const distinct = [...new Set(fileOf)];
    console.log(`[frames] ${frames.length} frames recorded, ${distinct.length} pictures to read in the judged region`);
    const half = Math.ceil(distinct.length / 2);
    const parts = await Promise.all([
      ocr(distinct.slice(0, half), path.join(dir, 'a.txt')),
      ocr(distinct.slice(half), path.join(dir, 'b.txt')),
    ]);
    const texts = parts.flat();
    const seconds = (ms: number) => (ms / 1000).toFixed(0);
    console.log(
      `[frames] cropped and compared in ${seconds(cropped - started)} s, read (OCR) in ${seconds(Date.now() - cropped)} s`,
    );
    const textOf = new Map(distinct.map((file, i) => [file, texts[i]]));
    const verdicts = new Map<string, { frames: number; framesWithValue: number; keys: Set<string> }>();
    frames.forEach((frame, i) => {
      const verdict = verdicts.get(frame.step) ?? { frames: 0, framesWithValue: 0, keys: new Set<string>() };
      verdicts.set(frame.step, verdict);
      verdict.frames++;
      const keys = canariesIn(textOf.get(fileOf[i])!, canaries);
      if (keys.length > 0) verdict.framesWithValue++;
      for (const key of keys) verdict.keys.add(key);
    });
    return [...verdicts].map(([step, v]) => ({
      step,
      frames: v.frames,
      framesWithValue: v.framesWithValue,
      keys: [...v.keys].sort(),
    }));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Saves the frames of one step as artifacts (for looking at a failure). */
export function saveFrames(frames: readonly Frame[], step: string, dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  frames
    .filter((frame) => frame.step === step)
    .forEach((frame, i) => fs.writeFileSync(path.join(dir, `${step}-${i}.png`), frame.png));
}
