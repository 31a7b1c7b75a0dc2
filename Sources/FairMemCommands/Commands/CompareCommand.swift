import ArgumentParser
import DemographicsFreeReweighting
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
      Settings (comma-separated --settings): adult-mlp (seed 001: MLP, 100 SeLU units, last-layer influence), adult-lr, german-lr, compas-lr (seed 004 Table 4: logistic regression), synthetic-group-size, synthetic-distribution-shift, synthetic-class-size (seed 004 Table 7 bias types, MLP with 64 units). For every split seed 0..<--splits: train ERM, select each method's λ/K on validation (50 values, IJ edit, lowest validation gap of --target, optionally within --accuracy-budget and --max-clipped-fraction), apply it with each --apply (ij, retrain = from scratch, finetune = warm start), and evaluate on test. Prints test error, DP, EO, DEO, AD, AOD, EOD, W.Acc (wacc) and E.Odds (eo-max), defined below each report, and predicted vs obtained change of the smooth target, each as mean ± 2 SE over splits. --select-per-metric additionally selects λ/K separately for DP, EO and DEO (each with its own smooth target and influence) and reports each metric at its own selection, as seed 001 Table 2 does. --surrogate gumbel uses Gumbel-softmax targets (seed 004). --steering adds optimal-steering arms (Docs/steering.md). --group-free adds the methods of fairness without demographics as arms gf-erm, gf-arl, gf-dro, gf-gog-k<K>, gf-feature-graph-k<K> (one per --neighbours value): the setting's learner (logistic regression, or compare's MLP width with SeLU units) trained by the group-free loop (mini-batch Adam, --group-free-batch-size) without group labels, the epoch selected on validation worst-group accuracy, evaluated on the same test split. Your own data: --csv FILE --label COL --group COL [--features COL...] [--categorical COL...] [--positive VALUE] replaces the built-in settings by <file>-lr (and <file>-mlp with --settings csv-lr,csv-mlp); split 60/20/20 like COMPAS and German (Docs/datasets.md). Progress goes to stderr. See Docs/mitigation.md.
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
  @Option(
    help:
      "Comma-separated group-free methods to add as arms gf-<method> (erm, arl, dro, gog, feature-graph): trained without group labels, epoch selected on validation worst-group accuracy (Docs/fairness-without-demographics.md)."
  )
  var groupFree: String = ""
  @Option(help: "K of the kNN graph of the gog and feature-graph arms; comma-separated values add one arm per K.")
  var neighbours: String = "3"
  @Option(help: "Mini-batch size B of the group-free arms.")
  var groupFreeBatchSize: Int = GroupFreeConfiguration().batchSize
  @Option(help: "Largest number of epochs of the group-free arms (default 300; 10 with --quick).")
  var groupFreeEpochs: Int?
  @Option(
    help:
      "Epochs without a better validation worst-group accuracy before a group-free arm stops (default 20; 3 with --quick)."
  )
  var groupFreePatience: Int?
  @OptionGroup var mitigation: MitigationOptions
  @OptionGroup var data: DatasetSourceOptions

  /// The `groupfree` options of the group-free arms' errors, as `compare` spells them.
  static let groupFreeOptionNames = [
    "--batch-size": "--group-free-batch-size", "--epochs": "--group-free-epochs",
    "--patience": "--group-free-patience", "--method": "--group-free",
  ]

  /// One arm per group-free method (and per `K` for the graph methods), every option checked.
  func groupFreeArms() throws -> [GroupFreeArm] {
    let methods = try GroupFreeCommand.methods(groupFree, field: "--group-free")
    guard !methods.isEmpty else { return [] }
    let counts = try GroupFreeCommand.neighbourCounts(neighbours, field: "--neighbours")
    guard !counts.isEmpty else { throw InputError(field: "--neighbours", problem: "no value given") }
    var c = GroupFreeConfiguration()
    c.batchSize = groupFreeBatchSize
    c.maximumEpochs = groupFreeEpochs ?? (quick ? 10 : c.maximumEpochs)
    c.patience = groupFreePatience ?? (quick ? 3 : c.patience)
    var arms: [GroupFreeArm] = []
    for method in methods {
      for k in method.usesGraph ? counts : [c.neighbours] {
        var checked = c
        checked.neighbours = k
        do {
          // Every check that does not need the data; the batch size against the training split
          // is checked on each split.
          try checked.validate(trainingRows: .max)
        } catch {
          throw error.renamingOption(Self.groupFreeOptionNames)
        }
        arms.append(GroupFreeArm(method: method, neighbours: k, configuration: c, quick: quick))
      }
    }
    return arms
  }

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
      } + groupFreeArms())
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
    let report: ComparisonReport
    do {
      report = try ComparisonExperiment.run(try request()) { message in
        FileHandle.standardError.write(Data("[compare] \(message)\n".utf8))
      }
    } catch let error as GroupFreeError {
      throw error.renamingOption(Self.groupFreeOptionNames)
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
    text.append(
      "definitions (groups 0 and 1 of the setting, test split):\n"
        + ComparisonColumn.metrics.compactMap { c in report.definitions[c.key].map { "  \(c.key): \($0)" } }
        .joined(separator: "\n"))
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
