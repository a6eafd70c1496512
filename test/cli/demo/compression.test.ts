import {
  clockLabel,
  compressionFactor,
  describeCompression,
  storyHour,
  storyTime,
} from '../../../cli/demo/compression';

describe('compressed time', () => {
  const settings = {
    durationMs: 45_000,
    factor: compressionFactor(45_000),
    tickMs: 1500,
    idleReclaimMs: 3000,
    storyStart: '2025-11-24T23:00:00.000Z',
  };

  it('maps real offsets to story time', () => {
    expect(settings.factor).toBe(1920);
    expect(storyHour(settings, 22_500)).toBe(12);
    expect(storyTime(settings, 22_500).toISOString()).toBe('2025-11-25T11:00:00.000Z');
    expect(clockLabel(13.5)).toBe('13:30');
    expect(clockLabel(0)).toBe('00:00');
    expect(clockLabel(24)).toBe('23:59');
  });

  it('says how much time is compressed, for the day, the tick and the idle reclaim', () => {
    expect(describeCompression(settings)).toBe(
      'Time is compressed 1920x: a 24-hour day plays in 45 s (1 real second = 32 min of story time). The controller ' +
        'ticks every 1.5 s (48 min of story time) and the emulator reclaims an idle environment after 3 s (1.6 h).',
    );
  });
});
