import { diagnose } from '/work/main/src/engine/index';
import { syntheticHar } from '/work/main/bench/synthetic-har';
const har = JSON.parse(JSON.stringify(syntheticHar(Number(process.argv[2] ?? 20000))));
for (let i = 0; i < 3; i++) { const t = performance.now(); const r = diagnose(har, { sourceKind: 'file' }); console.log(i, performance.now() - t, r.ok); }
