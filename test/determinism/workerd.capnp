# The determinism case in workerd (test/determinism.test.ts starts it on a free port).
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [(name = "case", worker = .caseWorker)],
  sockets = [(name = "http", address = "127.0.0.1:8789", http = (), service = "case")],
);

const caseWorker :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed "worker.js"),
    (name = "case.js", esModule = embed "case.js"),
    (name = "lepton.js", esModule = embed "../../dist/lepton.js"),
    (name = "lepton-core.js", esModule = embed "../../dist/lepton-core.js"),
    (name = "lepton-io.js", esModule = embed "../../dist/lepton-io.js"),
    (name = "lepton-workers.js", esModule = embed "../../dist/lepton-workers.js"),
    (name = "lepton-onnx.js", esModule = embed "../../dist/lepton-onnx.js"),
    (name = "lepton.wasm", wasm = embed "../../dist/lepton.wasm"),
  ],
  compatibilityDate = "2026-10-20",
);
