// One more gateway node for cluster.spec.ts, in a process of its own (the built gateway: `tsc -b`
// runs before the browser tests). argv[2]: its config as JSON. Prints one line,
// `{"asteriskUrl","browserUrl"}`; SIGTERM stops it.
import { devConfig, startGateway } from '@gag/gateway';

const gw = await startGateway(devConfig(JSON.parse(process.argv[2] ?? '{}')));
process.stdout.write(`${JSON.stringify({ asteriskUrl: gw.asteriskUrl, browserUrl: gw.browserUrl })}\n`);
process.once('SIGTERM', () => void gw.close().then(() => process.exit(0)));
