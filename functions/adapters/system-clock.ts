import type { Clock } from '../pipeline/ports.js';

export const systemClock: Clock = { now: () => new Date() };
