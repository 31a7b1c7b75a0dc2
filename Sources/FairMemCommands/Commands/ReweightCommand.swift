public import ArgumentParser
import FairMemJSON
import FairnessData
public import FairnessStatistics
import Influence
import Mitigation

extension MitigationMethod: ExpressibleByArgument {}
extension WeightApplication: ExpressibleByArgument {}
extension FairnessMetric: ExpressibleByArgument {
  /// Any spelling of the metric vocabulary (canonical or alias).
  public init?(argument: String) { self.init(spelling: argument) }
}
extension ModelKind: ExpressibleByArgument {}
extension BenchmarkDataset: ExpressibleByArgument {}
extension SmoothSurrogate.Kind: ExpressibleByArgument {}

/// `fairmem reweight`: one influence-based reweighting run on one split
/// (`ReweightingExperiment.run`, rendered as a table or as `ReweightingReport` JSON).
struct ReweightCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "reweight",
    abstract: "Train a classifier, reweight its training data by fairness influence, and report the fairness change.",
    discussion: """
      Trains ERM (logistic regression, or an MLP with 100 SeLU units and last-layer influence), computes each training point's influence I_i on a smooth fairness gap F measured on the validation split (--target dp|eo|deo; FairIF uses the TPR and TNR gaps), turns the influences into weights with --method (drop-k, drop-k-upweight-m, i-jack, sim-jack, fairif; see Docs/mitigation.md) and applies them with --apply ij (infinitesimal-jackknife edit, no refit), --apply retrain (weighted retraining from scratch: the MLP is re-initialized with ERM's seed and trained with ERM's schedule) or --apply finetune (a few epochs of weighted Adam from the ERM model). --surrogate softmax|gumbel chooses the smooth predictions of the targets (gumbel: Gumbel-softmax, --gumbel-temperature τ, default 1, --gumbel-seed). Without --lambda/--k the value is selected on validation over 50 values (lowest validation gap, optionally within --accuracy-budget of ERM's validation accuracy and, with --max-clipped-fraction F, among values that clip at most a fraction F of the weights). --lambda is relative to the natural scale λ0 (F/|I|^2 for I-JACK, F/IᵀCI for SIM-JACK, the mean eigenvalue of AAᵀ for FairIF). Reports the predicted change Σ I_i Δw_i beside the change obtained, clipping of negative weights, and test accuracy, DP, EO, DEO, AD, AOD, EOD. Data: Data/raw (bash Scripts/fetch-datasets.sh) or --data-dir; synthetic-* settings need no files. Your own data: --csv FILE --label COL --group COL [--features COL...] [--categorical COL...] [--positive VALUE] (binary label, two groups; split 60/20/20 by label x group like COMPAS and German, numeric features standardized on train; see Docs/datasets.md).
      """)

  @Option(help: "adult, compas, german, synthetic-group-size, synthetic-distribution-shift, synthetic-class-size.")
  var dataset: BenchmarkDataset = .syntheticGroupSize
  @Option(help: "lr (logistic regression) or mlp.") var model: ModelKind = .lr
  @Option(help: "drop-k, drop-k-upweight-m, i-jack, sim-jack, fairif.") var method: MitigationMethod = .iJack
  @Option(help: "The fairness gap the seed-001 rules minimize: dp, eo, deo.") var target: FairnessMetric =
    .equalizedOddsGapSum
  @Option(help: "λ as a multiple of λ0 (continuous rules); omit to select on validation.") var lambda: Double?
  @Option(help: "K (and M for drop-k-upweight-m); omit to select on validation.") var k: Int?
  @Option(help: "ij (edit without refit), retrain (from scratch) or finetune (warm start).")
  var apply: WeightApplication = .ij
  @Option(help: "Largest allowed drop of validation accuracy during selection (e.g. 0.01).") var accuracyBudget: Double?
  @Option(help: "Split seed.") var seed: UInt64 = 0
  @Option(help: "Directory with the raw datasets.") var dataDir: String = RealDataset.defaultDirectory
  @Flag(help: "Small data and short training (for tests).") var quick = false
  @Flag(help: "Also report every value of the 50-value grid (IJ edit and, with --apply retrain, retraining).")
  var sweep = false
  @Flag(help: "Print JSON instead of tables.") var json = false
  @OptionGroup var mitigation: MitigationOptions
  @OptionGroup var data: DatasetSourceOptions

  func validate() throws {
    guard FairnessMetric.reweightingTargets.contains(target) else {
      throw InputError(field: "--target", problem: "must be dp, eo or deo (got \(target.rawValue))")
    }
    if let lambda, !(lambda > 0 && lambda.isFinite) {
      throw InputError(field: "--lambda", problem: "must be positive, got \(lambda)")
    }
    if let k, k < 1 { throw InputError(field: "--k", problem: "must be at least 1, got \(k)") }
    if lambda != nil && method.usesCount {
      throw InputError(field: "--lambda", problem: "\(method.rawValue) takes --k")
    }
    if k != nil && !method.usesCount { throw InputError(field: "--k", problem: "\(method.rawValue) takes --lambda") }
    if let b = accuracyBudget, !(b >= 0) { throw InputError(field: "--accuracy-budget", problem: "must be >= 0") }
    if mitigation.maxClippedFraction != nil && (lambda != nil || k != nil) {
      throw InputError(field: "--max-clipped-fraction", problem: "applies to selection; omit --lambda/--k")
    }
  }

  var request: ReweightingRequest {
    ReweightingRequest(
      dataset: data.resolved(otherwise: dataset), model: model, method: method, target: target, application: apply,
      value: lambda.map { .relativeLambda($0) } ?? k.map { .count($0) } ?? .selected, accuracyBudget: accuracyBudget,
      maxClippedFraction: mitigation.maxClippedFraction, seed: seed, dataDirectory: dataDir, quick: quick,
      sweep: sweep, surrogate: mitigation.smoothSurrogate)
  }

  func run() throws {
    let report = try ReweightingExperiment.run(request)
    print(json ? try JSONReportEncoder().text(report) : Self.render(report))
  }

  /// The text rendering: a header, the notes, the chosen weighting, ERM vs the method on
  /// validation and test, and the grid when requested.
  static func render(_ r: ReweightingReport) -> String {
    let chosen = r.result
    var lines = [
      "\(r.method.rawValue) on \(r.dataset.name) (\(r.model.rawValue), target \(r.target.rawValue), seed \(r.seed), apply \(r.application.rawValue), surrogate \(MitigationText.describe(r.surrogate)))",
      "  smooth validation gap F(θ̂) = \(Format.number(r.gap)); λ0 = \(Format.number(r.scale))",
    ]
    lines += (r.notes + chosen.notes).map { "  note: \($0)" }
    lines.append(
      "  \(r.method.usesCount ? "K" : "λ") = \(Format.number(chosen.value)), dropped \(chosen.dropped), Σw = \(Format.number(chosen.weightSum)), clipped fraction \(Format.number(chosen.clippedFraction))"
    )
    lines.append(
      "  predicted ΔF = \(Format.number(chosen.predictedChange)), obtained ΔF = \(Format.number(chosen.actualChange))")
    if let p = chosen.predictedGaps, let a = chosen.actualGaps {
      lines.append(
        "  FairIF TPR/TNR gaps: predicted \(p.map { Format.number($0) }), obtained \(a.map { Format.number($0) })")
    }
    var t = Table(["split", "model"] + MitigationText.metricNames)
    t.add(["validation", "ERM"] + MitigationText.row(r.erm.validation))
    t.add(["validation", r.method.rawValue] + MitigationText.row(chosen.validation))
    t.add(["test", "ERM"] + MitigationText.row(r.erm.test))
    t.add(["test", r.method.rawValue] + MitigationText.row(chosen.test))
    lines.append(t.render())
    if let sweep = r.sweep {
      var s = Table(["value", "apply", "clipped", "pred ΔF", "obtained ΔF", "val gap", "test acc"])
      for o in sweep {
        s.add([
          Format.number(o.value), o.application.rawValue, String(o.clippedCount), Format.number(o.predictedChange),
          Format.number(o.actualChange), Format.number(o.validation.value(of: r.target)),
          Format.number(o.test.accuracy),
        ])
      }
      lines.append(s.render())
    }
    return lines.joined(separator: "\n")
  }
}

/// Text pieces `reweight` and `compare` share.
enum MitigationText {
  /// Table columns: the header (seed 001/004 names; `eod` is seed 004's name for DEO) and its metric.
  static let columns: [(header: String, metric: FairnessMetric)] = [
    "accuracy", "dp", "eo", "deo", "ad", "aod", "eod",
  ].compactMap { name in FairnessMetric(spelling: name).map { (name, $0) } }
  static var metricNames: [String] { columns.map(\.header) }

  static func row(_ e: EvaluationReport) -> [String] { columns.map { Format.number(e.value(of: $0.metric)) } }

  /// `softmax` or `gumbel(τ=…, seed=…)`.
  static func describe(_ s: SmoothSurrogate) -> String {
    switch s {
    case .softmax: "softmax"
    case .gumbel(let t, let seed): "gumbel(τ=\(Format.number(t)), seed=\(seed))"
    }
  }
}
