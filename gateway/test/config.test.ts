import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { devConfig, loadGatewayConfig, parseGatewayConfig } from '../src/config/load.js';
import { SECRET, configError } from './config-error.js';

// A verbatim copy of GoAstGateway's sample (shared/reference/goastgateway.json).
const SAMPLE = new URL('./fixtures/goastgateway.json', import.meta.url);

describe('gateway config', () => {
  test("GoAstGateway's sample goastgateway.json loads unchanged with its meaning", async () => {
    const config = await loadGatewayConfig(SAMPLE.pathname);
    expect(config).toMatchObject({
      asterisk_addr: ':8765',
      browser_addr: ':8766',
      asterisk_format: 'text',
      extension_variable: 'WS_EXTEN',
      exten_search_pattern: 'ws-ext-(\\w+)',
      allowed_browser_ips: ['127.0.0.1', '192.168.0.0/16'],
      log_level: 'debug',
      ring_timeout_ms: 60_000,
    });
    expect(Object.isFrozen(config) && Object.isFrozen(config.allowed_origins)).toBe(true);
  });

  test('without a file, the defaults bind to loopback with a random 64-hex-digit secret', () => {
    const a = devConfig();
    expect(a.asterisk_addr).toBe('127.0.0.1:8765');
    expect(a.browser_addr).toBe('127.0.0.1:8766');
    expect(a.jwt_secret).toMatch(/^[0-9a-f]{64}$/);
    expect(devConfig().jwt_secret).not.toBe(a.jwt_secret);
  });

  test.each([
    ['a short secret', { jwt_secret: 'short' }, 'goastgateway.json: jwt_secret: too short — use at least 32 random characters (openssl rand -hex 32)'],
    ['no secret', {}, 'goastgateway.json: jwt_secret: is required'],
    ['a misspelled key', { ...SECRET, allowed_orgins: [] }, 'goastgateway.json: allowed_orgins:'],
    ['an invalid CIDR', { ...SECRET, allowed_browser_ips: ['10.0.0.0/33'] }, 'allowed_browser_ips.0: each entry must be an IP address or a CIDR'],
    ['a bad address', { ...SECRET, asterisk_addr: '8765' }, 'asterisk_addr: write host:port or :port'],
    ['an unknown format', { ...SECRET, asterisk_format: 'xml' }, 'asterisk_format: must be "text" or "json"'],
    ['a pattern without a group', { ...SECRET, exten_search_pattern: 'ws-ext-\\w+' }, 'exten_search_pattern: must be a regular expression with one capture group'],
    ['a pattern that does not compile', { ...SECRET, exten_search_pattern: 'ws-(' }, 'exten_search_pattern:'],
    ['an origin with a path', { ...SECRET, allowed_origins: ['https://crm.example.com/'] }, 'allowed_origins.0: write each origin exactly'],
    ['cert without key', { ...SECRET, cert_file: '/c.pem' }, 'key_file: cert_file and key_file go together'],
    ['plain ws:// on every interface', { ...SECRET, browser_addr: ':8766' }, 'browser_addr: plain ws:// is only allowed on loopback'],
    ['an unknown log level', { ...SECRET, log_level: 'LOUD' }, 'log_level: must be one of'],
  ])('%s is refused with the file, the key and the fix', (_name, json, message) => {
    const e = configError(json);
    expect(e.code).toBe('GAG_CONFIG_INVALID');
    expect(e.message).toContain(message);
  });

  test('a file that is not JSON names the file and the syntax problem', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gag-config-'));
    const file = join(dir, 'goastgateway.json');
    await writeFile(file, '{ "jwt_secret": ');
    await expect(loadGatewayConfig(file)).rejects.toThrow(`${file}: (syntax): not valid JSON`);
    await expect(loadGatewayConfig(join(dir, 'missing.json'))).rejects.toThrow('no such file');
  });
});

