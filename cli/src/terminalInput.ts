import { openSync } from 'node:fs';
import { createInterface } from 'node:readline';
import * as tty from 'node:tty';
import type { SetInput } from './setCommand';

/** More than any secret: a pipe that never ends is cut here instead of filling memory. */
const MAX_PIPED_VALUE_BYTES = 1024 * 1024;

/**
 * `set`'s input from this process: at a terminal the value is typed with echo off (raw mode: nothing typed is
 * drawn, not even stars, so its length does not show); from a pipe it is read whole, one trailing newline
 * dropped. A production confirmation is asked on /dev/tty, so it works when stdin is the piped value.
 */
export function terminalSetInput(): SetInput {
  return {
    readValue: (prompt) =>
      process.stdin.isTTY ? readHidden(process.stdin, process.stderr, prompt) : readPiped(process.stdin),
    confirm: askOnTerminal,
  };
}

function readHidden(input: tty.ReadStream, output: NodeJS.WritableStream, prompt: string): Promise<string | undefined> {
  // Echo off before the prompt shows: typed (or pasted) the moment the prompt appears, a value must find the
  // terminal silent already. Prompt first, a process paused between the two let the terminal draw it.
  input.setRawMode(true);
  output.write(prompt);
  input.resume();
  let value = '';
  return new Promise((resolve) => {
    const done = (result: string | undefined) => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      output.write('\n');
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      for (const character of chunk.toString('utf8')) {
        if (character === '\r' || character === '\n') return done(value);
        // Ctrl-C and Ctrl-D (on an empty line) cancel: raw mode turns them into bytes instead of signals.
        if (character === '\u0003' || (character === '\u0004' && value === '')) return done(undefined);
        if (character === '\u007f' || character === '\b') value = [...value].slice(0, -1).join('');
        else if (character === '\u0015') value = '';
        else if (character >= ' ') value += character;
      }
    };
    input.on('data', onData);
  });
}

async function readPiped(input: NodeJS.ReadableStream): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of input) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    bytes += buffer.length;
    if (bytes > MAX_PIPED_VALUE_BYTES) throw new Error(`the value on stdin is over ${MAX_PIPED_VALUE_BYTES} bytes`);
    chunks.push(buffer);
  }
  if (bytes === 0) return undefined;
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** y/yes on the controlling terminal; undefined when there is none (CI, an agent's sandbox). */
async function askOnTerminal(question: string): Promise<boolean | undefined> {
  let fd: number;
  try {
    // Read only: the question goes to stderr, which a person at this terminal sees.
    fd = openSync('/dev/tty', 'r');
  } catch {
    return undefined;
  }
  const input = new tty.ReadStream(fd);
  const terminal = createInterface({ input, output: process.stderr });
  try {
    return await new Promise<boolean>((resolve) => {
      terminal.once('close', () => resolve(false));
      terminal.question(`${question} `, (answer) => resolve(/^\s*y(es)?\s*$/i.test(answer)));
    });
  } finally {
    terminal.close();
    input.destroy();
  }
}
