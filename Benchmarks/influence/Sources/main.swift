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
  FileHandle.standardError.write(
    "usage: influence-bench <data-dir> <out-dir> [mlp-epochs] [seed]\n".data(using: .utf8)!)
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

func maxRelative(_ a: [Double], _ b: [Double]) -> Double {
  zip(a, b).map { abs($0 - $1) }.max()! / VectorMath.maxAbsoluteValue(b)
}

try FileManager.default.createDirectory(atPath: outDirectory, withIntermediateDirectories: true)
let prepared = try RealDataset.adult.load(from: dataDirectory, options: RealDatasetOptions(seed: seed))
let train = prepared.split.train
let validation = prepared.split.validation
let x = train.matrix
let xv = validation.matrix
let n = train.rowCount
print("adult: train \(n) x \(train.featureCount), validation \(validation.rowCount)")

var meta: [String: Any] = ["n": n, "d": train.featureCount, "n_val": validation.rowCount, "seed": seed]

// Logistic regression, C = 1 => λ = 1/n, intercept unpenalized.
let lambdaLR = 1.0 / Double(n)
var lr = MultinomialLogisticRegression(featureCount: train.featureCount, classCount: 2, l2Strength: lambdaLR)
let fit = try lr.fit(x, labels: train.labels)
print("LR fit: \(fit.iterations) Newton iterations, converged \(fit.converged), J = \(fit.loss)")

/// Best-of-`repeats` wall time of one full influence computation (target, engine, ∇F, IHVP, G s),
/// with OpenBLAS set to `threads` threads; returns the stage times of the best run and its result.
func timedInfluence<M: DifferentiableClassifier>(
  _ model: M, block: ParameterBlock, threads: Int, repeats: Int = 3
) throws -> (seconds: Double, stages: [Double], target: FairnessTarget, values: [Double], ihvp: InverseHessianResult) {
  setThreadCount(threads)
  defer { setThreadCount(1) }
  var best: (seconds: Double, stages: [Double], target: FairnessTarget, values: [Double], ihvp: InverseHessianResult)?
  for _ in 0..<repeats {
    let t0 = now()
    let target = try FairnessTarget(kind: .demographicParity, validation: validation).oriented(positiveAt: model)
    let t1 = now()
    let engine = try InfluenceEngine(model: model, features: x, labels: train.labels, block: block, method: .exact)
    let t2 = now()
    let gradient = target.gradient(model, block: block)
    let t3 = now()
    let (values, ihvp) = try engine.influenceWithDiagnostics(of: gradient)
    let t4 = now()
    if best == nil || t4 - t0 < best!.seconds {
      best = (t4 - t0, [t1 - t0, t2 - t1, t3 - t2, t4 - t3], target, values, ihvp)
    }
  }
  return best!
}
/// Times the influence computation with 1 and with 2 threads, prints the stage lines and the
/// summary line, and returns the 1-thread run (whose values are dumped) and the 2-thread time.
func benchmarkInfluence<M: DifferentiableClassifier>(
  _ model: M, block: ParameterBlock, name: String
) throws -> (
  run: (seconds: Double, stages: [Double], target: FairnessTarget, values: [Double], ihvp: InverseHessianResult),
  secondsTwoThreads: Double
) {
  let one = try timedInfluence(model, block: block, threads: 1)
  let two = try timedInfluence(model, block: block, threads: 2)
  for (label, s) in [(name, one.stages), ("\(name) (2 threads)", two.stages)] {
    print(
      "\(label) stages (best run): target \(s[0]) s, engine (factors, H, Cholesky) \(s[1]) s, ∇F \(s[2]) s, IHVP + residual + Gs \(s[3]) s"
    )
  }
  print(
    "\(name): DP F = \(one.target.value(model)), influence of \(n) points in \(one.seconds) s with 1 BLAS thread, \(two.seconds) s with 2 (best of 3; residual \(one.ihvp.residual), damping \(one.ihvp.dampingAdded))"
  )
  return (one, two.seconds)
}

let (runLR, timeLR2) = try benchmarkInfluence(lr, block: .all, name: "LR")
let (dpLR, influenceLR, timeLR) = (runLR.target, runLR.values, runLR.seconds)