describe('new keys of GAG', () => {
  test('every new key is optional, with its default', () => {
    const config = parseGatewayConfig('goastgateway.json', SECRET);
    expect(config).toMatchObject({
      caller_number_variable: 'GAG_CALLER_NUM',
      caller_name_variable: 'GAG_CALLER_NAME',
      jwt_algorithms: ['HS256'],
    });
    for (const key of ['asterisk_username', 'asterisk_password', 'jwt_audience', 'jwt_issuer', 'jwt_public_key_file', 'jwt_jwks_file'] as const) {
      expect(config[key]).toBeUndefined();
    }
  });

  test('an RS256-only config needs no jwt_secret', () => {
    const config = parseGatewayConfig('goastgateway.json', { jwt_algorithms: ['RS256'], jwt_public_key_file: '/etc/gag/rs.pem' });
    expect(config.jwt_secret).toBeUndefined();
  });

  test.each([
    ['a username without a password', { ...SECRET, asterisk_username: 'asterisk' }, 'asterisk_password: is required with asterisk_username'],
    ['a password without a username', { ...SECRET, asterisk_password: 'pw' }, 'asterisk_username: is required with asterisk_password'],
    ['a username with a colon', { ...SECRET, asterisk_username: 'a:b', asterisk_password: 'pw' }, 'asterisk_username: must not contain ":"'],
    ['an empty password', { ...SECRET, asterisk_username: 'a', asterisk_password: '' }, 'asterisk_password: must not be empty'],
    ['an empty audience', { ...SECRET, jwt_audience: '' }, 'jwt_audience: must not be empty'],
    ['an empty issuer', { ...SECRET, jwt_issuer: '' }, 'jwt_issuer: must not be empty'],
    ['RS256 allowed without a key', { ...SECRET, jwt_algorithms: ['HS256', 'RS256'] }, 'jwt_algorithms: RS256 needs a public key — set jwt_public_key_file (PEM) or jwt_jwks_file'],
    ['ES256 allowed without a key', { jwt_algorithms: ['ES256'] }, 'jwt_algorithms: ES256 needs a public key'],
    ['HS256 allowed without a secret', { jwt_algorithms: ['HS256', 'RS256'], jwt_public_key_file: '/k.pem' }, 'jwt_secret: is required while jwt_algorithms allows an HS algorithm'],
    ['alg none', { ...SECRET, jwt_algorithms: ['none'] }, 'jwt_algorithms.0: each entry must be one of HS256'],
    ['no algorithm at all', { ...SECRET, jwt_algorithms: [] }, 'jwt_algorithms: list at least one algorithm'],
    ['a public key with HS256 only', { ...SECRET, jwt_public_key_file: '/k.pem' }, 'jwt_public_key_file: is set, but jwt_algorithms allows no public-key algorithm'],
    ['a JWKS with HS256 only', { ...SECRET, jwt_jwks_file: '/k.json' }, 'jwt_jwks_file: is set, but jwt_algorithms allows no public-key algorithm'],
    ['an empty key file path', { jwt_algorithms: ['RS256'], jwt_public_key_file: '' }, 'jwt_public_key_file: must not be empty'],
    ['a caller variable that is not a name', { ...SECRET, caller_number_variable: '${CALLERID(num)}' }, 'caller_number_variable: must be a channel variable name'],
    ['a numeric secret', { jwt_secret: 12345678901234567890 }, 'jwt_secret: must be a string'],
    ['a misspelled key', { ...SECRET, allowed_orgins: [] }, 'allowed_orgins: unknown key — did you mean "allowed_origins"?'],
    ['an unknown key', { ...SECRET, sip_server: 'x' }, 'sip_server: unknown key — check its spelling against the README'],
  ])('%s is refused with the key and the fix', (_name, json, message) => {
    const e = configError(json);
    expect(e.code).toBe('GAG_CONFIG_INVALID');
    expect(e.message).toContain(`goastgateway.json: ${message}`);
  });

  test('an error message never repeats a secret value', () => {
    expect(configError({ jwt_secret: 'short-but-secret' }).message).not.toContain('short-but-secret');
    expect(configError({ ...SECRET, asterisk_username: 'a', asterisk_password: 7 }).message).not.toContain('7');
  });
});
