// A Lambda execution environment for one synthesized bundle, run by the local Lambda service
// (lambda-service.ts) under the Node binary it chooses (24, the runtime's major, or the machine's).
// Like Lambda's Node runtime it imports the handler module once (init; a throw there is an init
// error), then runs one invocation at a time with an event and a context, and reports the result
// or the error. Plain JavaScript: it runs as is under any Node, with no loader.
//
// The service's clock is virtual (it moves hours ahead to let retries and waits run out); the
// offset it sends with each invocation shifts Date here, so the function sees that time too.
import process from 'node:process';
import { pathToFileURL } from 'node:url';

const [bundle, handlerName = 'handler', initialOffset = '0'] = process.argv.slice(2);
let offsetMs = Number(initialOffset);
const RealDate = Date;
class ShiftedDate extends RealDate {
  constructor(...args) {
    if (args.length === 0) super(RealDate.now() + offsetMs);
    else super(...args);
  }
  static now() {
    return RealDate.now() + offsetMs;
  }
}
globalThis.Date = ShiftedDate;

const send = (message) => new Promise((resolve) => process.send(message, resolve));
const describe = (error) => ({
  errorType: error?.name ?? 'Error',
  errorMessage: error?.message ?? String(error),
  stack: String(error?.stack ?? '')
    .split('\n')
    .slice(0, 8),
});

let handler;
try {
  const module = await import(pathToFileURL(bundle).href);
  handler = module[handlerName];
  if (typeof handler !== 'function') throw new Error(`${bundle} exports no function '${handlerName}'`);
  await send({ type: 'ready' });
} catch (error) {
  await send({ type: 'init-error', error: describe(error) });
  process.exit(1);
}

process.on('message', async (message) => {
  if (message.type !== 'invoke') return;
  offsetMs = message.clockOffsetMs;
  const deadline = Date.now() + message.timeoutMs;
  const context = {
    callbackWaitsForEmptyEventLoop: true,
    functionName: message.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: message.functionArn,
    memoryLimitInMB: String(message.memoryMb),
    awsRequestId: message.requestId,
    logGroupName: `/aws/lambda/${message.functionName}`,
    logStreamName: `emulated/${process.pid}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done() {},
    fail() {},
    succeed() {},
  };
  try {
    const result = await handler(message.event, context);
    await send({ type: 'result', id: message.id, result: result === undefined ? null : result });
  } catch (error) {
    await send({ type: 'error', id: message.id, error: describe(error) });
  }
});
