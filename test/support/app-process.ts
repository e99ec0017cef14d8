import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { testEnv } from './env';

const COMPILED = {
  api: resolve(__dirname, '../../dist/apps/api/src/main.js'),
  worker: resolve(__dirname, '../../dist/apps/worker/src/main.js'),
};
type AppName = keyof typeof COMPILED;

export interface AppExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * A compiled app (`node dist/apps/<name>/src/main.js`) as a child process on the test database and Redis,
 * its stdout and stderr collected in `output`.
 */
export class AppProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<AppExit>;
  output = '';
  private exit?: AppExit;

  private constructor(
    private readonly name: AppName,
    overrides: Record<string, string>,
  ) {
    const entry = COMPILED[name];
    if (!existsSync(entry)) throw new Error(`${entry} is missing: run "npm run build" first`);
    this.child = spawn(process.execPath, [entry], {
      env: testEnv(overrides),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout?.on('data', (c: Buffer) => (this.output += c.toString()));
    this.child.stderr?.on('data', (c: Buffer) => (this.output += c.toString()));
    this.exited = new Promise((done) =>
      this.child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        done(this.exit);
      }),
    );
  }

  static spawn(name: AppName, overrides: Record<string, string> = {}): AppProcess {
    return new AppProcess(name, overrides);
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  /** Sends a signal and waits for the exit, bounded: an app still alive afterwards is a failure. */
  async signal(signal: NodeJS.Signals, withinMs = 15_000): Promise<AppExit> {
    if (!this.running) return this.exit!;
    this.child.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(new Error(`${this.name} did not exit within ${withinMs} ms of ${signal}\n${this.output}`)),
        withinMs,
      );
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Cleanup for afterEach/afterAll: never leaves a process behind. */
  async stop(): Promise<void> {
    if (!this.running) return;
    await this.signal('SIGKILL', 5_000).catch(() => undefined);
  }
}
