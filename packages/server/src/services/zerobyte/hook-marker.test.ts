import { create } from '@bufbuild/protobuf';
import { HookSchema } from '@restora/proto';
import { describe, expect, it } from 'vitest';
import { renderTemplate } from '../../hooks/template/index.js';
import { isGenerated, markerOf, parseMarker, type Assignment } from './hook-marker.js';

const a: Assignment = {
  destinationId: 12,
  notifyOnStart: true,
  notifyOnSuccess: false,
  notifyOnWarning: true,
  notifyOnFailure: false,
  createdAt: 1700000000000,
};

const webhook = (template: string) =>
  create(HookSchema, { action: { case: 'actionWebhook', value: { webhookUrl: 'http://x/', template } } });

describe('generated hook marker', () => {
  it('round-trips the assignment and renders to nothing', () => {
    const hook = webhook(`${markerOf(a)}{"text": "hello"}`);
    expect(parseMarker(hook)).toEqual(a);
    expect(renderTemplate(`${markerOf(a)}{"text": "hello"}`, {})).toBe('{"text": "hello"}');
  });

  it('hooks made by other means are not generated, whatever their text', () => {
    expect(isGenerated(webhook('{"text": "hello"}'))).toBe(false);
    expect(isGenerated(webhook(`x${markerOf(a)}`))).toBe(false);
    expect(isGenerated(create(HookSchema, {}))).toBe(false);
  });
});
