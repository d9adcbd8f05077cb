/** @type {import('@remix-run/dev').AppConfig} */
export default {
  ignoredRouteFiles: ["**/.*", "**/*.test.*"],
  serverModuleFormat: "esm",
  serverPlatform: "node",
  // recharts and its d3 parts are bundled into the server build (ESM/CJS mix).
  serverDependenciesToBundle: [/^recharts/, /^d3-/, /^internmap/, /^victory-vendor/],
  future: {
    // turbo-stream serialises bigint pence from loaders without loss.
    v3_singleFetch: true,
    v3_fetcherPersist: true,
    v3_relativeSplatPath: true,
    v3_throwAbortReason: true,
    v3_lazyRouteDiscovery: true,
  },
};
