// OpenTelemetry with the real API and SDK registered as an app would: spans per step, an events counter, and no
// recipient, code or id in any attribute.
import { metrics, trace } from '@opentelemetry/api';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { setup, wrong } from './handler.test-helpers.js';

const spans = new InMemorySpanExporter();
trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }));
const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));

const TO = '+447400123456';

describe('OpenTelemetry', () => {
  it('a span per step with its outcome, and a counter of events by type', async () => {
    const t = setup('engagelab custom');
    const { id, code } = await t.sendCode(TO);
    await t.post('verify', { verificationId: id, code: wrong(code) });
    await t.post('verify', { verificationId: id, code });
    await t.post('send', { to: '12345' });

    const finished = spans.getFinishedSpans().map((s) => ({ name: s.name, ...s.attributes, status: s.status.code }));
    expect(finished).toEqual([
      { name: 'otpkit.send', 'otpkit.outcome': 'sent', status: 0 },
      { name: 'otpkit.verify', 'otpkit.outcome': 'wrong_code', status: 0 },
      { name: 'otpkit.verify', 'otpkit.outcome': 'verified', status: 0 },
      { name: 'otpkit.send', 'otpkit.outcome': 'invalid_phone', status: 2 },
    ]);

    await reader.forceFlush();
    const counter = exporter
      .getMetrics()
      .at(-1)
      ?.scopeMetrics.flatMap((s) => s.metrics)
      .find((m) => m.descriptor.name === 'otpkit.events');
    const points = (counter?.dataPoints ?? []).map((p) => ({ ...p.attributes, value: p.value }));
    expect(points).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'sent', purpose: 'default', provider: 'engagelab-custom', value: 1 }),
        expect.objectContaining({ type: 'verify_wrong', value: 1 }),
        expect.objectContaining({ type: 'verified', value: 1 }),
        expect.objectContaining({ type: 'send_refused', reason: 'invalid_recipient', value: 1 }),
      ]),
    );
    const everything = JSON.stringify([spans.getFinishedSpans().map((s) => s.attributes), points]);
    for (const secret of [TO, TO.slice(1), code, id]) expect(everything).not.toContain(secret);
  });
});
