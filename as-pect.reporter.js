// as-pect 8.1.0's summary prints "[Tests]: 7 / 7"; CI (.ci/) counts "[Tests]: N passed, N failed".
// This is the stock SummaryReporter plus that one line per spec file.
import { SummaryReporter } from '@as-pect/core';

class CountingReporter extends SummaryReporter {
  onFinish(ctx) {
    super.onFinish(ctx);
    this.stdout.write(`[Tests]: ${ctx.testPassCount} passed, ${ctx.testCount - ctx.testPassCount} failed (${ctx.fileName})\n`);
  }
}

// as-pect takes the default export as the reporter object itself.
export default new CountingReporter();
