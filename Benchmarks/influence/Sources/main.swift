// Benchmark driver: fairness (DP) influence of every Adult training point for logistic regression
// (all parameters) and a 100-unit SeLU MLP (last layer), dumped for Benchmarks/influence/reference.py.
// Usage: influence-bench <data-dir> <out-dir> [mlp-epochs] [seed]
import DenseLinearAlgebra
import FairnessData
import FairnessModels
import Foundation
import Influence
import SeededRandom

#if canImport(Glibc)
  import Glibc
#endif

setThreadCount(1)
let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
  FileHandle.standardError.write("usage: influence-bench <data-dir> <out-dir> [mlp-epochs] [seed]\n".data(using: .utf8)!)
  exit(2)
}
let dataDirectory = arguments[1]
let outDirectory = arguments[2]
let mlpEpochs = arguments.count > 3 ? Int(arguments[3])! : 10
let seed = arguments.count > 4 ? UInt64(arguments[4])! : 1

func now() -> Double {
  var t = timespec()
  clock_gettime(CLOCK_MONOTONIC, &t)
  return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}
func write(_ values: [Double], _ name: String) throws {
  let data = values.withUnsafeBufferPointer { Data(buffer: $0) }
  try data.write(to: URL(fileURLWithPath: outDirectory).appendingPathComponent(name))
}
func matrix(_ d: Dataset) -> Matrix { Matrix(rows: d.rowCount, columns: d.featureCount, elements: d.features) }
func maxRelative(_ a: [Double], _ b: [Double]) -> Double {
  zip(a, b).map { abs($0 - $1) }.max()! / VectorMath.maxAbsoluteValue(b)
}

try FileManager.default.createDirectory(atPath: outDirectory, withIntermediateDirectories: true)
let prepared = try RealDataset.adult.load(from: dataDirectory, options: RealDatasetOptions(seed: seed))
let train = prepared.split.train
let validation = prepared.split.validation
let x = matrix(train)
let xv = matrix(validation)
let n = train.rowCount
print("adult: train \(n) x \(train.featureCount), validation \(validation.rowCount)")

var meta: [String: Any] = ["n": n, "d": train.featureCount, "n_val": validation.rowCount, "seed": seed]

// Logistic regression, C = 1 => λ = 1/n, intercept unpenalized.
let lambdaLR = 1.0 / Double(n)
var lr = MultinomialLogisticRegression(featureCount: train.featureCount, classCount: 2, l2Strength: lambdaLR)
let fit = try lr.fit(x, labels: train.labels)
print("LR fit: \(fit.iterations) Newton iterations, converged \(fit.converged), J = \(fit.loss)")

var t0 = now()
let dpLR = try FairnessTarget(kind: .demographicParity, validation: validation).oriented(positiveAt: lr)
let t1LR = now()
let engineLR = try InfluenceEngine(model: lr, features: x, labels: train.labels, block: .all, method: .exact)
let t2LR = now()
let gradientLR = dpLR.gradient(lr, block: .all)
let t3LR = now()
let (influenceLR, ihvpLR) = try engineLR.influenceWithDiagnostics(of: gradientLR)
let timeLR = now() - t0
print("LR stages: target \(t1LR - t0) s, engine (factors, H, Cholesky) \(t2LR - t1LR) s, ∇F \(t3LR - t2LR) s, IHVP + residual + Gs \(now() - t3LR) s")
print("LR: DP F = \(dpLR.value(lr)), influence of \(n) points in \(timeLR) s (residual \(ihvpLR.residual), damping \(ihvpLR.dampingAdded))")

