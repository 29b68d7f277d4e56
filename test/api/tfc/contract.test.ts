import { runTfcContract } from '../../contract/tfc.contract.ts';
import { startTfcHarness } from '../../fixtures/tfc/harness.ts';

runTfcContract({
  name: 'createTfcFake served with listen()',
  createSubject: () => startTfcHarness(),
});
