import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import "@xyflow/react/dist/style.css";
import "./styles/app.css";
import App from "./components/App";
import NodeTypesProvider from "./components/NodeTypesProvider";
import SessionGate from "./components/SessionGate";
import ToastHost from "./components/ToastHost";

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <ToastHost>
      <SessionGate>
        <NodeTypesProvider>
          <App />
        </NodeTypesProvider>
      </SessionGate>
    </ToastHost>
  </StrictMode>,
);