// Other IHVP methods on the same target: agreement of the influence vectors with exact.
let h = lr.hessian(x, labels: train.labels, weights: nil, block: .all)
let lambdaMax = try h.symmetricEigen().eigenvalues.max()!
var methodRows: [[String: Any]] = []
for method: InverseHessianMethod in [
  .conjugateGradient(tolerance: 1e-10, maxIterations: 2000),
  .lissa(damping: 0.001, scale: 1.5 * lambdaMax, depth: 1000, repeats: 1, batchSize: 1024, seed: 7),
  .diagonalFisher(damping: 1e-3),
] {
  let t0 = now()
  do {
    let e = try InfluenceEngine(model: lr, features: x, labels: train.labels, block: .all, method: method)
    let (values, r) = try e.influenceWithDiagnostics(of: dpLR.gradient(lr, block: .all))
    let elapsed = now() - t0
    let relative = maxRelative(values, influenceLR)
    var dot = 0.0
    var aa = 0.0
    var bb = 0.0
    for i in 0..<n {
      dot += values[i] * influenceLR[i]
      aa += values[i] * values[i]
      bb += influenceLR[i] * influenceLR[i]
    }
    let cosine = dot / (aa * bb).squareRoot()
    print(
      "LR \(method): \(elapsed) s, \(r.iterations) iterations, residual \(r.residual), max rel. diff vs exact \(relative), cosine \(cosine)"
    )
    methodRows.append([
      "method": "\(method)", "seconds": elapsed, "iterations": r.iterations, "residual": r.residual,
      "max_rel_diff": relative, "cosine": cosine,
    ])
  } catch {
    print("LR \(method): failed: \(error)")
    methodRows.append(["method": "\(method)", "error": "\(error)"])
  }
}

// MLP (100 SeLU), Adam, then last-layer influence.
var generator = SplitMix64(seed: seed)
let lambdaMLP = 1e-4
var mlp = MLPClassifier(
  featureCount: train.featureCount, hiddenWidth: 100, classCount: 2, activation: .selu, l2Strength: lambdaMLP,
  using: &generator)
let trainStart = now()
let trainReport = try mlp.fit(
  x, labels: train.labels, options: MLPTrainingOptions(epochs: mlpEpochs, batchSize: 128), using: &generator)
print(
  "MLP: \(mlpEpochs) epochs in \(now() - trainStart) s, loss \(trainReport.loss), train accuracy \(trainReport.trainingAccuracy)"
)
let (runMLP, timeMLP2) = try benchmarkInfluence(mlp, block: .lastLayer, name: "MLP last layer")
let (dpMLP, influenceMLP, timeMLP) = (runMLP.target, runMLP.values, runMLP.seconds)

try write(x.elements, "x_train.f64")
try write(train.labels.map(Double.init), "y_train.f64")
try write(xv.elements, "x_val.f64")
try write(validation.labels.map(Double.init), "y_val.f64")
try write(validation.groups.map(Double.init), "g_val.f64")
try write(lr.parameters, "lr_params.f64")
try write(influenceLR, "lr_influence.f64")
try write(mlp.parameters, "mlp_params.f64")
try write(influenceMLP, "mlp_influence.f64")
meta["lr"] = [
  "lambda": lambdaLR, "sign": dpLR.termSigns[0], "seconds": timeLR, "seconds_2_threads": timeLR2, "F": dpLR.value(lr),
  "penalize_intercept": false, "methods": methodRows,
]
meta["mlp"] = [
  "lambda": lambdaMLP, "sign": dpMLP.termSigns[0], "seconds": timeMLP, "seconds_2_threads": timeMLP2,
  "F": dpMLP.value(mlp), "hidden": 100, "epochs": mlpEpochs, "block": "lastLayer",
]
var usage = rusage()
getrusage(RUSAGE_SELF.rawValue, &usage)
meta["swift_peak_rss_kib"] = usage.ru_maxrss
let json = try JSONSerialization.data(withJSONObject: meta, options: [.prettyPrinted, .sortedKeys])
try json.write(to: URL(fileURLWithPath: outDirectory).appendingPathComponent("meta.json"))
print("Swift peak RSS \(usage.ru_maxrss) KiB; wrote \(outDirectory)")
