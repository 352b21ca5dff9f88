// The Logger port on AWS Lambda Powertools: structured JSON logs with the request context.
import type { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import type { Logger } from '../pipeline/ports.js';

export function powertoolsLogger(logger: PowertoolsLogger): Logger {
  return {
    info: (message, fields) => logger.info(message, fields ?? {}),
    warn: (message, fields) => logger.warn(message, fields ?? {}),
    error: (message, fields) => logger.error(message, fields ?? {}),
  };
}
