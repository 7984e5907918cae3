import { defineConfig } from "vite";

// Where `npm run dev` sends the API calls: the service in local mode by default.
const service = process.env.ACS_TOKEN_SERVICE_URL ?? "http://127.0.0.1:8080";

export default defineConfig({
  // Relative asset paths: the same build works at the service's /example/ and at any other root.
  base: "./",
  server: {
    host: "127.0.0.1",
    port: 5173,
    strictPort: true,
    // The page and the API share the dev server's origin, so the browser needs no CORS. The Host
    // header is passed on as the browser sent it (Vite's shorthand would rewrite it), so that the
    // service sees the browser's Origin as its own and does not treat the call as cross-origin.
    proxy: Object.fromEntries(
      ["/token", "/identity", "/identities", "/users"].map((path) => [path, { target: service, changeOrigin: false }]),
    ),
  },
  // `npm run preview` serves the build alone, as a separately hosted front end: start the service
  // with --token-service.sign-in.cors-allowed-origins=http://127.0.0.1:4173 and open
  // http://127.0.0.1:4173/?service=http://127.0.0.1:8080
  preview: {
    host: "127.0.0.1",
    port: 4173,
    strictPort: true,
  },
  build: {
    outDir: "dist",
    // The calling SDK is one large chunk, loaded only when a call is started.
    chunkSizeWarningLimit: 8000,
  },
});
