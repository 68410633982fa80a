/**
 * Starts counting this process's own CPU time (user + system); the returned function reads what
 * it has spent since, in µs. What a load generator reports as its cost, next to the server's.
 */
export function cpuSpent(): () => number {
  const start = process.cpuUsage();
  return () => {
    const cpu = process.cpuUsage(start);
    return cpu.user + cpu.system;
  };
}
