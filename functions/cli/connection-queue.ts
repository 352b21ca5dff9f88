// Bounded work per connection for `serve`. HTTP/1.1 answers pipelined requests in order, and Node's
// server parses every request a client sends ahead while an async handler is still reading files: a
// client that pipelines hundreds of requests and never reads made the server read and buffer a body
// for each (2 GB with 100 such clients, everyone else stalled). Here a connection's requests are
// handled one at a time, the next only once the previous response has been handed to the socket; the
// socket is not read while requests wait; a client that gets far ahead anyway is disconnected.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface ConnectionLimits {
  /** Parsed requests waiting on one connection before it is no longer read. */
  pauseAt: number;
  /** Waiting requests beyond which the connection is closed (the client ignored the back-pressure). */
  dropAt: number;
}

const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = { pauseAt: 4, dropAt: 32 };

type Handler = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

interface Connection {
  waiting: [IncomingMessage, ServerResponse][];
  busy: boolean;
  paused: boolean;
}

/** A request listener that runs `handler` for one request per connection at a time. */
export function oneRequestAtATime(handler: Handler, limits: ConnectionLimits = DEFAULT_CONNECTION_LIMITS) {
  const connections = new WeakMap<Socket, Connection>();

  const next = (socket: Socket, connection: Connection): void => {
    if (connection.busy) return;
    const item = connection.waiting.shift();
    if (!item) return;
    if (connection.paused && connection.waiting.length < limits.pauseAt) {
      connection.paused = false;
      socket.resume();
    }
    connection.busy = true;
    const [request, response] = item;
    let done = false;
    const finished = () => {
      if (done) return;
      done = true;
      connection.busy = false;
      next(socket, connection);
    };
    // 'finish': the last byte was handed to the socket; 'close': the connection went away first.
    response.once('finish', finished);
    response.once('close', finished);
    void handler(request, response);
  };

  return (request: IncomingMessage, response: ServerResponse): void => {
    const socket = request.socket;
    let connection = connections.get(socket);
    if (!connection) {
      const created: Connection = { waiting: [], busy: false, paused: false };
      connections.set(socket, created);
      socket.once('close', () => (created.waiting.length = 0));
      connection = created;
    }
    connection.waiting.push([request, response]);
    if (connection.waiting.length > limits.dropAt) {
      connection.waiting.length = 0;
      socket.destroy();
      return;
    }
    if (connection.waiting.length >= limits.pauseAt && !connection.paused) {
      connection.paused = true;
      socket.pause();
    }
    next(socket, connection);
  };
}
