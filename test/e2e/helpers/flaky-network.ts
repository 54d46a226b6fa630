import net from 'node:net';

/**
 * A TCP proxy between the browser and the server that can lose the network: `cut()` drops every open connection at
 * once (as a Wi-Fi drop or a proxy restart would) and refuses new ones until `restore()`. Chromium's own offline
 * emulation leaves open streams running, so it cannot show a live stream losing its connection.
 */
export interface FlakyNetwork {
  /** The server's address through the proxy: the browser uses this one. */
  url: string;
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function startFlakyNetwork(targetPort: number): Promise<FlakyNetwork> {
  const open = new Set<net.Socket>();
  let down = false;
  const proxy = net.createServer((client) => {
    if (down) {
      client.destroy();
      return;
    }
    const upstream = net.connect(targetPort, '127.0.0.1');
    open.add(client);
    open.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const { port } = proxy.address() as net.AddressInfo;
  return {
    url: `http://localhost:${port}`,
    cut: () => {
      down = true;
      for (const socket of open) socket.destroy();
      open.clear();
    },
    restore: () => {
      down = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        proxy.close(() => resolve());
      }),
  };
}
