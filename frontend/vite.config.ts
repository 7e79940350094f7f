import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// `npm run dev` proxies the API to a running `mendflow serve` (MENDFLOW_API, default :5000).
const api = process.env.MENDFLOW_API ?? "http://127.0.0.1:5000";

export default defineConfig({
  plugins: [react()],
  server: { host: "127.0.0.1", proxy: { "/api": api, "/hooks": api } },
  build: { outDir: "dist", sourcemap: false, chunkSizeWarningLimit: 1200 },
});
