// The TokenSource port: random UUIDs, unique across runs and machines.
import { randomUUID } from 'node:crypto';
import type { TokenSource } from '../pipeline/ports.js';

export const randomTokens: TokenSource = { newToken: () => randomUUID() };
