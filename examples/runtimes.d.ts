/**
 * The few Bun and Deno APIs these examples call, so that they type-check
 * with TypeScript under Node. In a project of your own, use `@types/bun` or
 * Deno's built-in types instead.
 */

declare namespace Bun {
  interface Server {
    readonly hostname: string;
    readonly port: number;
    stop(closeActiveConnections?: boolean): Promise<void>;
  }
  function serve(options: {
    hostname?: string;
    port?: number;
    fetch(request: Request): Response | Promise<Response>;
  }): Server;
  const env: Record<string, string | undefined>;
}

declare namespace Deno {
  interface HttpServer {
    readonly addr: { readonly hostname: string; readonly port: number };
    shutdown(): Promise<void>;
  }
  function serve(
    options: {
      hostname?: string;
      port?: number;
      onListen?(address: { hostname: string; port: number }): void;
    },
    handler: (request: Request) => Response | Promise<Response>,
  ): HttpServer;
  const env: { get(key: string): string | undefined };
  function addSignalListener(signal: 'SIGINT' | 'SIGTERM', handler: () => void): void;
  function exit(code?: number): never;
}
