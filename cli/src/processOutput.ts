import { escapeForTerminal } from './terminalText';

/** Lines are gathered into writes of about this many characters: few system calls, no huge strings. */
const CHUNK_CHARS = 64 * 1024;

/**
 * One of the process's output streams. A reader that goes away (`check --format json | head -1`, a closed pipe)
 * is not a failure of ours: its EPIPE arrives as an 'error' event, which without a listener Node throws with a
 * stack trace. Once a stream has failed, later writes to it are dropped, nothing waits on it, and the command
 * ends with its own exit code.
 */
export class OutputStream {
  private gone = false;

  constructor(private readonly stream: NodeJS.WritableStream) {
    stream.on('error', () => {
      this.gone = true;
    });
  }

  /** One text and its newline, escaped for the terminal. */
  line(text: string): void {
    if (!this.gone) this.stream.write(`${escapeForTerminal(text)}\n`);
  }

  /** Lines in chunks, each write waiting for 'drain' when the stream says its buffer is full. */
  async lines(lines: Iterable<string>): Promise<void> {
    let chunk = '';
    for (const line of lines) {
      if (this.gone) return;
      chunk += `${escapeForTerminal(line)}\n`;
      if (chunk.length >= CHUNK_CHARS) {
        await this.write(chunk);
        chunk = '';
      }
    }
    if (chunk !== '') await this.write(chunk);
  }

  private async write(chunk: string): Promise<void> {
    if (this.gone || this.stream.write(chunk)) return;
    await this.drained();
  }

  /** Resolves on 'drain', or when the stream fails or closes (then nothing will drain it). */
  private drained(): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        for (const event of ['drain', 'error', 'close']) this.stream.off(event, done);
        resolve();
      };
      for (const event of ['drain', 'error', 'close']) this.stream.on(event, done);
    });
  }
}
