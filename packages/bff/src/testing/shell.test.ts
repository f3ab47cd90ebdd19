import { describe, expect, it } from 'vitest';
import { createEngageLabSimulator } from './engagelab-simulator.js';
import { pushBounded, SIMULATOR_MEMORY, setBounded } from './shell.js';

describe('a simulator remembers a bounded number of messages and codes', () => {
  it('pushBounded keeps the newest SIMULATOR_MEMORY items', () => {
    const list: number[] = [];
    for (let i = 0; i < SIMULATOR_MEMORY + 5; i++) pushBounded(list, i);
    expect(list).toHaveLength(SIMULATOR_MEMORY);
    expect([list[0], list.at(-1)]).toEqual([5, SIMULATOR_MEMORY + 4]);
  });

  it('setBounded forgets the oldest entry; a key set again counts as new', () => {
    const map = new Map<number, string>();
    for (let i = 0; i < SIMULATOR_MEMORY; i++) setBounded(map, i, 'v');
    setBounded(map, 0, 'again');
    setBounded(map, -1, 'new');
    expect(map.size).toBe(SIMULATOR_MEMORY);
    expect(map.has(1)).toBe(false);
    expect(map.get(0)).toBe('again');
  });

  it('the EngageLab simulator (the demo runs one for as long as it is up) stays within it', async () => {
    const sim = createEngageLabSimulator();
    const auth = `Basic ${btoa(`${sim.devKey}:${sim.devSecret}`)}`;
    for (let i = 0; i < SIMULATOR_MEMORY + 3; i++) {
      const to = `+1206880${String(i).padStart(4, '0')}`;
      const response = await sim.fetch(`${sim.baseUrl}/v1/messages`, {
        method: 'POST',
        headers: { authorization: auth, 'content-type': 'application/json' },
        body: JSON.stringify({ to, template: { id: sim.templateId } }),
      });
      expect(response.status).toBe(200);
    }
    expect(sim.messages).toHaveLength(SIMULATOR_MEMORY);
    expect(sim.lastCode('+12068800000')).toBeUndefined();
    expect(sim.lastCode(`+1206880${SIMULATOR_MEMORY + 2}`)).toMatch(/^\d{6}$/);
  });
});
