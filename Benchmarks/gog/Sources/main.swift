// Benchmark driver: the graph-of-gradients training loop (DemographicsFreeReweighting) on COMPAS,
// timed per epoch and to the selected epoch, with the split dumped for Benchmarks/gog/reference_torch.py.
// Usage: gog-bench <data-dir> <out-dir> <threads> [fixed-epochs] [seed]
import DemographicsFreeReweighting
import DenseLinearAlgebra
import FairnessData
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

let arguments = CommandLine.arguments
guard arguments.count >= 4, let threads = Int(arguments[3]) else {
  FileHandle.standardError.write(Data("usage: gog-bench <data-dir> <out-dir> <threads> [fixed-epochs] [seed]\n".utf8))
  exit(2)
}
let (dataDirectory, outDirectory) = (arguments[1], arguments[2])
let fixedEpochs = arguments.count > 4 ? Int(arguments[4]) ?? 30 : 30
let seed = arguments.count > 5 ? UInt64(arguments[5]) ?? 0 : 0
setThreadCount(threads)

func now() -> Double {
  var t = timespec()
  clock_gettime(CLOCK_MONOTONIC, &t)
  return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}

/// Features, label and group of every row as CSV (the PyTorch reference reads it with NumPy).
func dump(_ d: Dataset, _ name: String) throws {
  var text = ""
  for i in 0..<d.rowCount {
    text += d.row(i).map { "\($0)" }.joined(separator: ",") + ",\(d.labels[i]),\(d.groups[i])\n"
  }
  try text.write(toFile: outDirectory + "/" + name, atomically: true, encoding: .utf8)
}

try FileManager.default.createDirectory(atPath: outDirectory, withIntermediateDirectories: true)
// The split of `fairmem groupfree --dataset compas` (60/20/20, stratified by label x group).
let split = try RealDataset.compas(.twoRaces).load(
  from: dataDirectory, options: RealDatasetOptions(seed: seed, fractions: SplitFractions(validation: 0.2, test: 0.2))
).split
try dump(split.train, "train.csv")
try dump(split.validation, "validation.csv")
let training = try GroupFreeTrainingSet(split.train)
let selector = try EpochSelector(validation: split.validation)
let defaults = GroupFreeConfiguration()
print(
  "compas: train \(split.train.rowCount) x \(split.train.featureCount), validation \(split.validation.rowCount); "
    + "MLP \(defaults.hiddenWidth) ReLU, B = \(defaults.batchSize), K = \(defaults.neighbours), threads \(threads)")

/// Trains GoG with `configuration`, returning the time at the end of every epoch (from the start).
func timedRun(_ configuration: GroupFreeConfiguration) throws -> (times: [Double], selected: Int) {
  var times: [Double] = []
  let start = now()
  let trained = try GroupFreeTrainer(method: .gog, configuration: configuration).train(training, selector: selector) {
    _ in times.append(now() - start)
  }
  return (times, trained.selectedEpoch)
}

// Per epoch: a fixed number of epochs without early stopping (includes the validation pass).
var fixed = defaults
fixed.maximumEpochs = fixedEpochs
fixed.patience = fixedEpochs
_ = try timedRun(fixed)  // warm-up (page faults, BLAS initialization)
let perEpoch = try timedRun(fixed).times.last! / Double(fixedEpochs)
// To the selected epoch: the default early-stopped run.
let full = try timedRun(defaults)
let toSelected = full.times[full.selected - 1]
print(
  String(
    format: "swift threads=%d per_epoch_ms=%.3f selected_epoch=%d epochs_run=%d to_selected_s=%.4f total_s=%.4f",
    threads, perEpoch * 1000, full.selected, full.times.count, toSelected, full.times.last!))
