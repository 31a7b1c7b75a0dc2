import ArgumentParser
import FairMemJSON
import FairnessData
import FairnessStatistics
import Foundation
import Mitigation
import OptimalSteering
import SteeringExperiment

/// `fairmem compare`: ERM and every reweighting method over seeded splits, mean ± 2 SE
/// (`ComparisonExperiment.run`, rendered as tables or as `ComparisonReport` JSON).
struct CompareCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "compare",
    abstract: "Compare ERM and every influence-reweighting method over seeded splits (mean ± 2 standard errors).",
    discussion: """
      Settings (comma-separated --settings): adult-mlp (seed 001: MLP, 100 SeLU units, last-layer influence), adult-lr, german-lr, compas-lr (seed 004 Table 4: logistic regression), synthetic-group-size, synthetic-distribution-shift, synthetic-class-size (seed 004 Table 7 bias types, MLP with 64 units). For every split seed 0..<--splits: train ERM, select each method's λ/K on validation (50 values, IJ edit, lowest validation gap of --target, optionally within --accuracy-budget and --max-clipped-fraction), apply it with each --apply (ij, retrain = from scratch, finetune = warm start), and evaluate on test. Prints test error, DP, EO, DEO, AD, AOD, EOD and predicted vs obtained change of the smooth target, each as mean ± 2 SE over splits. --select-per-metric additionally selects λ/K separately for DP, EO and DEO (each with its own smooth target and influence) and reports each metric at its own selection, as seed 001 Table 2 does. --surrogate gumbel uses Gumbel-softmax targets (seed 004). Your own data: --csv FILE --label COL --group COL [--features COL...] [--categorical COL...] [--positive VALUE] replaces the built-in settings by <file>-lr (and <file>-mlp with --settings csv-lr,csv-mlp); split 60/20/20 like COMPAS and German (Docs/datasets.md). Progress goes to stderr. See Docs/mitigation.md.
      """)

  @Option(help: "Comma-separated settings (default: all; with --csv: csv-lr, csv-mlp, default csv-lr).")
  var settings: String?
  @Option(help: "Number of seeded splits.") var splits: Int = 10
  @Option(help: "Comma-separated methods (default: all).")
  var methods: String = MitigationMethod.allCases.map(\.rawValue).joined(separator: ",")
  @Option(help: "Comma-separated applications: ij, retrain (from scratch), finetune (warm start).")
  var apply: String = "ij,retrain"
  @Option(help: "The fairness gap the seed-001 rules minimize: dp, eo, deo.") var target: FairnessMetric =
    .equalizedOddsGapSum
  @Option(help: "Largest allowed drop of validation accuracy during selection.") var accuracyBudget: Double?
  @Option(help: "Directory with the raw datasets.") var dataDir: String = RealDataset.defaultDirectory
  @Flag(help: "Small data and short training (for tests).") var quick = false
  @Flag(help: "Print JSON instead of tables.") var json = false
  @Flag(
    help:
      "Also select λ/K separately for each of DP, EO and DEO and report each metric at its own selection (seed 001 Table 2)."
  )
  var selectPerMetric = false
  @Option(
    help:
      "Comma-separated steering interventions to add as arms (affirmative, all-subgroup, mean, mean-cov; logistic-regression settings; Docs/steering.md)."
  )
  var steering: String = ""
  @Option(help: "KL direction of the steering arms: forward or reverse.") var steeringKl: KLDirection = .forward
  @OptionGroup var mitigation: MitigationOptions
  @OptionGroup var data: DatasetSourceOptions

  /// Parses a comma-separated list with `parse`, naming `field` in the error.
  static func list<T>(_ text: String, field: String, _ parse: (String) -> T?) throws -> [T] {
    try text.split(separator: ",").map { raw in
      guard let value = parse(raw.trimmingCharacters(in: .whitespaces)) else {
        throw InputError(field: field, problem: "unknown value '\(raw)'")
      }
      return value
    }
  }

  func request() throws -> ComparisonRequest {
    let names = settings ?? (data.csv == nil ? ComparisonSetting.standard.map(\.name).joined(separator: ",") : "csv-lr")
    guard !names.trimmingCharacters(in: .whitespaces).isEmpty else {
      throw InputError(field: "--settings", problem: "is empty (give at least one setting; see --help)")
    }
    var parsedSettings: [ComparisonSetting] = []
    for name in names.split(separator: ",") {
      if let csv = data.source {
        guard let model = Self.csvModels[name.trimmingCharacters(in: .whitespaces)] else {
          throw InputError(
            field: "--settings", problem: "with --csv the settings are csv-lr and csv-mlp, got '\(name)'")
        }
        parsedSettings.append(ComparisonSetting(csv: csv, model: model))
        continue
      }
      do {
        parsedSettings.append(try ComparisonSetting(parsing: String(name)))
      } catch {
        throw InputError(field: "--settings", problem: error.problem)
      }
    }
    return ComparisonRequest(
      settings: parsedSettings, splits: splits,
      methods: try Self.list(methods, field: "--methods") { MitigationMethod(rawValue: $0) },
      applications: try Self.list(apply, field: "--apply") { WeightApplication(rawValue: $0) }, target: target,
      accuracyBudget: accuracyBudget, maxClippedFraction: mitigation.maxClippedFraction,
      selectPerMetric: selectPerMetric, surrogate: mitigation.smoothSurrogate, dataDirectory: dataDir, quick: quick,
      arms: try Self.list(steering, field: "--steering") { SteeringIntervention(rawValue: $0) }.map {
        SteeringArm(options: SteeringOptions(intervention: $0, direction: steeringKl))
      })
  }

  /// The settings of a `--csv` file.
  static let csvModels: [String: ModelKind] = ["csv-lr": .lr, "csv-mlp": .mlp]

  func validate() throws {
    guard FairnessMetric.reweightingTargets.contains(target) else {
      throw InputError(field: "--target", problem: "must be dp, eo or deo (got \(target.rawValue))")
    }
    guard splits >= 1 else { throw InputError(field: "--splits", problem: "must be at least 1") }
    if let b = accuracyBudget, !(b >= 0) { throw InputError(field: "--accuracy-budget", problem: "must be >= 0") }
    _ = try request()
  }

  func run() throws {
    let report = try ComparisonExperiment.run(try request()) { message in
      FileHandle.standardError.write(Data("[compare] \(message)\n".utf8))
    }
    print(json ? try JSONReportEncoder().text(report) : Self.render(report))
  }

  /// One table per setting (and one more with per-metric selection), then up to 20 notes.
  static func render(_ report: ComparisonReport) -> String {
    var text: [String] = []
    for s in report.settings {
      text.append(
        "\(s.setting.name) (\(s.splits) split(s), target \(report.target.rawValue), test split; mean ± 2 SE; \(Int(s.seconds)) s)\n"
          + table(s.rows, columns: s.columns).render())
      if let rows = s.perMetricRows {
        text.append(
          "\(s.setting.name): each metric at the λ/K selected for it on validation (value = λ/λ0 or K; clipped = fraction)\n"
            + table(rows, columns: s.perMetricColumns).render())
      }
      if !s.notes.isEmpty { text.append(s.notes.prefix(20).map { "  note: \($0)" }.joined(separator: "\n")) }
    }
    return text.joined(separator: "\n\n")
  }

  static func table(_ rows: [ComparisonRow], columns: [ComparisonColumn]) -> Table {
    var table = Table(["method"] + columns.map(\.key))
    for row in rows {
      table.add(
        [row.arm]
          + columns.map { c in
            row.cells[c].map { String(format: "%.3f±%.3f", $0.mean, $0.twoStandardErrors) } ?? "-"
          })
    }
    return table
  }
}
