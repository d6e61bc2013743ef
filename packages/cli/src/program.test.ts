import { describe, expect, it } from 'vitest';
import { buildProgram } from './program.js';

describe('restora program', () => {
  it('names itself restora and has a version', () => {
    const program = buildProgram();
    expect(program.name()).toBe('restora');
    expect(program.version()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
