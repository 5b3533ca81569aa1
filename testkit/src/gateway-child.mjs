// The built gateway (gateway/dist, made by `tsc -b`, which `npm test` runs first) in a process of
// its own, started by gateway-process.ts: for tests that kill it with a signal or run it under
// limits of its own (`ulimit`), and for the extra nodes of the cluster tests and specs.
// argv[2]: its config overrides as JSON; argv[3] (optional): its groups as in gag_groups.json.
// Prints one line, `{"asteriskUrl","browserUrl"}`, among its log lines; SIGTERM stops it,
// SIGKILL is a crash. JavaScript, not TypeScript: Node 20 runs it as it is, from src/ or dist/.
import { devConfig, parseGroupsConfig, startGateway } from '@gag/gateway';

const groups = process.argv[3] === undefined ? undefined : parseGroupsConfig('argv[3]', JSON.parse(process.argv[3]));
const gw = await startGateway(devConfig(JSON.parse(process.argv[2] ?? '{}')), groups === undefined ? {} : { groups });
process.stdout.write(`${JSON.stringify({ asteriskUrl: gw.asteriskUrl, browserUrl: gw.browserUrl })}\n`);
process.once('SIGTERM', () => void gw.close().then(() => process.exit(0)));
