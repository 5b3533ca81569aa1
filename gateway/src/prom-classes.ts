/**
 * The four prom-client classes the gateway uses (`Registry`, `Counter`, `Gauge`, `Histogram`),
 * required from their own files instead of prom-client's index. The index also loads the default
 * process metrics, the Pushgateway, Summary, the cluster aggregator and, for one CPU metric,
 * `@opentelemetry/api`: about 80 modules, 0.5 MiB of heap and 3 MiB of an idle gateway's RSS
 * (issue 16), none of which the gateway uses. The classes are the same objects the index exports.
 *
 * prom-client has no `exports` map, so its `lib/` files may be required; a version that moves
 * them fails at start-up and in every metrics test, never quietly.
 * @packageDocumentation
 */
import { createRequire } from 'node:module';
import type * as PromClient from 'prom-client';

const require = createRequire(import.meta.url);

/** prom-client's `Registry` (lib/registry.js). */
export const Registry = require('prom-client/lib/registry') as typeof PromClient.Registry;
export type Registry = PromClient.Registry;
/** prom-client's `Counter` (lib/counter.js). */
export const Counter = require('prom-client/lib/counter') as typeof PromClient.Counter;
export type Counter<T extends string = string> = PromClient.Counter<T>;
/** prom-client's `Gauge` (lib/gauge.js). */
export const Gauge = require('prom-client/lib/gauge') as typeof PromClient.Gauge;
export type Gauge<T extends string = string> = PromClient.Gauge<T>;
/** prom-client's `Histogram` (lib/histogram.js). */
export const Histogram = require('prom-client/lib/histogram') as typeof PromClient.Histogram;
export type Histogram<T extends string = string> = PromClient.Histogram<T>;
