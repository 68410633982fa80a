/**
 * The transport ceiling: a bare grpc-js server, in its own process, that answers any unary
 * method with a canned response of the size the real service returns. No auth, no database,
 * no logging: what grpc-js on this machine can do at all. Channelz is off, as in the IMSOP server,
 * which serves no channelz service.
 * argv: port, response size in bytes.
 */
import { Server, ServerCredentials, type ServerUnaryCall, type sendUnaryData } from '@grpc/grpc-js';

const [port = '0', size = '200'] = process.argv.slice(2);
const response = Buffer.alloc(Number(size), 1);
const server = new Server({ 'grpc.enable_channelz': 0 });
const identity = (b: Buffer) => b;
server.addService(
  {
    call: {
      path: '/bench.Echo/Call',
      requestStream: false,
      responseStream: false,
      requestSerialize: identity,
      requestDeserialize: identity,
      responseSerialize: identity,
      responseDeserialize: identity,
    },
  },
  { call: (_call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>) => callback(null, response) },
);
server.bindAsync(`127.0.0.1:${port}`, ServerCredentials.createInsecure(), (error, bound) => {
  if (error) throw error;
  process.send?.({ port: bound });
});
process.on('SIGTERM', () => server.forceShutdown());
