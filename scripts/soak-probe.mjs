// Loaded with `--import` into the soak's server, never into a production one. Asked over the IPC
// channel the soak opened, it runs full garbage collections and answers with what the process
// still holds: the V8 heap in use (objects still reachable), memory outside it (Buffers) and RSS.
// The soak judges a leak on these: RSS alone also moves with how far V8 has grown its heap toward
// its working size, and on a slow machine that growth is still going on halfway through a 20 s run.
import v8 from 'node:v8';
import vm from 'node:vm';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');

process.on('message', (message) => {
  if (message !== 'retained?') return;
  // Two passes: the first may only queue finalizers whose objects the second then frees.
  gc();
  gc();
  const { heapUsed, external, rss } = process.memoryUsage();
  process.send?.({ heapUsed, external, rss });
});
// A listener on 'message' holds the event loop open; the server must still end on SIGTERM alone.
process.channel?.unref();
