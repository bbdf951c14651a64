# workerd config for the lepton example Worker: the same dist/ bundle Node and browsers load, and
# the plain-SIMD kernels as a compiled wasm module binding (workerd will not compile wasm from bytes).
#   npm run build && npx workerd serve examples/workerd/config.capnp
# serves on 127.0.0.1:8788; `--socket-addr http=127.0.0.1:PORT` picks another port.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [(name = "lepton", worker = .leptonWorker)],
  sockets = [(name = "http", address = "127.0.0.1:8788", http = (), service = "lepton")],
);

const leptonWorker :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed "worker.js"),
    (name = "lepton.js", esModule = embed "../../dist/lepton.js"),
    (name = "lepton-core.js", esModule = embed "../../dist/lepton-core.js"),
    (name = "lepton-io.js", esModule = embed "../../dist/lepton-io.js"),
    (name = "lepton-workers.js", esModule = embed "../../dist/lepton-workers.js"),
    (name = "lepton-onnx.js", esModule = embed "../../dist/lepton-onnx.js"),
    (name = "lepton.wasm", wasm = embed "../../dist/lepton.wasm"),
  ],
  compatibilityDate = "2026-10-20",
);
