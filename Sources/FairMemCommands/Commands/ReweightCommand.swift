public import ArgumentParser
import FairMemJSON
import FairnessData
import FairnessStatistics
import Foundation
import MemorizationTheory
import Mitigation

extension MitigationMethod: ExpressibleByArgument {}
extension WeightApplication: ExpressibleByArgument {}
extension TargetMetric: ExpressibleByArgument {}
extension ModelKind: ExpressibleByArgument {}
extension MitigationDataset: ExpressibleByArgument {}

/// `fairmem reweight`: one influence-based reweighting run on one split.
struct ReweightCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "reweight",
    abstract: "Train a classifier, reweight its training data by fairness influence, and report the fairness change.",
    discussion: """
      Trains ERM (logistic regression, or an MLP with 100 SeLU units and last-layer influence), computes each training point's influence I_i on a smooth fairness gap F measured on the validation split (--target dp|eo|deo; FairIF uses the TPR and TNR gaps), turns the influences into weights with --method (drop-k, drop-k-upweight-m, i-jack, sim-jack, fairif; see Docs/mitigation.md) and applies them with --apply ij (infinitesimal-jackknife edit, no refit), --apply retrain (weighted retraining from scratch: the MLP is re-initialized with ERM's seed and trained with ERM's schedule) or --apply finetune (a few epochs of weighted Adam from the ERM model). --surrogate softmax|gumbel chooses the smooth predictions of the targets (gumbel: Gumbel-softmax, --gumbel-temperature τ, default 1, --gumbel-seed). Without --lambda/--k the value is selected on validation over 50 values (lowest validation gap, optionally within --accuracy-budget of ERM's validation accuracy and, with --max-clipped-fraction F, among values that clip at most a fraction F of the weights). --lambda is relative to the natural scale λ0 (F/|I|^2 for I-JACK, F/IᵀCI for SIM-JACK, the mean eigenvalue of AAᵀ for FairIF). Reports the predicted change Σ I_i Δw_i beside the change obtained, clipping of negative weights, and test accuracy, DP, EO, DEO, AD, AOD, EOD. Data: Data/raw (bash Scripts/fetch-datasets.sh) or --data-dir; synthetic-* settings need no files.
      """)

  @Option(help: "adult, compas, german, synthetic-group-size, synthetic-distribution-shift, synthetic-class-size.")
  var dataset: MitigationDataset = .syntheticGroupSize
  @Option(help: "lr (logistic regression) or mlp.") var model: ModelKind = .lr
  @Option(help: "drop-k, drop-k-upweight-m, i-jack, sim-jack, fairif.") var method: MitigationMethod = .iJack
  @Option(help: "The fairness gap the seed-001 rules minimize: dp, eo, deo.") var target: TargetMetric = .eo
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

  func validate() throws {
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

  func run() throws {
    let run = try MitigationCLI.prepare(
      dataset: dataset, model: model, target: target, seed: seed, dataDir: dataDir, quick: quick,
      surrogate: mitigation.smoothSurrogate)
    var sweepOutcomes: [MitigationOutcome] = []
    let chosen: MitigationOutcome
    do {
      if let lambda {
        chosen = try run.outcomeOnly(method: method, value: lambda * run.scale(for: method), application: apply)
      } else if let k {
        chosen = try run.outcomeOnly(method: method, value: Double(k), application: apply)
      } else {
        chosen = try run.select(
          method: method, application: apply, accuracyBudget: accuracyBudget,
          maxClippedFraction: mitigation.maxClippedFraction, gridCount: 50
        ).chosen
      }
      if sweep {
        for v in run.grid(for: method, count: 50) {
          sweepOutcomes.append(try run.outcomeOnly(method: method, value: v, application: .ij))
          if apply != .ij { sweepOutcomes.append(try run.outcomeOnly(method: method, value: v, application: apply)) }
        }
      }
    } catch let e as MitigationInputError {
      throw InputError(field: method.rawValue, problem: e.description)
    }
    if json {
      var object: [String: Any] = [
        "dataset": dataset.rawValue, "model": model.rawValue, "method": method.rawValue, "target": target.rawValue,
        "application": apply.rawValue, "seed": seed, "quick": quick,
        "erm": ["validation": MitigationCLI.object(run.erm.validation), "test": MitigationCLI.object(run.erm.test)],
        "gap": run.gap, "scale": run.scale(for: method), "notes": run.notes,
        "surrogate": mitigation.surrogateObject,
        "max_clipped_fraction": mitigation.maxClippedFraction.map { $0 as Any } ?? NSNull(),
        "result": MitigationCLI.object(chosen),
      ]
      if sweep { object["sweep"] = sweepOutcomes.map(MitigationCLI.object) }
      print(try AnswerJSON.text(object))
    } else {
      print(
        "\(method.rawValue) on \(dataset.rawValue) (\(model.rawValue), target \(target.rawValue), seed \(seed), apply \(apply.rawValue), surrogate \(MitigationCLI.describe(mitigation.smoothSurrogate)))"
      )
      print("  smooth validation gap F(θ̂) = \(Format.number(run.gap)); λ0 = \(Format.number(run.scale(for: method)))")
      for note in run.notes + chosen.notes { print("  note: \(note)") }
      print(
        "  \(method.usesCount ? "K" : "λ") = \(Format.number(chosen.value)), dropped \(chosen.droppedCount), Σw = \(Format.number(chosen.weightSum)), clipped fraction \(Format.number(chosen.clippedFraction))"
      )
      print(
        "  predicted ΔF = \(Format.number(chosen.predictedChange)), obtained ΔF = \(Format.number(chosen.actualChange))"
      )
      if let p = chosen.predictedGaps, let a = chosen.actualGaps {
        print(
          "  FairIF TPR/TNR gaps: predicted \(p.map { Format.number($0) }), obtained \(a.map { Format.number($0) })")
      }
      var t = Table(["split", "model"] + MitigationCLI.metricNames)
      t.add(["validation", "ERM"] + MitigationCLI.row(run.erm.validation))
      t.add(["validation", method.rawValue] + MitigationCLI.row(chosen.validation))
      t.add(["test", "ERM"] + MitigationCLI.row(run.erm.test))
      t.add(["test", method.rawValue] + MitigationCLI.row(chosen.test))
      print(t.render())
      if sweep {
        var s = Table(["value", "apply", "clipped", "pred ΔF", "obtained ΔF", "val gap", "test acc"])
        for o in sweepOutcomes {
          s.add([
            Format.number(o.value), o.application.rawValue, String(o.clipping.count), Format.number(o.predictedChange),
            Format.number(o.actualChange), Format.number(o.validation.value(of: target.metric)),
            Format.number(o.test.accuracy),
          ])
        }
        print(s.render())
      }
    }
  }
}

