import { defineConfig } from "vite";

// `npm run dev` serves the UI with hot reload and sends the API to a `basin server` on 127.0.0.1:8080 (or
// the address in BASIN_API: BASIN_API=http://127.0.0.1:18080 npm run dev); `npm run build` writes dist/,
// which CMake compiles into the basin binary.
export default defineConfig({
  base: "/",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    chunkSizeWarningLimit: 2000,
    reportCompressedSize: false,
  },
  server: {
    proxy: { "/api": process.env.BASIN_API ?? "http://127.0.0.1:8080" },
  },
});
