// lr-bench: fits FairMem's MultinomialLogisticRegression (binary) on preprocessed UCI Adult with
// Newton and L-BFGS, timing the fit only (best of --reps), at OpenBLAS thread counts 1 and 2, and
// writes the exact training matrix for scikit-learn (bench.py). Prints one JSON object.
//
// Usage: lr-bench --data-dir Data/raw --out DIR [--C 1.0] [--reps 3] [--threads 1,2]
// Files written to DIR: X.f64 (n*d little-endian float64, row-major), y.i32 (n int32),
// and swift.json (the printed results, including the fitted parameters).
import DenseLinearAlgebra
import FairnessData
import FairnessModels
import Foundation

func argument(_ name: String, _ fallback: String) -> String {
  let args = CommandLine.arguments
  if let i = args.firstIndex(of: name), i + 1 < args.count { return args[i + 1] }
  return fallback
}

let dataDirectory = argument("--data-dir", RealDataset.defaultDirectory)
let outDirectory = argument("--out", "Benchmarks/out/lr-adult")
let c = Double(argument("--C", "1.0"))!
let reps = Int(argument("--reps", "3"))!
let threadCounts = argument("--threads", "1,2").split(separator: ",").map { Int($0)! }

let prepared: PreparedData
do {
  prepared = try RealDataset.adult.load(from: dataDirectory)
} catch {
  FileHandle.standardError.write("lr-bench: cannot load Adult: \(error)\n".data(using: .utf8)!)
  exit(1)
}
let train = prepared.split.train
let n = train.rowCount
let d = train.featureCount
let x = train.matrix
let y = train.labels
let lambda = 1 / (c * Double(n))

try FileManager.default.createDirectory(atPath: outDirectory, withIntermediateDirectories: true)
try train.features.withUnsafeBufferPointer { Data(buffer: $0) }.write(to: URL(fileURLWithPath: "\(outDirectory)/X.f64"))
try y.map { Int32($0) }.withUnsafeBufferPointer { Data(buffer: $0) }.write(
  to: URL(fileURLWithPath: "\(outDirectory)/y.i32"))

struct Run {
  var solver: String
  var threads: Int
  var seconds: [Double]
  var iterations: Int
  var loss: Double
  var gradientNorm: Double
  var converged: Bool
  var parameters: [Double]
}

let clock = ContinuousClock()
var runs: [Run] = []
for threads in threadCounts {
  setThreadCount(threads)
  for (name, solver) in [("newton", LogisticRegressionFitOptions.Solver.newton), ("lbfgs", .lbfgs(memory: 10))] {
    var times: [Double] = []
    var last: (FitReport, [Double])? = nil
    for _ in 0..<reps {
      var model = MultinomialLogisticRegression(featureCount: d, classCount: 2, l2Strength: lambda)
      let options = LogisticRegressionFitOptions(solver: solver, maximumIterations: 10_000, gradientTolerance: 1e-10)
      var report: FitReport? = nil
      let elapsed = try clock.measure { report = try model.fit(x, labels: y, options: options) }
      times.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
      last = (report!, model.parameters)
    }
    let (report, parameters) = last!
    runs.append(
      Run(
        solver: name, threads: threads, seconds: times, iterations: report.iterations, loss: report.loss,
        gradientNorm: report.gradientNorm, converged: report.converged, parameters: parameters))
  }
}

let object: [String: Any] = [
  "dataset": "adult (train part: official adult.data minus 15% validation, one-hot + standardized)",
  "rows": n, "features": d, "C": c, "lambda": lambda, "reps": reps,
  "positive_fraction": Double(y.reduce(0, +)) / Double(n),
  "runs": runs.map { run -> [String: Any] in
    [
      "solver": run.solver, "threads": run.threads, "seconds": run.seconds,
      "best_seconds": run.seconds.min()!, "iterations": run.iterations, "loss": run.loss,
      "gradient_norm": run.gradientNorm, "converged": run.converged,
      // (K-1) x (d+1) row-major: d weights then the intercept.
      "parameters": run.parameters,
    ]
  },
]
let json = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
try json.write(to: URL(fileURLWithPath: "\(outDirectory)/swift.json"))
FileHandle.standardOutput.write(json)
FileHandle.standardOutput.write("\n".data(using: .utf8)!)