// Other IHVP methods on the same target: agreement of the influence vectors with exact.
let h = lr.hessian(x, labels: train.labels, weights: nil, block: .all)
let lambdaMax = try h.symmetricEigen().eigenvalues.max()!
var methodRows: [[String: Any]] = []
for method: InverseHessianMethod in [
  .conjugateGradient(tolerance: 1e-10, maxIterations: 2000),
  .lissa(damping: 0.001, scale: 1.5 * lambdaMax, depth: 1000, repeats: 1, batchSize: 1024, seed: 7),
  .diagonalFisher(damping: 1e-3),
] {
  t0 = now()
  do {
    let e = try InfluenceEngine(model: lr, features: x, labels: train.labels, block: .all, method: method)
    let (values, r) = try e.influenceWithDiagnostics(of: dpLR.gradient(lr, block: .all))
    let elapsed = now() - t0
    let relative = maxRelative(values, influenceLR)
    var dot = 0.0, aa = 0.0, bb = 0.0
    for i in 0..<n { dot += values[i] * influenceLR[i]; aa += values[i] * values[i]; bb += influenceLR[i] * influenceLR[i] }
    let cosine = dot / (aa * bb).squareRoot()
    print("LR \(method): \(elapsed) s, \(r.iterations) iterations, residual \(r.residual), max rel. diff vs exact \(relative), cosine \(cosine)")
    methodRows.append(["method": "\(method)", "seconds": elapsed, "iterations": r.iterations, "residual": r.residual, "max_rel_diff": relative, "cosine": cosine])
  } catch {
    print("LR \(method): failed: \(error)")
    methodRows.append(["method": "\(method)", "error": "\(error)"])
  }
}

// MLP (100 SeLU), Adam, then last-layer influence.
var generator = SplitMix64(seed: seed)
let lambdaMLP = 1e-4
var mlp = MLPClassifier(featureCount: train.featureCount, hiddenWidth: 100, classCount: 2, activation: .selu, l2Strength: lambdaMLP, using: &generator)
t0 = now()
let trainReport = try mlp.fit(x, labels: train.labels, options: MLPTrainingOptions(epochs: mlpEpochs, batchSize: 128), using: &generator)
print("MLP: \(mlpEpochs) epochs in \(now() - t0) s, loss \(trainReport.loss), train accuracy \(trainReport.trainingAccuracy)")
t0 = now()
let dpMLP = try FairnessTarget(kind: .demographicParity, validation: validation).oriented(positiveAt: mlp)
let t1 = now()
let engineMLP = try InfluenceEngine(model: mlp, features: x, labels: train.labels, block: .lastLayer, method: .exact)
let t2 = now()
let gradientMLP = dpMLP.gradient(mlp, block: .lastLayer)
let t3 = now()
let (influenceMLP, ihvpMLP) = try engineMLP.influenceWithDiagnostics(of: gradientMLP)
let timeMLP = now() - t0
print("MLP stages: target \(t1 - t0) s, engine (factors, H, Cholesky) \(t2 - t1) s, ∇F \(t3 - t2) s, IHVP + residual + Gs \(now() - t3) s")
print("MLP last layer: DP F = \(dpMLP.value(mlp)), influence of \(n) points in \(timeMLP) s (residual \(ihvpMLP.residual), damping \(ihvpMLP.dampingAdded))")

try write(x.elements, "x_train.f64")
try write(train.labels.map(Double.init), "y_train.f64")
try write(xv.elements, "x_val.f64")
try write(validation.labels.map(Double.init), "y_val.f64")
try write(validation.groups.map(Double.init), "g_val.f64")
try write(lr.parameters, "lr_params.f64")
try write(influenceLR, "lr_influence.f64")
try write(mlp.parameters, "mlp_params.f64")
try write(influenceMLP, "mlp_influence.f64")
meta["lr"] = ["lambda": lambdaLR, "sign": dpLR.termSigns[0], "seconds": timeLR, "F": dpLR.value(lr), "penalize_intercept": false, "methods": methodRows]
meta["mlp"] = ["lambda": lambdaMLP, "sign": dpMLP.termSigns[0], "seconds": timeMLP, "F": dpMLP.value(mlp), "hidden": 100, "epochs": mlpEpochs, "block": "lastLayer"]
var usage = rusage()
getrusage(RUSAGE_SELF.rawValue, &usage)
meta["swift_peak_rss_kib"] = usage.ru_maxrss
let json = try JSONSerialization.data(withJSONObject: meta, options: [.prettyPrinted, .sortedKeys])
try json.write(to: URL(fileURLWithPath: outDirectory).appendingPathComponent("meta.json"))
print("Swift peak RSS \(usage.ru_maxrss) KiB; wrote \(outDirectory)")
