import { describe, expect, test } from 'vitest';
import { parseGatewayConfig } from '../src/config/load.js';
import { SECRET, configError } from './config-error.js';


describe('click-to-call and operations config', () => {
  test('every new key is optional: click-to-call off, national numbers only, 6 calls a minute, no admin token', () => {
    expect(parseGatewayConfig('goastgateway.json', SECRET)).toMatchObject({
      originate: 'none',
      ami_host: '127.0.0.1',
      ami_port: 5038,
      ari_url: 'http://127.0.0.1:8088',
      originate_channel_template: 'Local/{ext}@inhouse',
      originate_context: 'outgoing',
      dial_number_pattern: '(?!010|0570|0180|0990)0[1-9]\\d{8}|0[5789]0\\d{8}', // docs/click-to-call.md#which-numbers
      dial_rate_limit_per_min: 6,
    });
    const config = parseGatewayConfig('goastgateway.json', SECRET);
    expect(config.admin_token).toBeUndefined();
    expect(config.originate_caller_id).toBeUndefined();
  });

  test('a full AMI setup loads', () => {
    const config = parseGatewayConfig('goastgateway.json', {
      ...SECRET,
      originate: 'ami',
      ami_host: 'pbx.internal',
      ami_port: 5039,
      ami_username: 'gag',
      ami_secret: 's3cret',
      originate_channel_template: 'PJSIP/{ext}',
      originate_caller_id: '"Web {ext}" <{ext}>',
      dial_number_pattern: '0\\d{9,10}|\\+81\\d{9,10}',
      admin_token: 'a'.repeat(32),
    });
    expect(config).toMatchObject({ originate: 'ami', ami_port: 5039, originate_channel_template: 'PJSIP/{ext}' });
  });

  test.each([
    ['an unknown backend', { originate: 'sip' }, 'originate: must be "none", "ami" or "ari"'],
    ['AMI without its user', { originate: 'ami', ami_secret: 's' }, 'ami_username: is required with "originate": "ami"'],
    ['AMI without its secret', { originate: 'ami', ami_username: 'gag' }, 'ami_secret: is required with "originate": "ami"'],
    ['ARI without its password', { originate: 'ari', ari_username: 'gag' }, 'ari_password: is required with "originate": "ari"'],
    ['an ARI URL with /ari on it', { ari_url: 'http://127.0.0.1:8088/ari' }, 'ari_url: write the base URL'],
    ['an ARI URL with credentials', { ari_url: 'http://u:p@127.0.0.1:8088' }, 'ari_url: write the base URL'],
    ['a port out of range', { ami_port: 70_000 }, 'ami_port: must be 1–65535'],
    ['a channel template without {ext}', { originate_channel_template: 'Local/2001@inhouse' }, 'originate_channel_template: must contain {ext}'],
    ['a channel template with {number}', { originate_channel_template: 'Local/{number}@x' }, 'originate_channel_template: must contain {ext}'],
    ['a context with a space', { originate_context: 'out going' }, 'originate_context: must be a dialplan context name'],
    ['a caller ID with an unknown placeholder', { originate_caller_id: '{name}' }, 'originate_caller_id: may use only {ext} and {number}'],
    ['a caller ID that would inject AMI lines', { originate_caller_id: 'x\r\nAction: Originate' }, 'originate_caller_id: may use only {ext} and {number}, on one line'],
    ['an AMI secret on two lines', { ami_secret: 'a\r\nb' }, 'ami_secret: must be one line'],
    ['a pattern that does not compile', { dial_number_pattern: '0\\d{9,' }, 'dial_number_pattern: must be a regular expression'],
    ['a rate limit of zero', { dial_rate_limit_per_min: 0 }, 'dial_rate_limit_per_min: must be at least 1'],
    ['a short admin token', { admin_token: 'short' }, 'admin_token: too short'],
  ])('%s is refused with the key and the fix', (_name, json, message) => {
    expect(configError({ ...SECRET, ...json }).message).toContain(`goastgateway.json: ${message}`);
  });
});
