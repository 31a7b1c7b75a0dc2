import ArgumentParser
import FairMemJSON
import FairnessData
import FairnessStatistics
import Foundation
import MemorizationTheory
import Mitigation

/// `fairmem compare`: ERM and every reweighting method over seeded splits, mean ± 2 SE.
struct CompareCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "compare",
    abstract: "Compare ERM and every influence-reweighting method over seeded splits (mean ± 2 standard errors).",
    discussion: """
      Settings (comma-separated --settings): adult-mlp (seed 001: MLP, 100 SeLU units, last-layer influence), adult-lr, german-lr, compas-lr (seed 004 Table 4: logistic regression), synthetic-group-size, synthetic-distribution-shift, synthetic-class-size (seed 004 Table 7 bias types, MLP with 64 units). For every split seed 0..<--splits: train ERM, select each method's λ/K on validation (50 values, IJ edit, lowest validation gap of --target, optionally within --accuracy-budget and --max-clipped-fraction), apply it with each --apply (ij, retrain = from scratch, finetune = warm start), and evaluate on test. Prints test error, DP, EO, DEO, AD, AOD, EOD and predicted vs obtained change of the smooth target, each as mean ± 2 SE over splits. --select-per-metric additionally selects λ/K separately for DP, EO and DEO (each with its own smooth target and influence) and reports each metric at its own selection, as seed 001 Table 2 does. --surrogate gumbel uses Gumbel-softmax targets (seed 004). Progress goes to stderr. See Docs/mitigation.md.
      """)

  static let allSettings = [
    "adult-mlp", "adult-lr", "german-lr", "compas-lr", "synthetic-group-size", "synthetic-distribution-shift",
    "synthetic-class-size",
  ]

  @Option(help: "Comma-separated settings (default: all).") var settings: String = CompareCommand.allSettings.joined(
    separator: ",")
  @Option(help: "Number of seeded splits.") var splits: Int = 10
  @Option(help: "Comma-separated methods (default: all).") var methods: String = MitigationMethod.allCases.map(
    \.rawValue
  ).joined(separator: ",")
  @Option(help: "Comma-separated applications: ij, retrain (from scratch), finetune (warm start).")
  var apply: String = "ij,retrain"
  @Option(help: "The fairness gap the seed-001 rules minimize: dp, eo, deo.") var target: TargetMetric = .eo
  @Option(help: "Largest allowed drop of validation accuracy during selection.") var accuracyBudget: Double?
  @Option(help: "Directory with the raw datasets.") var dataDir: String = RealDataset.defaultDirectory
  @Flag(help: "Small data and short training (for tests).") var quick = false
  @Flag(help: "Print JSON instead of tables.") var json = false
  @Flag(
    help:
      "Also select λ/K separately for each of DP, EO and DEO and report each metric at its own selection (seed 001 Table 2)."
  )
  var selectPerMetric = false
  @OptionGroup var mitigation: MitigationOptions

  func parsedSettings() throws -> [(String, MitigationDataset, ModelKind)] {
    try settings.split(separator: ",").map { raw in
      let s = raw.trimmingCharacters(in: .whitespaces)
      if s.hasSuffix("-lr") || s.hasSuffix("-mlp"), let cut = s.lastIndex(of: "-"),
        let d = MitigationDataset(rawValue: String(s[..<cut])),
        let m = ModelKind(rawValue: String(s[s.index(after: cut)...]))
      {
        return (s, d, m)
      }
      if let d = MitigationDataset(rawValue: s), d.isSynthetic { return (s, d, .mlp) }
      throw InputError(
        field: "--settings", problem: "unknown setting '\(s)'; known: \(Self.allSettings.joined(separator: ", "))")
    }
  }

  func validate() throws {
    guard splits >= 1 else { throw InputError(field: "--splits", problem: "must be at least 1") }
    if let b = accuracyBudget, !(b >= 0) { throw InputError(field: "--accuracy-budget", problem: "must be >= 0") }
    _ = try parsedSettings()
    for m in methods.split(separator: ",") where MitigationMethod(rawValue: String(m)) == nil {
      throw InputError(field: "--methods", problem: "unknown method '\(m)'")
    }
    for a in apply.split(separator: ",") where WeightApplication(rawValue: String(a)) == nil {
      throw InputError(field: "--apply", problem: "unknown application '\(a)'")
    }
  }

  static func log(_ message: String) { FileHandle.standardError.write(Data((message + "\n").utf8)) }

  /// The metrics `--select-per-metric` selects for, each with its own target.
  static let perMetricTargets: [TargetMetric] = [.dp, .eo, .deo]

  func run() throws {
    let methodList = methods.split(separator: ",").compactMap { MitigationMethod(rawValue: String($0)) }
    let applications = apply.split(separator: ",").compactMap { WeightApplication(rawValue: String($0)) }
    let columns: [FairnessMetricName] = [
      .error, .demographicParity, .equalizedOdds, .equalOpportunity, .accuracyDifference, .averageOdds,
      .equalOpportunityDifference,
    ]
    let surrogate = mitigation.smoothSurrogate
    let maxClipped = mitigation.maxClippedFraction
    var settingObjects: [[String: Any]] = []
    var text: [String] = []
    let start = Date()
    for (name, dataset, model) in try parsedSettings() {
      let settingStart = Date()
      // rows keyed by "ERM" or "method/application": per-split metric values.
      var rows: [String: [String: [Double]]] = [:]
      var order: [String] = ["ERM"]
      // --select-per-metric: rows keyed the same way; columns "<metric>", "error@<metric>",
      // "value@<metric>" (relative λ/λ0 or K) and "clipped@<metric>", each at that metric's selection.
      var perMetric: [String: [String: [Double]]] = [:]
      var notes: [String] = []
      for split in 0..<splits {
        let seed = UInt64(split)
        Self.log("[compare] \(name) split \(split + 1)/\(splits) (\(Int(Date().timeIntervalSince(start))) s)")
        let run = try MitigationCLI.prepare(
          dataset: dataset, model: model, target: target, seed: seed, dataDir: dataDir, quick: quick,
          surrogate: surrogate, progress: { Self.log("[compare]   \($0)") })
        func record(
          _ key: String, _ e: FairnessEvaluation, predicted: Double? = nil, actual: Double? = nil, clipped: Int? = nil
        ) {
          if !order.contains(key) { order.append(key) }
          for c in columns { if let v = e.value(of: c) { rows[key, default: [:]][c.rawValue, default: []].append(v) } }
          if let predicted { rows[key, default: [:]]["predicted", default: []].append(predicted) }
          if let actual { rows[key, default: [:]]["obtained", default: []].append(actual) }
          if let clipped { rows[key, default: [:]]["clipped", default: []].append(Double(clipped)) }
        }
        /// `metric` and the error on test at `metric`'s selection, plus the selected value and the
        /// clipped fraction for a method (nil for ERM).
        func recordPerMetric(
          _ key: String, _ metric: TargetMetric, _ test: FairnessEvaluation, _ o: MitigationOutcome? = nil
        ) {
          let m = metric.rawValue
          if let v = test.value(of: metric.metric) { perMetric[key, default: [:]][m, default: []].append(v) }
          perMetric[key, default: [:]]["error@\(m)", default: []].append(test.error)
          if let o {
            perMetric[key, default: [:]]["value@\(m)", default: []].append(o.scale > 0 ? o.value / o.scale : o.value)
            perMetric[key, default: [:]]["clipped@\(m)", default: []].append(o.clippedFraction)
          }
        }
        record("ERM", run.erm.test)
        if selectPerMetric {
          for metric in Self.perMetricTargets { recordPerMetric("ERM", metric, run.erm.test) }
        }
        // The runs to select on: --target (the main table) and, per metric, the same ERM model
        // retargeted to that metric (one more influence vector each).
        var targetRuns: [(TargetMetric, any MitigationRun)] = [(target, run)]
        if selectPerMetric {
          for metric in Self.perMetricTargets where metric != target {
            do {
              targetRuns.append((metric, try run.retargetedRun(to: metric)))
            } catch let e as MitigationInputError {
              notes.append("split \(split) target \(metric.rawValue): \(e.description)")
            }
          }
        }
        for (metric, targetRun) in targetRuns {
          let isMain = metric == target
          for method in methodList {
            // One validation sweep (IJ edit) per method; the selected value is then applied each way.
            let selected: MitigationOutcome
            do {
              selected = try targetRun.select(
                method: method, application: .ij, accuracyBudget: accuracyBudget, maxClippedFraction: maxClipped,
                gridCount: 50
              ).chosen
            } catch let e as MitigationInputError {
              notes.append("split \(split) \(method.rawValue) (target \(metric.rawValue)): \(e.description)")
              Self.log("[compare]   \(method.rawValue) (target \(metric.rawValue)): \(e.description)")
              continue
            }
            for application in applications {
              let key = "\(method.rawValue)/\(application.rawValue)"
              do {
                var chosen =
                  application == .ij
                  ? selected
                  : try targetRun.outcomeOnly(method: method, value: selected.value, application: application)
                chosen.selection = selected.selection
                if isMain {
                  record(
                    key, chosen.test, predicted: chosen.predictedChange, actual: chosen.actualChange,
                    clipped: chosen.clipping.count)
                  for n in chosen.notes where !n.hasPrefix("selected") { notes.append("split \(split) \(key): \(n)") }
                  if let s = chosen.selection, maxClipped != nil {
                    rows[key, default: [:]]["excluded_by_clipping", default: []].append(Double(s.excluded.clipping))
                    rows[key, default: [:]]["clipped_fraction", default: []].append(chosen.clippedFraction)
                  }
                }
                if selectPerMetric { recordPerMetric(key, metric, chosen.test, chosen) }
              } catch let e as MitigationInputError {
                notes.append("split \(split) \(key): \(e.description)")
                Self.log("[compare]   \(key): \(e.description)")
              }
            }
          }
        }
      }
      func summary(_ values: [Double]?) -> (mean: Double, twoSE: Double, count: Int)? {
        guard let values, !values.isEmpty else { return nil }
        let m = values.reduce(0, +) / Double(values.count)
        guard values.count > 1 else { return (m, 0, 1) }
        let v = values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count - 1)
        return (m, 2 * (v / Double(values.count)).squareRoot(), values.count)
      }
      func tabulate(_ data: [String: [String: [Double]]], keys: [String]) -> (objects: [[String: Any]], table: Table) {
        var objects: [[String: Any]] = []
        var table = Table(["method"] + keys)
        for key in order where data[key] != nil {
          var o: [String: Any] = ["method": key]
          var cells = [key]
          for k in keys {
            if let s = summary(data[key]?[k]) {
              o[k] = ["mean": s.mean, "two_se": s.twoSE, "n": s.count]
              cells.append(String(format: "%.3f±%.3f", s.mean, s.twoSE))
            } else {
              cells.append("-")
            }
          }
          objects.append(o)
          table.add(cells)
        }
        return (objects, table)
      }
      var keys = columns.map(\.rawValue) + ["predicted", "obtained", "clipped"]
      if maxClipped != nil { keys += ["clipped_fraction", "excluded_by_clipping"] }
      let main = tabulate(rows, keys: keys)
      let seconds = Date().timeIntervalSince(settingStart)
      var object: [String: Any] = [
        "setting": name, "splits": splits, "rows": main.objects, "notes": notes, "seconds": seconds,
      ]
      text.append(
        "\(name) (\(splits) split(s), target \(target.rawValue), test split; mean ± 2 SE; \(Int(seconds)) s)\n"
          + main.table.render())
      if selectPerMetric {
        let pmKeys = Self.perMetricTargets.flatMap { m in
          [m.rawValue, "error@\(m.rawValue)", "value@\(m.rawValue)", "clipped@\(m.rawValue)"]
        }
        let pm = tabulate(perMetric, keys: pmKeys)
        object["per_metric_rows"] = pm.objects
        text.append(
          "\(name): each metric at the λ/K selected for it on validation (value = λ/λ0 or K; clipped = fraction)\n"
            + pm.table.render())
      }
      settingObjects.append(object)
      if !notes.isEmpty { text.append(notes.prefix(20).map { "  note: \($0)" }.joined(separator: "\n")) }
    }
    Self.log("[compare] done in \(Int(Date().timeIntervalSince(start))) s")
    if json {
      print(
        try AnswerJSON.text([
          "settings": settingObjects, "target": target.rawValue, "quick": quick, "splits": splits,
          "seconds": Date().timeIntervalSince(start), "surrogate": mitigation.surrogateObject,
          "max_clipped_fraction": maxClipped.map { $0 as Any } ?? NSNull(), "select_per_metric": selectPerMetric,
          "accuracy_budget": accuracyBudget.map { $0 as Any } ?? NSNull(),
        ]))
    } else {
      print(text.joined(separator: "\n\n"))
    }
  }
}
