// What the fleet tests ask of a Kubernetes manifest from bumble export
// --k8s, read by independent parsers: npm's yaml (YAML 1.2, strict) and
// kubernetes-models (the Kubernetes OpenAPI schema), from build/npm
// (toolchain/deps.sh; BUMBLE_NPM names another prefix).
//   node k8s_check.mjs validate FILE    every document valid for its kind
//   node k8s_check.mjs args FILE        the container's args, as JSON
//   node k8s_check.mjs pod FILE OUT     the DaemonSet's pod template as a
//                                      Pod (podman kube play runs Pods)
import fs from "fs";
import path from "path";
import { fileURLToPath, pathToFileURL } from "url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const modules = path.join(process.env.BUMBLE_NPM || path.join(root, "build/npm"),
                          "node_modules");
const load = (file) => import(pathToFileURL(path.join(modules, file)).href);
const YAML = (await load("yaml/dist/index.js")).default;
const models = {
  "apps/v1 DaemonSet": async () =>
    (await load("kubernetes-models/apps/v1/DaemonSet.js")).DaemonSet,
  "v1 Service": async () => (await load("kubernetes-models/v1/Service.js")).Service,
  "v1 Pod": async () => (await load("kubernetes-models/v1/Pod.js")).Pod,
};

function documents(file) {
  const docs = YAML.parseAllDocuments(fs.readFileSync(file, "utf8"), {
    uniqueKeys: true,
    strict: true,
  });
  for (const d of docs) {
    if (d.errors.length) throw new Error(d.errors.map(String).join("; "));
    if (d.warnings.length) throw new Error(d.warnings.map(String).join("; "));
  }
  return docs.map((d) => d.toJS());
}

function daemonSet(file) {
  const ds = documents(file).find((d) => d && d.kind === "DaemonSet");
  if (!ds) throw new Error("no DaemonSet in " + file);
  return ds;
}

const [cmd, file, out] = process.argv.slice(2);
try {
  if (cmd === "validate") {
    const docs = documents(file);
    if (!docs.length) throw new Error("no documents");
    for (const doc of docs) {
      const model = models[doc.apiVersion + " " + doc.kind];
      if (!model) throw new Error("unexpected " + doc.apiVersion + " " + doc.kind);
      const Kind = await model();
      new Kind(doc).validate(); // throws with the failing path
      console.log("valid " + doc.kind + " " + doc.metadata.name);
    }
  } else if (cmd === "args") {
    console.log(JSON.stringify(daemonSet(file).spec.template.spec.containers[0].args));
  } else if (cmd === "pod") {
    const t = daemonSet(file).spec.template;
    const pod = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: daemonSet(file).metadata.name, labels: t.metadata.labels,
                  annotations: t.metadata.annotations },
      spec: t.spec,
    };
    const Pod = await models["v1 Pod"]();
    new Pod(pod).validate();
    fs.writeFileSync(out, JSON.stringify(pod, null, 1) + "\n");
  } else {
    throw new Error("usage: k8s_check.mjs validate|args|pod FILE [OUT]");
  }
} catch (e) {
  console.error("k8s_check: " + e.message);
  process.exit(1);
}
