// The EngageLab simulator as a real HTTP server: the upstream both the otpkit BFF and the bare proxy call.
import { createEngageLabSimulator } from '@otpkit/bff/testing';

const sim = createEngageLabSimulator();
const { url } = await sim.listen();
process.send({ url, devKey: sim.devKey, devSecret: sim.devSecret, templateId: sim.templateId });
process.on('disconnect', () => process.exit(0));
