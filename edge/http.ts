/**
 * The edge's HTTP client, on node:http/https with keep-alive agents: one call per forwarded request
 * and one per key-set fetch. (Node's fetch costs the edge more per call and more memory to load.)
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

const agents = { http: new HttpAgent({ keepAlive: true, maxSockets: 256 }), https: new HttpsAgent({ keepAlive: true, maxSockets: 256 }) };

export class HttpTimeoutError extends Error {
  override name = 'TimeoutError';
}

export interface HttpAnswer {
  status: number;
  text: string;
}

/** One request; rejects on a network failure or when no complete answer came within `timeoutMs`. */
export function httpCall(url: string, init: { method: 'GET' | 'POST'; headers?: Record<string, string>; body?: string; timeoutMs: number; maxBytes?: number }): Promise<HttpAnswer> {
  const target = new URL(url);
  const secure = target.protocol === 'https:';
  const send = secure ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...init.headers };
    if (init.body !== undefined) headers['content-length'] = Buffer.byteLength(init.body);
    const request = send(target, { method: init.method, headers, agent: secure ? agents.https : agents.http }, (response: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (init.maxBytes !== undefined && size > init.maxBytes) {
          request.destroy(new Error('the answer is larger than the edge accepts'));
          return;
        }
        chunks.push(chunk);
      });
      response.on('end', () => {
        clearTimeout(timer);
        resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
      });
      response.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
    const timer = setTimeout(() => request.destroy(new HttpTimeoutError(`no answer within ${init.timeoutMs} ms`)), init.timeoutMs);
    request.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    request.end(init.body);
  });
}
