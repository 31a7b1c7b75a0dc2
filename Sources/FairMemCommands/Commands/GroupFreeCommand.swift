public import ArgumentParser
import DemographicsFreeReweighting
import FairMemJSON
import FairnessData
import FairnessModels
import FairnessStatistics
import Foundation
import Mitigation

extension GroupFreeLearnerKind: ExpressibleByArgument {}
extension Activation: ExpressibleByArgument {}

/// `fairmem groupfree`: fairness without demographics. Trains ERM, ARL, CVaR DRO, graph-of-gradients
/// reweighting (seed 003) and its feature-graph ablation without group labels, selects the epoch on
/// validation worst-group accuracy and reports test metrics over seeded splits.
struct GroupFreeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "groupfree",
    abstract: "Fairness without demographics: graph-of-gradients reweighting (seed 003) vs ERM, ARL and CVaR DRO.",
    discussion: """
      Methods (--method, comma-separated): erm; arl (Lahoti et al. 2020, linear adversary on [x; y]); dro (CVaR DRO on each batch, --cvar-alpha); gog (graph of gradients: a linear encoder of x and one GCN layer over the kNN graph of the per-sample last-layer gradients, weights LeakyReLU(score) + 1 normalized to mean 1 per batch); feature-graph (gog with the graph on the input features). Group labels never reach training: they select the epoch (validation worst-group accuracy, --patience, --epochs) and evaluate the test split. --neighbours takes a comma-separated list (the K ablation, e.g. 1,3,10,30); each graph method runs once per K. Reports, per method and K, the mean ± 2 SE over --splits seeded splits of W.Acc (worst-group accuracy), E.Odds (max of the TPR and FPR ranges over groups, fairlearn's equalized_odds_difference), O.Acc, the pairwise average-odds gap and the demographic-parity gap. Data: --dataset (Data/raw, or --data-dir) or your own --csv FILE --label COL --group COL... [--features COL...] [--categorical COL...] [--positive VALUE] (binary label; several group columns give intersectional groups; split 60/20/20 by label x group, standardized on train; the group columns are never features). Progress on stderr. See Docs/fairness-without-demographics.md.
      """)

  @Option(help: "Comma-separated methods: erm, arl, dro, gog, feature-graph (default: all).")
  var method: String = GroupFreeMethod.allCases.map(\.rawValue).joined(separator: ",")
  @Option(help: "adult, compas, german, synthetic-group-size, synthetic-distribution-shift, synthetic-class-size.")
  var dataset: BenchmarkDataset = .compas
  @OptionGroup var data: DatasetSourceOptions
  @Option(help: "The learner: lr or mlp (one hidden ReLU layer).") var model: GroupFreeLearnerKind = .mlp
  @Option(help: "Hidden units of the MLP.") var hidden: Int = GroupFreeConfiguration().hiddenWidth
  @Option(help: "Hidden activation of the MLP: relu (the authors'), selu (the MLP of compare), tanh.")
  var activation: Activation = GroupFreeConfiguration().hiddenActivation
  @Option(help: "K of the kNN graph; comma-separated values run the K ablation.") var neighbours: String = "3"
  @Option(help: "Mini-batch size B.") var batchSize: Int = GroupFreeConfiguration().batchSize
  @Option(help: "Adam step size of the learner.") var learningRate: Double = GroupFreeConfiguration()
    .learnerLearningRate
  @Option(help: "Adam step size of the adversary.")
  var adversaryLearningRate: Double = GroupFreeConfiguration().adversaryLearningRate
  @Option(help: "Width of the adversary's linear encoder.") var encoderWidth: Int = GroupFreeConfiguration()
    .encoderWidth
  @Flag(help: "Append the label y to the adversary's encoder input (as ARL).") var encoderSeesLabel = false
  @Option(help: "Gradient-norm clip of the learner (0: none).") var clipNorm: Double = 1
  @Option(help: "CVaR level α of dro.") var cvarAlpha: Double = GroupFreeConfiguration().cvarAlpha
  @Option(help: "Largest number of epochs.") var epochs: Int = GroupFreeConfiguration().maximumEpochs
  @Option(help: "Epochs without a better validation worst-group accuracy before stopping.")
  var patience: Int = GroupFreeConfiguration().patience
  @Option(help: "Number of seeded splits (seeds --seed, --seed + 1, ...).") var splits: Int = 10
  @Option(help: "The first split seed.") var seed: UInt64 = 0
  @Option(help: "Seed of initializations and shuffles (plus the split seed).") var trainingSeed: UInt64 = 0
  @Option(help: "Directory with the raw datasets.") var dataDir: String = RealDataset.defaultDirectory
  @Option(help: "Write the test rows (split seed, method, K, row, label, group, prediction) as CSV.")
  var predictionsOut: String?
  @Flag(help: "Include one batch's gradient kNN graph (first split, gog) in the JSON report.") var graphSnapshot = false
  @Flag(help: "Small data (Adult subsampled) for tests.") var quick = false
  @Flag(help: "Print the JSON report instead of tables.") var json = false

  func parsedMethods() throws -> [GroupFreeMethod] { try Self.methods(method, field: "--method") }

  func parsedNeighbours() throws -> [Int] { try Self.neighbourCounts(neighbours, field: "--neighbours") }

  /// The comma-separated group-free methods of `text` (also `compare --group-free`).
  static func methods(_ text: String, field: String) throws -> [GroupFreeMethod] {
    try text.split(separator: ",").map { raw in
      let name = raw.trimmingCharacters(in: .whitespaces)
      guard let m = GroupFreeMethod(rawValue: name) else {
        throw InputError(
          field: field,
          problem:
            "unknown method '\(name)'; known: \(GroupFreeMethod.allCases.map(\.rawValue).joined(separator: ", "))")
      }
      return m
    }
  }

  /// The comma-separated values of `K` in `text` (also `compare --neighbours`).
  static func neighbourCounts(_ text: String, field: String) throws -> [Int] {
    try text.split(separator: ",").map { raw in
      guard let k = Int(raw.trimmingCharacters(in: .whitespaces)) else {
        throw InputError(field: field, problem: "'\(raw)' is not an integer")
      }
      return k
    }
  }

  func validate() throws {
    _ = try parsedMethods()
    _ = try parsedNeighbours()
    guard splits >= 1 else { throw InputError(field: "--splits", problem: "must be at least 1") }
    guard clipNorm >= 0, clipNorm.isFinite else { throw InputError(field: "--clip-norm", problem: "must be >= 0") }
    if let g = data.group.first(where: data.features.contains) {
      throw InputError(field: "--features", problem: "'\(g)' is a group column; group-free methods must not see it")
    }
  }

  func plan() throws -> GroupFreePlan {
    var c = GroupFreeConfiguration()
    c.learner = model
    c.hiddenWidth = hidden
    c.hiddenActivation = activation
    c.batchSize = batchSize
    c.learnerLearningRate = learningRate
    c.adversaryLearningRate = adversaryLearningRate
    c.encoderWidth = encoderWidth
    c.encoderSeesLabel = encoderSeesLabel
    c.learnerClipNorm = clipNorm > 0 ? clipNorm : nil
    c.cvarAlpha = cvarAlpha
    c.maximumEpochs = epochs
    c.patience = patience
    c.trainingSeed = trainingSeed
    return GroupFreePlan(
      dataset: data.resolved(otherwise: dataset).name, methods: try parsedMethods(),
      neighbourCounts: try parsedNeighbours(), splitSeeds: (0..<UInt64(splits)).map { seed &+ $0 },
      configuration: c, keepPredictions: predictionsOut != nil, keepGraphSnapshot: graphSnapshot)
  }

  /// The split loader: a built-in setting or the CSV file, split per seed like `reweight`.
  func splitLoader() -> (UInt64) throws -> Split {
    { [source = data.resolved(otherwise: dataset), dataDir, quick] seed in
      try source.mitigationSplit(seed: seed, dataDirectory: dataDir, quick: quick)
    }
  }

  func run() throws {
    let plan = try plan()
    // The options that define the groups and the label: an empty or missing group, or a label that
    // is not binary, is reported against them.
    let groupOption = data.csv == nil ? "--dataset" : "--group"
    let labelOption = data.csv == nil ? "--dataset" : "--label"
    if let predictionsOut, !FileManager.default.createFile(atPath: predictionsOut, contents: nil) {
      throw InputError(field: "--predictions-out", problem: "cannot create '\(predictionsOut)'")
    }
    let report: GroupFreeReport
    do {
      report = try GroupFreeExperiment.run(plan, loadSplit: splitLoader()) {
        FileHandle.standardError.write(Data("[groupfree] \($0)\n".utf8))
      }
    } catch let error as GroupFreeError {
      throw error.renamingOption(["groups": groupOption, "label": labelOption])
    } catch FairnessDataError.emptyGroupInSplit(let split, let group) {
      throw InputError(
        field: groupOption,
        problem: "the \(split) split has no row of group '\(group)' (merge small groups or use a larger dataset)")
    }
    if let predictionsOut {
      try Self.predictionsCSV(report).write(toFile: predictionsOut, atomically: true, encoding: .utf8)
    }
    if json {
      print(try JSONReportEncoder().text(report))
      return
    }
    print(
      "group-free reweighting on \(report.dataset) (\(model.rawValue), B = \(batchSize), \(splits) split(s), groups: \(report.groupNames.joined(separator: ", ")))"
    )
    print(
      "test metrics in %, mean ± 2 SE over splits; the epoch is selected on validation W.Acc; Δ: paired change from ERM on the same splits"
    )
    var t = Table(["method", "K", "W.Acc", "E.Odds", "O.Acc", "avg odds", "DP gap", "epoch", "ΔW.Acc", "ΔE.Odds"])
    for s in report.summaries {
      t.add([
        s.method.rawValue, s.neighbours.map(String.init) ?? "-", Self.cell(s.worstGroupAccuracy),
        Self.cell(s.equalizedOddsGap), Self.cell(s.accuracy), Self.cell(s.averageOddsGap),
        Self.cell(s.demographicParityGap), Self.cell(s.selectedEpoch, scale: 1),
        Self.cell(s.worstGroupAccuracyChangeFromERM), Self.cell(s.equalizedOddsGapChangeFromERM),
      ])
    }
    print(t.render())
    for name in ["W.Acc", "E.Odds", "O.Acc", "average odds", "summed odds"] {
      print("  \(name): \(report.definitions[name] ?? "")")
    }
  }

  static func cell(_ s: SplitSummary?, scale: Double = 100) -> String {
    guard let s else { return "-" }
    return String(format: scale == 1 ? "%.1f ± %.1f" : "%.2f ± %.2f", scale * s.mean, scale * s.twoStandardErrors)
  }

  /// One line per test row of every run: `split_seed,method,neighbours,row,label,group,prediction`.
  static func predictionsCSV(_ report: GroupFreeReport) -> String {
    var lines = ["split_seed,method,neighbours,row,label,group,prediction"]
    for run in report.runs {
      guard let predictions = run.testPredictions,
        let split = report.testSplits?.first(where: { $0.splitSeed == run.splitSeed })
      else { continue }
      for (i, p) in predictions.enumerated() {
        lines.append(
          "\(run.splitSeed),\(run.method.rawValue),\(run.neighbours.map(String.init) ?? ""),\(i),\(split.labels[i]),\(csvField(report.groupNames[split.groups[i]])),\(p)"
        )
      }
    }
    return lines.joined(separator: "\n") + "\n"
  }

  private static func csvField(_ s: String) -> String {
    s.contains(",") || s.contains("\"") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
  }
}
