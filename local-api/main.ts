import { createLocalApiServer, DEFAULT_LOCAL_API_KEYS } from './server';
import { errorText } from '../engine/core/base/errorText';

/**
 * `node dist/local-api.js [--port N] [--persist FILE] [--latency MS]`
 *
 * Prints exactly one line, `struere local API listening on http://127.0.0.1:PORT`, once it accepts requests
 * (other tools parse it). Accepted API keys come from STRUERE_LOCAL_KEYS (comma-separated) or the defaults.
 */

const USAGE = 'usage: local-api [--port N] [--persist FILE] [--latency MS]';

interface Arguments {
  port: number;
  persistFile?: string;
  latencyMs?: number;
}

function parseArguments(argv: readonly string[]): Arguments {
  const result: Arguments = { port: 0 };
  for (let index = 0; index < argv.length; index++) {
    const flag = argv[index]!;
    const value = argv[index + 1];
    if (flag === '--help' || flag === '-h') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    }
    if (value === undefined || !['--port', '--persist', '--latency'].includes(flag)) throw new Error(USAGE);
    index++;
    if (flag === '--persist') result.persistFile = value;
    else {
      const number = Number(value);
      if (!Number.isInteger(number) || number < 0) throw new Error(`${flag} needs a non-negative integer\n${USAGE}`);
      if (flag === '--port') result.port = number;
      else result.latencyMs = number;
    }
  }
  return result;
}

function apiKeysFromEnvironment(): readonly string[] {
  const configured = (process.env.STRUERE_LOCAL_KEYS ?? '')
    .split(',')
    .map((key) => key.trim())
    .filter((key) => key.length > 0);
  return configured.length > 0 ? configured : DEFAULT_LOCAL_API_KEYS;
}

async function main(): Promise<void> {
  const args = parseArguments(process.argv.slice(2));
  const server = await createLocalApiServer({
    port: args.port,
    apiKeys: apiKeysFromEnvironment(),
    ...(args.persistFile === undefined ? {} : { persistFile: args.persistFile }),
    ...(args.latencyMs === undefined ? {} : { latencyMs: args.latencyMs }),
  });
  process.stdout.write(`struere local API listening on ${server.url}\n`);

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`local API: close failed: ${errorText(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${errorText(error)}\n`);
  process.exit(1);
});
