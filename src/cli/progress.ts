import cliProgress from 'cli-progress';

/**
 * A progress bar over organizations for long maintenance runs, on stderr (stdout keeps the
 * report clean for scripts). Silent when stderr is not a terminal: logs and CI get the final
 * report only.
 */
export function organizationProgress(label: string): {
  update(done: number, total: number, detail: string): void;
  stop(): void;
} {
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} [{bar}] {value}/{total} organizations | {detail} | {duration_formatted}`,
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(done, total, detail) {
      if (!started) {
        bar.start(total, done, { detail });
        started = true;
      } else bar.update(done, { detail });
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
