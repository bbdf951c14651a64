# The dist/ bundle in workerd with compatibility date 2024-09-23, where FinalizationRegistry is not
# defined (test/workerd-2024.test.ts starts it on a free port): lepton loads, trains and predicts,
# and model.dispose() gives the memory back.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [(name = "old", worker = .oldWorker)],
  sockets = [(name = "http", address = "127.0.0.1:8790", http = (), service = "old")],
);

const oldWorker :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed "worker.js"),
    (name = "lepton.js", esModule = embed "../../dist/lepton.js"),
    (name = "lepton-core.js", esModule = embed "../../dist/lepton-core.js"),
    (name = "lepton-io.js", esModule = embed "../../dist/lepton-io.js"),
    (name = "lepton-workers.js", esModule = embed "../../dist/lepton-workers.js"),
    (name = "lepton-onnx.js", esModule = embed "../../dist/lepton-onnx.js"),
    (name = "lepton.wasm", wasm = embed "../../dist/lepton.wasm"),
  ],
  compatibilityDate = "2024-09-23",
);
