import * as vscode from 'vscode';

/**
 * The extension's log: names, counts and statuses only. Everything written here comes from code that never
 * has a value in hand (reports, plans, attempt lines), so nothing secret can reach it.
 */
export class OutputLog implements vscode.Disposable {
  private readonly channel = vscode.window.createOutputChannel('Struere Secrets', { log: true });

  info(line: string): void {
    this.channel.info(line);
  }

  warn(line: string): void {
    this.channel.warn(line);
  }

  error(line: string): void {
    this.channel.error(line);
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }
}
