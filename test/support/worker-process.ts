import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { testEnv } from './env';

export const COMPILED_WORKER = resolve(__dirname, '../../dist/apps/worker/src/main.js');

export interface WorkerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** The compiled worker (`node dist/apps/worker/src/main.js`) as a child process on the test database and Redis. */
export class WorkerProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<WorkerExit>;
  output = '';
  private exit?: WorkerExit;

  private constructor(overrides: Record<string, string>) {
    if (!existsSync(COMPILED_WORKER)) {
      throw new Error(`${COMPILED_WORKER} is missing: run "npm run build" first`);
    }
    this.child = spawn(process.execPath, [COMPILED_WORKER], {
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

  static spawn(overrides: Record<string, string> = {}): WorkerProcess {
    return new WorkerProcess(overrides);
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  /** Sends a signal and waits for the exit, bounded: a worker still alive afterwards is a failure. */
  async signal(signal: NodeJS.Signals, withinMs = 15_000): Promise<WorkerExit> {
    if (!this.running) return this.exit!;
    this.child.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`worker did not exit within ${withinMs} ms of ${signal}\n${this.output}`)),
        withinMs,
      );
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Cleanup for afterEach/afterAll: never leaves a worker behind. */
  async stop(): Promise<void> {
    if (!this.running) return;
    await this.signal('SIGKILL', 5_000).catch(() => undefined);
  }
}
