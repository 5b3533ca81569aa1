// One more gateway node for the cluster specs (cluster-setup.ts), in a process of its own (the
// built gateway: `tsc -b` runs before the browser tests). argv[2]: its config as JSON; argv[3]
// (optional): its groups as in gag_groups.json. Prints one line, `{"asteriskUrl","browserUrl"}`;
// SIGTERM stops it, SIGKILL is a crash.
import { devConfig, parseGroupsConfig, startGateway } from '@gag/gateway';

const groups = process.argv[3] === undefined ? undefined : parseGroupsConfig('argv[3]', JSON.parse(process.argv[3]));
const gw = await startGateway(devConfig(JSON.parse(process.argv[2] ?? '{}')), groups === undefined ? {} : { groups });
process.stdout.write(`${JSON.stringify({ asteriskUrl: gw.asteriskUrl, browserUrl: gw.browserUrl })}\n`);
process.once('SIGTERM', () => void gw.close().then(() => process.exit(0)));
