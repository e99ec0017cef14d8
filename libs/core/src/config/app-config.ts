import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
const toBool = ({ value }: { value: unknown }) => {
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0' || v === '') return false;
  return value;
};

/** The environment as Hookpost reads it: every variable of DESIGN.md, validated once. */
export class AppConfig {
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'must be a postgres:// URL' })
  DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/hookpost';

  @Matches(/^rediss?:\/\/.+/, { message: 'must be a redis:// URL' })
  REDIS_URL = 'redis://127.0.0.1:6379';

  @Transform(toInt)
  @IsInt({ message: 'must be an integer port' })
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'must be at least 16 characters' })
  BOOTSTRAP_API_KEY?: string;

  @Transform(toBool)
  @IsBoolean({ message: 'must be true or false' })
  ALLOW_PRIVATE_DESTINATIONS = false;

  @Transform(toInt)
  @IsInt({ message: 'must be an integer' })
  @Min(1)
  @Max(10000)
  WORKER_CONCURRENCY = 200;

  /** Attempts in flight to one webhook at once, per worker process (promise 4). */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer' })
  @Min(1)
  @Max(10000)
  WORKER_ENDPOINT_CONCURRENCY = 20;

  @Transform(toInt)
  @IsInt({ message: 'must be an integer' })
  @Min(1024)
  @Max(64 * 1024 * 1024)
  MAX_PAYLOAD_BYTES = 262144;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
    message: 'must be one of fatal, error, warn, info, debug, trace, silent',
  })
  LOG_LEVEL = 'info';

  /** How often the worker's reconciler sweeps Postgres for pending deliveries Redis lost, in ms. */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer' })
  @Min(100)
  @Max(3_600_000)
  RECONCILE_INTERVAL_MS = 5000;

  /** Port for the worker's health endpoint; 0 disables it. */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer port' })
  @Min(0)
  @Max(65535)
  WORKER_HEALTH_PORT = 0;

  @IsOptional()
  @Matches(/^https?:\/\/.+/, { message: 'must be an http(s) URL' })
  OPS_SLACK_WEBHOOK_URL?: string;
}

export class ConfigError extends Error {}

const KNOWN_KEYS = Object.keys(new AppConfig());

/**
 * Validates the environment into a typed config. Errors name the variable and the rule, never the
 * value, because a value may be a secret (a database password, an API key).
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const raw: Record<string, string> = {};
  for (const key of [...KNOWN_KEYS, 'BOOTSTRAP_API_KEY', 'OPS_SLACK_WEBHOOK_URL']) {
    const value = env[key];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const config = plainToInstance(AppConfig, raw);
  const errors = validateSync(config, { forbidUnknownValues: false });
  if (errors.length > 0) {
    const lines = errors.map((e) => `${e.property}: ${Object.values(e.constraints ?? {}).join('; ')}`);
    throw new ConfigError(`Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  return config;
}

/** For entry points: the config, or a message naming the bad variables and exit code 78 (EX_CONFIG). */
export function loadConfigOrExit(): AppConfig {
  try {
    return loadConfig();
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`${e.message}\n`);
    process.exit(78);
  }
}