/// Shared helpers of `reweight` and `compare`.
enum MitigationCLI {
  static let metrics: [FairnessMetricName] = [
    .accuracy, .demographicParity, .equalizedOdds, .equalOpportunity, .accuracyDifference, .averageOdds,
    .equalOpportunityDifference,
  ]
  static var metricNames: [String] { metrics.map(\.rawValue) }

  static func row(_ e: FairnessEvaluation) -> [String] { metrics.map { Format.number(e.value(of: $0)) } }

  static func trainingConfiguration(dataset: MitigationDataset, model: ModelKind, quick: Bool) -> TrainingConfiguration
  {
    switch model {
    case .lr: return TrainingConfiguration(model: .lr, l2Strength: 1e-3)
    case .mlp:
      let hidden = dataset.isSynthetic ? 64 : 100
      return TrainingConfiguration(
        model: .mlp, l2Strength: 1e-3, hiddenWidth: quick ? 16 : hidden,
        epochs: quick ? 5 : (dataset.isSynthetic ? 30 : 10),
        fineTuneEpochs: quick ? 1 : 3)
    }
  }

  /// `softmax` or `gumbel(τ=…, seed=…)`.
  static func describe(_ s: SmoothSurrogate) -> String {
    switch s {
    case .softmax: "softmax"
    case .gumbel(let t, let seed): "gumbel(τ=\(Format.number(t)), seed=\(seed))"
    }
  }

  static func prepare(
    dataset: MitigationDataset, model: ModelKind, target: TargetMetric, seed: UInt64, dataDir: String, quick: Bool,
    surrogate: SmoothSurrogate = .softmax, progress: ((String) -> Void)? = nil
  ) throws -> any MitigationRun {
    let split = try dataset.load(seed: seed, dataDirectory: dataDir, quick: quick)
    do {
      return try MitigationRunner.prepare(
        split: split, training: trainingConfiguration(dataset: dataset, model: model, quick: quick), target: target,
        seed: seed, surrogate: surrogate, progress: progress)
    } catch let e as MitigationInputError {
      throw InputError(field: "\(dataset.rawValue) seed \(seed)", problem: e.description)
    }
  }

  static func object(_ e: FairnessEvaluation) -> [String: Any] {
    var o: [String: Any] = ["error": e.error, "notes": e.notes]
    for m in metrics { if let v = e.value(of: m) { o[m.rawValue] = v } else { o[m.rawValue] = NSNull() } }
    return o
  }

  static func object(_ o: MitigationOutcome) -> [String: Any] {
    var r: [String: Any] = [
      "method": o.method.rawValue, "application": o.application.rawValue, "value": o.value, "scale": o.scale,
      "relative_value": o.scale > 0 ? o.value / o.scale : o.value,
      "clipped_count": o.clipping.count, "clipped_mass": o.clipping.mass, "dropped": o.droppedCount,
      "weight_sum": o.weightSum, "predicted_change": o.predictedChange, "actual_change": o.actualChange,
      "validation": object(o.validation), "test": object(o.test), "notes": o.notes,
      "clipped_fraction": o.clippedFraction,
    ]
    if let s = o.selection {
      r["selection"] = [
        "metric": s.metric.rawValue, "grid_count": s.gridCount,
        "accuracy_budget": s.accuracyBudget.map { $0 as Any } ?? NSNull(),
        "max_clipped_fraction": s.maxClippedFraction.map { $0 as Any } ?? NSNull(),
        "excluded_by_clipping": s.excluded.clipping, "excluded_by_accuracy": s.excluded.accuracy,
        "undefined": s.excluded.undefined,
      ]
    }
    if let p = o.predictedGaps { r["predicted_gaps"] = p }
    if let a = o.actualGaps { r["actual_gaps"] = a }
    return r
  }
}
