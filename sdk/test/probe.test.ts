import { expect, test } from 'vitest';
import { analyseTone, sineFloat } from '@gag/e2e';
import { FRAME_BYTES } from '@gag/sdk/protocol';
test('probe', () => { expect(analyseTone(sineFloat(1000, 16000, 16000), 16000).hz).toBe(1000); expect(FRAME_BYTES).toBe(640); });
